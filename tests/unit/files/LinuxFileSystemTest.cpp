#include "platform/linux/LinuxFileSystem.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ConfinementTree.h"

namespace tpserve::platform {
namespace {

using files::FileKind;
using files::OpenError;
using files::SymlinkPolicy;
using files::test::ConfinementTree;
using files::test::kSecret;
using files::test::read_all;
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
    ConfinementTree tree_;
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

// What an unprivileged child reports about opening noread.txt (its exit status).
enum Unreadable : int { kForbidden = 0, kOtherError = 1, kServed = 2, kNoRoot = 3, kNoDrop = 4 };

// Root reads mode-000 files, and CI runs as root: open the file in a child
// that has dropped to `nobody` (which also drops every capability), as the
// server runs in production.
int open_unreadable_as_nobody(const std::string& root, SymlinkPolicy policy, Backend backend) {
    const passwd* nobody = ::getpwnam("nobody");
    const uid_t uid = nobody != nullptr ? nobody->pw_uid : 65534;
    const gid_t gid = nobody != nullptr ? nobody->pw_gid : 65534;
    const pid_t child = ::fork();
    if (child == 0) {
        if (::setgroups(0, nullptr) != 0 || ::setresgid(gid, gid, gid) != 0 ||
            ::setresuid(uid, uid, uid) != 0) {
            ::_exit(kNoDrop);
        }
        std::string error;
        const auto fs = LinuxFileSystem::open_root(root, policy, error, backend);
        if (fs == nullptr) ::_exit(kNoRoot);
        const OpenError result = fs->open("noread.txt").error;
        ::_exit(result == OpenError::Forbidden ? kForbidden
                : result == OpenError::None    ? kServed
                                               : kOtherError);
    }
    int status = 0;
    if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
    return WEXITSTATUS(status);
}

TEST_P(LinuxFileSystemTest, UnreadableFileIsForbidden) {
    const auto [policy, backend] = GetParam();
    if (::geteuid() != 0) {
        const auto fs = open(policy, backend);
        ASSERT_NE(fs, nullptr);
        EXPECT_EQ(fs->open("noread.txt").error, OpenError::Forbidden);
        return;
    }
    // nobody must reach the root: mkdtemp made the tree's base 0700.
    ASSERT_EQ(::chmod(tree_.base().c_str(), 0755), 0);
    const int result = open_unreadable_as_nobody(tree_.root(), policy, backend);
    if (result == kNoDrop) GTEST_SKIP() << "cannot switch to nobody here (a user namespace?)";
    EXPECT_NE(result, kServed) << "an unreadable file was opened";
    EXPECT_NE(result, kNoRoot) << "nobody could not open the root";
    EXPECT_EQ(result, kForbidden);
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

// What list() reports for one name: a kind letter (F, D, O) or '-' for omitted.
struct ListCase {
    const char* name;
    char within_root;
    char never;
    char follow;
};

// The root of ConfinementTree; link_proc is checked separately (openat2 refuses the
// magic link even with Follow, the fallback follows it).
const std::vector<ListCase> kRootListing = {
    {"index.html", 'F', 'F', 'F'},
    {"sub", 'D', 'D', 'D'},
    {"noread.txt", 'F', 'F', 'F'},  // listed even though it cannot be read
    {"fifo", 'O', 'O', 'O'},
    {"link_inside", 'F', '-', 'F'},
    {"link_inside_abs", 'F', '-', 'F'},
    {"link_dir_inside", 'D', '-', 'D'},
    {"link_out_and_back", 'F', '-', 'F'},
    {"link_out_abs", '-', '-', 'F'},
    {"link_out_rel", '-', '-', 'F'},
    {"link_dir_out", '-', '-', 'D'},
    {"link_dir_out_abs", '-', '-', 'D'},
    {"link_fs_root", '-', '-', 'D'},
    {"link_fifo_out", '-', '-', 'O'},
    {"dangling", '-', '-', '-'},
    {"loop", '-', '-', '-'},
};

char letter(FileKind kind) {
    return kind == FileKind::Regular ? 'F' : kind == FileKind::Directory ? 'D' : 'O';
}

std::map<std::string, files::DirEntry> by_name(const std::vector<files::DirEntry>& entries) {
    std::map<std::string, files::DirEntry> map;
    for (const files::DirEntry& e : entries) {
        EXPECT_TRUE(map.emplace(e.name, e).second) << "listed twice: " << e.name;
    }
    return map;
}

TEST_P(LinuxFileSystemTest, ListRootFollowsThePolicy) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    std::vector<files::DirEntry> entries;
    ASSERT_EQ(fs->list("", entries), OpenError::None);
    auto listed = by_name(entries);
    EXPECT_EQ(listed.count("."), 0u);
    EXPECT_EQ(listed.count(".."), 0u);
    for (const ListCase& c : kRootListing) {
        const char want = policy == SymlinkPolicy::WithinRoot ? c.within_root
                          : policy == SymlinkPolicy::Never    ? c.never
                                                              : c.follow;
        const auto it = listed.find(c.name);
        EXPECT_EQ(it == listed.end() ? '-' : letter(it->second.kind), want) << c.name;
        listed.erase(c.name);
    }
    const auto proc = listed.find("link_proc");
    if (policy != SymlinkPolicy::Follow) {
        EXPECT_EQ(proc, listed.end());
    } else if (proc != listed.end()) {
        EXPECT_EQ(backend, Backend::Fallback) << "openat2 refuses magic links";
        EXPECT_EQ(proc->second.size, std::string(kSecret).size());
    }
    listed.erase("link_proc");
    for (const char* special : {"socket", "device"}) {
        const bool made = special[0] == 's' ? tree_.has_socket() : tree_.has_device();
        const auto it = listed.find(special);
        EXPECT_EQ(it == listed.end() ? '-' : letter(it->second.kind), made ? 'O' : '-') << special;
        listed.erase(special);
    }
    for (const auto& [name, entry] : listed) {
        ADD_FAILURE() << "unexpected entry: " << name;
    }
}

TEST_P(LinuxFileSystemTest, ListDescribesWhatEntriesResolveTo) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    std::vector<files::DirEntry> entries;
    ASSERT_EQ(fs->list("sub", entries), OpenError::None);
    auto listed = by_name(entries);
    ASSERT_EQ(listed.count("file.txt"), 1u);
    struct stat st {};
    ASSERT_EQ(::stat((tree_.root() + "/sub/file.txt").c_str(), &st), 0);
    EXPECT_EQ(listed["file.txt"].kind, FileKind::Regular);
    EXPECT_EQ(listed["file.txt"].size, static_cast<std::uint64_t>(st.st_size));
    EXPECT_EQ(listed["file.txt"].mtime_sec, st.st_mtim.tv_sec);
    ASSERT_EQ(listed.count("deeper"), 1u);
    EXPECT_EQ(listed["deeper"].kind, FileKind::Directory);
    // A link gets its target's size, not the link's own (the length of its text).
    if (policy == SymlinkPolicy::Never) {
        EXPECT_EQ(listed.count("link_up_in"), 0u);
    } else {
        ASSERT_EQ(listed.count("link_up_in"), 1u);
        EXPECT_EQ(listed["link_up_in"].kind, FileKind::Regular);
        EXPECT_EQ(listed["link_up_in"].size, std::string("<h1>hello</h1>\n").size());
    }
    EXPECT_EQ(listed.count("link_out_rel2"), policy == SymlinkPolicy::Follow ? 1u : 0u);
    // Appends: a second listing adds to what is there.
    const std::size_t before = entries.size();
    ASSERT_EQ(fs->list("sub/deeper", entries), OpenError::None);
    ASSERT_EQ(entries.size(), before + 1);
    EXPECT_EQ(entries.back().name, "x.txt");
}

TEST_P(LinuxFileSystemTest, ListErrorsAreOpensErrors) {
    const auto [policy, backend] = GetParam();
    const auto fs = open(policy, backend);
    ASSERT_NE(fs, nullptr);
    std::vector<files::DirEntry> entries;
    EXPECT_EQ(fs->list("missing", entries), OpenError::NotFound);
    EXPECT_EQ(fs->list("index.html", entries), OpenError::NotFound);  // not a directory
    EXPECT_EQ(fs->list("sub/file.txt/x", entries), OpenError::NotFound);
    EXPECT_EQ(fs->list("fifo", entries), OpenError::Forbidden);
    EXPECT_TRUE(entries.empty());
    EXPECT_EQ(fs->list("link_dir_out", entries),
              policy == SymlinkPolicy::Follow ? OpenError::None : OpenError::Forbidden);
    entries.clear();
    const OpenError inside = fs->list("link_dir_inside", entries);
    if (policy == SymlinkPolicy::Never) {
        EXPECT_EQ(inside, OpenError::Forbidden);
        EXPECT_TRUE(entries.empty());
    } else {
        EXPECT_EQ(inside, OpenError::None);
        EXPECT_TRUE(std::any_of(entries.begin(), entries.end(),
                                [](const files::DirEntry& e) { return e.name == "file.txt"; }));
    }
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

}  // namespace
}  // namespace tpserve::platform
