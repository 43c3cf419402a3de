// PathResolver + LinuxFileSystem together, fed hostile request-targets: no
// target may ever open the secret outside the root, nor anything whose real
// path is outside the root.
#include <limits.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ConfinementTree.h"
#include "files/PathResolver.h"
#include "platform/linux/LinuxFileSystem.h"

namespace tpserve::files {
namespace {

using platform::LinuxFileSystem;
using Backend = LinuxFileSystem::Backend;

std::vector<std::string> hostile_targets() {
    std::vector<std::string> t = {
        "/../outside/secret",
        "/../../../../../../etc/passwd",
        "/%2e%2e/outside/secret",
        "/%2e%2e%2foutside%2fsecret",
        "/.%2e/outside/secret",
        "/%2e./outside/secret",
        "/..%2foutside/secret",
        "/..%5coutside%5csecret",
        "/sub/../../outside/secret",
        "/sub/%2e%2e/%2e%2e/outside/secret",
        "/sub/deeper/../../../outside/secret",
        "/%252e%252e/outside/secret",
        "/%c0%ae%c0%ae/outside/secret",
        "/%e0%80%ae%e0%80%ae/outside/secret",
        "/%c0%ae%c0%ae%c0%afoutside%c0%afsecret",
        "/link_out_abs",
        "/link_out_rel",
        "/sub/link_out_rel2",
        "/link_dir_out/secret",
        "/link_dir_out%2fsecret",
        "/link_dir_out_abs/secret",
        "/link_dir_out/./secret",
        "/link_dir_inside/../../outside/secret",
        "/link_dir_inside/%2e%2e/%2e%2e/outside/secret",
        "/link_proc",
        "/link_fs_root" + std::string(""),
        "/link_fs_root/etc/passwd",
        "/link_fifo_out",
        "/fifo",
        "http://example.com/../outside/secret",
        "http://example.com/link_out_abs",
        "/index.html?/../outside/secret",
        "/outside/secret",
        "//outside/secret",
        "/%00/../outside/secret",
        "/link_out_abs%00",
        "/link_out_abs.",
        "/link_out_abs::$DATA",
    };
    // Combinations of traversal fragments, up to three deep, each followed by
    // the secret's path relative to the base.
    const std::vector<std::string> parts = {"..",           "%2e%2e", ".%2e", "%2e.",
                                            "link_dir_out", "sub",    ".",    "%2f",
                                            "link_fs_root", "%5c",    "",     "%c0%ae%c0%ae"};
    for (const auto& a : parts) {
        for (const auto& b : parts) {
            for (const auto& c : parts) {
                t.push_back("/" + a + "/" + b + "/" + c + "/outside/secret");
                t.push_back("/" + a + "/" + b + "/" + c + "/secret");
            }
        }
    }
    return t;
}

bool beneath(const std::string& path, const std::string& root) {
    return path == root || path.starts_with(root + "/");
}

class EndToEnd : public ::testing::TestWithParam<std::tuple<SymlinkPolicy, Backend, bool>> {};

TEST_P(EndToEnd, HostileTargetsNeverLeaveTheRoot) {
    const auto [policy, backend, serve_hidden] = GetParam();
    test::ConfinementTree tree;
    std::string error;
    const auto fs = LinuxFileSystem::open_root(tree.root(), policy, error, backend);
    ASSERT_NE(fs, nullptr) << error;
    char real_root[PATH_MAX];
    ASSERT_NE(::realpath(tree.root().c_str(), real_root), nullptr);

    PathResolver resolver(serve_hidden);
    int opened = 0;
    for (const std::string& target : hostile_targets()) {
        const ResolvedPath p = resolver.resolve(target);
        if (p.error != PathError::None) continue;
        const OpenResult r = fs->open(p.relative);
        if (r.error != OpenError::None) continue;
        ++opened;
        const int fd = static_cast<int>(r.file->native());
        if (r.info.kind == FileKind::Regular) {
            EXPECT_NE(test::read_all(fd), test::kSecret) << "target: " << target;
        }
        char link[64];
        char where[PATH_MAX] = {};
        std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ASSERT_GT(::readlink(link, where, sizeof where - 1), 0);
        EXPECT_TRUE(beneath(where, real_root)) << "target: " << target << " opened " << where;
    }
    // The harmless combinations ("/sub/./%2f/secret" ...) do reach the file
    // system; a resolver that refused everything would prove nothing.
    EXPECT_GT(opened, 0);
    // And the secret is really there to be found by a wrong implementation.
    const auto follow = LinuxFileSystem::open_root(tree.root(), SymlinkPolicy::Follow, error);
    ASSERT_NE(follow, nullptr);
    const OpenResult leak = follow->open("link_out_abs");
    ASSERT_EQ(leak.error, OpenError::None);
    EXPECT_EQ(test::read_all(static_cast<int>(leak.file->native())), test::kSecret);
}

INSTANTIATE_TEST_SUITE_P(
    Policies, EndToEnd,
    ::testing::Combine(::testing::Values(SymlinkPolicy::WithinRoot, SymlinkPolicy::Never),
                       ::testing::Values(Backend::Auto, Backend::Fallback), ::testing::Bool()),
    [](const auto& param_info) {
        const SymlinkPolicy policy = std::get<0>(param_info.param);
        const Backend backend = std::get<1>(param_info.param);
        return std::string(policy == SymlinkPolicy::WithinRoot ? "WithinRoot" : "Never") +
               (backend == Backend::Fallback ? "_Fallback" : "_Openat2") +
               (std::get<2>(param_info.param) ? "_ServeHidden" : "");
    });

}  // namespace
}  // namespace tpserve::files
