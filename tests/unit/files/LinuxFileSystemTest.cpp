#include "platform/linux/LinuxFileSystem.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "TempTree.h"

namespace tpserve::platform {
namespace {

using files::FileKind;
using files::OpenError;
using files::SymlinkPolicy;
using files::test::kSecret;
using files::test::read_all;
using files::test::TempTree;
using Backend = LinuxFileSystem::Backend;

enum class Expect { File, Dir, Secret, NotFound, Forbidden, Any };

struct Case {
    const char* path;
    Expect within_root;
    Expect never;
    Expect follow;
};

constexpr Expect F = Expect::File;
constexpr Expect D = Expect::Dir;
constexpr Expect S = Expect::Secret;
constexpr Expect N = Expect::NotFound;
constexpr Expect X = Expect::Forbidden;

const std::vector<Case> kCases = {
    {"", D, D, D},
    {"index.html", F, F, F},
    {"sub", D, D, D},
    {"sub/file.txt", F, F, F},
    {"sub/deeper/x.txt", F, F, F},
    {"missing", N, N, N},
    {"sub/missing/x", N, N, N},
    {"index.html/x", N, N, N},  // ENOTDIR
    {"link_inside", F, X, F},
    {"link_inside_abs", F, X, F},
    {"link_dir_inside/file.txt", F, X, F},
    {"link_dir_inside", D, X, D},
    {"sub/link_up_in", F, X, F},
    {"link_out_and_back", F, X, F},
    {"link_out_abs", X, X, S},
    {"link_out_rel", X, X, S},
    {"sub/link_out_rel2", X, X, S},
    {"link_dir_out/secret", X, X, S},
    {"link_dir_out_abs/secret", X, X, S},
    {"link_dir_out", X, X, D},
    {"link_fs_root", X, X, D},
    {"link_proc", X, X, Expect::Any},  // openat2 refuses magic links even with Follow
    {"dangling", N, X, N},
    {"loop", X, X, X},
    {"fifo", X, X, X},
    {"link_fifo_out", X, X, X},
};

const char* name(Expect e) {
    switch (e) {
        case Expect::File:
            return "File";
        case Expect::Dir:
            return "Dir";
        case Expect::Secret:
            return "Secret";
        case Expect::NotFound:
            return "NotFound";
        case Expect::Forbidden:
            return "Forbidden";
        case Expect::Any:
            return "Any";
    }
    return "?";
}

Expect outcome(const files::OpenResult& r) {
    switch (r.error) {
        case OpenError::NotFound:
            return Expect::NotFound;
        case OpenError::Forbidden:
            return Expect::Forbidden;
        case OpenError::None:
            break;
        default:
            return Expect::Any;  // never expected: reported as a mismatch
    }
    if (r.info.kind == FileKind::Directory) return Expect::Dir;
    const std::string data = read_all(static_cast<int>(r.file->native()));
    return data == kSecret ? Expect::Secret : Expect::File;
}

class LinuxFileSystemTest : public ::testing::TestWithParam<std::tuple<SymlinkPolicy, Backend>> {
protected:
    std::unique_ptr<LinuxFileSystem> open(SymlinkPolicy policy, Backend backend) {
        std::string error;
        auto fs = LinuxFileSystem::open_root(tree_.root(), policy, error, backend);
        EXPECT_NE(fs, nullptr) << error;
        return fs;
    }
    TempTree tree_;
};

TEST_P(LinuxFileSystemTest, PolicyTable) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    EXPECT_EQ(fs->uses_openat2(), backend != Backend::Fallback);
    for (const Case& c : kCases) {
        const Expect want = policy == SymlinkPolicy::WithinRoot ? c.within_root
                            : policy == SymlinkPolicy::Never    ? c.never
                                                                : c.follow;
        const files::OpenResult r = fs->open(c.path);
        const Expect got = outcome(r);
        if (want == Expect::Any) {
            EXPECT_TRUE(got == Expect::Forbidden || got == Expect::Secret) << c.path;
            continue;
        }
        EXPECT_STREQ(name(got), name(want)) << "path: '" << c.path << "'";
        EXPECT_EQ(r.file != nullptr, r.error == OpenError::None) << c.path;
    }
}

TEST_P(LinuxFileSystemTest, SpecialFilesAreForbidden) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    // A blocking open of the FIFO would hang here (the test has a timeout).
    EXPECT_EQ(fs->open("fifo").error, OpenError::Forbidden);
    if (tree_.has_socket()) {
        EXPECT_EQ(fs->open("socket").error, OpenError::Forbidden);
    }
    if (tree_.has_device()) {
        EXPECT_EQ(fs->open("device").error, OpenError::Forbidden);
    }
}

