// LinuxFileSystem::open_root: which document roots open and which are
// refused. The per-policy table of what a root serves is LinuxFileSystemTest.
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "ConfinementTree.h"
#include "platform/linux/LinuxFileSystem.h"

namespace tpserve::platform {
namespace {

using files::OpenError;
using files::SymlinkPolicy;
using files::test::ConfinementTree;
using Backend = LinuxFileSystem::Backend;

TEST(LinuxFileSystemRoot, MissingRootFails) {
    std::string error;
    EXPECT_EQ(
        LinuxFileSystem::open_root("/nonexistent/tpserve-root", SymlinkPolicy::WithinRoot, error),
        nullptr);
    EXPECT_NE(error.find("/nonexistent/tpserve-root"), std::string::npos) << error;
}

TEST(LinuxFileSystemRoot, FileAsRootFails) {
    ConfinementTree tree;
    std::string error;
    EXPECT_EQ(
        LinuxFileSystem::open_root(tree.root() + "/index.html", SymlinkPolicy::WithinRoot, error),
        nullptr);
    EXPECT_FALSE(error.empty());
}

TEST(LinuxFileSystemRoot, RootThroughSymlinkWorks) {
    // A root that is itself a link (e.g. /srv/www -> /srv/releases/42) is fine:
    // "beneath" is judged from where it really is.
    ConfinementTree tree;
    const std::string alias = tree.base() + "/alias";
    ASSERT_EQ(::symlink("root", alias.c_str()), 0);
    for (const Backend b : {Backend::Auto, Backend::Fallback}) {
        std::string error;
        const auto fs = LinuxFileSystem::open_root(alias, SymlinkPolicy::WithinRoot, error, b);
        ASSERT_NE(fs, nullptr) << error;
        EXPECT_EQ(fs->open("link_inside_abs").error, OpenError::None);
        EXPECT_EQ(fs->open("link_out_abs").error, OpenError::Forbidden);
    }
}

TEST(LinuxFileSystemRoot, OverlongPathIsNotFound) {
    ConfinementTree tree;
    std::string error;
    const auto fs = LinuxFileSystem::open_root(tree.root(), SymlinkPolicy::WithinRoot, error);
    ASSERT_NE(fs, nullptr) << error;
    EXPECT_EQ(fs->open(std::string(5000, 'a')).error, OpenError::NotFound);
    EXPECT_EQ(fs->open(std::string(300, 'a')).error, OpenError::NotFound);  // > NAME_MAX
}

}  // namespace
}  // namespace tpserve::platform