TEST_P(LinuxFileSystemTest, UnreadableFileIsForbidden) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads mode-000 files";
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    EXPECT_EQ(fs->open("noread.txt").error, OpenError::Forbidden);
}

TEST_P(LinuxFileSystemTest, InfoMatchesStat) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    for (const char* rel : {"index.html", "sub/deeper/x.txt", "sub", ""}) {
        const files::OpenResult r = fs->open(rel);
        ASSERT_EQ(r.error, OpenError::None) << rel;
        struct stat st {};
        ASSERT_EQ(::stat((tree_.root() + "/" + rel).c_str(), &st), 0);
        EXPECT_EQ(r.info.kind, S_ISDIR(st.st_mode) ? FileKind::Directory : FileKind::Regular);
        EXPECT_EQ(r.info.size, static_cast<std::uint64_t>(st.st_size)) << rel;
        EXPECT_EQ(r.info.mtime_sec, st.st_mtim.tv_sec) << rel;
        EXPECT_EQ(r.info.mtime_nsec, static_cast<std::uint32_t>(st.st_mtim.tv_nsec)) << rel;
        EXPECT_EQ(r.info.inode, st.st_ino) << rel;
        const int fd = static_cast<int>(r.file->native());
        const int flags = ::fcntl(fd, F_GETFL);
        EXPECT_EQ(flags & O_ACCMODE, O_RDONLY);
        EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
        if (r.info.kind == FileKind::Regular) {
            EXPECT_EQ(flags & O_NONBLOCK, 0) << "io_uring would return EAGAIN";
            struct stat fst {};
            ASSERT_EQ(::fstat(fd, &fst), 0);
            EXPECT_EQ(fst.st_ino, st.st_ino);
        }
    }
}

TEST_P(LinuxFileSystemTest, FileRefClosesTheDescriptor) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    files::OpenResult r = fs->open("index.html");
    ASSERT_EQ(r.error, OpenError::None);
    const int fd = static_cast<int>(r.file->native());
    plan::FileRef copy = r.file;
    r.file.reset();
    EXPECT_NE(::fcntl(fd, F_GETFD), -1) << "still shared by copy";
    copy.reset();
    EXPECT_EQ(::fcntl(fd, F_GETFD), -1);
    EXPECT_EQ(errno, EBADF);
}

INSTANTIATE_TEST_SUITE_P(
    AllPolicies, LinuxFileSystemTest,
    ::testing::Combine(::testing::Values(SymlinkPolicy::WithinRoot, SymlinkPolicy::Never,
                                         SymlinkPolicy::Follow),
                       ::testing::Values(Backend::Auto, Backend::Fallback)),
    [](const auto& param_info) {
        const SymlinkPolicy p = std::get<0>(param_info.param);
        std::string n = p == SymlinkPolicy::WithinRoot ? "WithinRoot"
                        : p == SymlinkPolicy::Never    ? "Never"
                                                       : "Follow";
        return n + (std::get<1>(param_info.param) == Backend::Fallback ? "_Fallback" : "_Openat2");
    });

TEST(LinuxFileSystemRoot, MissingRootFails) {
    std::string error;
    EXPECT_EQ(
        LinuxFileSystem::open_root("/nonexistent/tpserve-root", SymlinkPolicy::WithinRoot, error),
        nullptr);
    EXPECT_NE(error.find("/nonexistent/tpserve-root"), std::string::npos) << error;
}

TEST(LinuxFileSystemRoot, FileAsRootFails) {
    TempTree tree;
    std::string error;
    EXPECT_EQ(
        LinuxFileSystem::open_root(tree.root() + "/index.html", SymlinkPolicy::WithinRoot, error),
        nullptr);
    EXPECT_FALSE(error.empty());
}

TEST(LinuxFileSystemRoot, RootThroughSymlinkWorks) {
    // A root that is itself a link (e.g. /srv/www -> /srv/releases/42) is fine:
    // "beneath" is judged from where it really is.
    TempTree tree;
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
    TempTree tree;
    std::string error;
    const auto fs = LinuxFileSystem::open_root(tree.root(), SymlinkPolicy::WithinRoot, error);
    ASSERT_NE(fs, nullptr) << error;
    EXPECT_EQ(fs->open(std::string(5000, 'a')).error, OpenError::NotFound);
    EXPECT_EQ(fs->open(std::string(300, 'a')).error, OpenError::NotFound);  // > NAME_MAX
}

}  // namespace
}  // namespace tpserve::platform
