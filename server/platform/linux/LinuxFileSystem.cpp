#include "platform/linux/LinuxFileSystem.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

namespace tpserve::platform {

namespace {

// O_NONBLOCK so that opening a FIFO cannot block a worker; O_NOCTTY so that a
// terminal device never becomes our controlling terminal. Both are undone or
// irrelevant once the file is known to be regular.
constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

class FdFile final : public plan::OpenFile {
public:
    explicit FdFile(int fd) noexcept : fd_(fd) {}
    ~FdFile() override { ::close(fd_); }
    FdFile(const FdFile&) = delete;
    FdFile& operator=(const FdFile&) = delete;
    [[nodiscard]] std::intptr_t native() const noexcept override { return fd_; }

private:
    int fd_;
};

// Closes on scope exit unless released; keeps the error paths short.
class FdGuard {
public:
    explicit FdGuard(int fd) noexcept : fd_(fd) {}
    ~FdGuard() {
        if (fd_ >= 0) ::close(fd_);
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }
    void reset(int fd) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

private:
    int fd_;
};

int sys_openat2(int dirfd, const char* path, int flags, std::uint64_t resolve) noexcept {
    open_how how{};
    how.flags = static_cast<std::uint64_t>(flags);
    how.resolve = resolve;
    return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof how));
}

// The path the kernel has for an open fd, or false without /proc.
bool fd_path(int fd, char (&buf)[PATH_MAX]) noexcept {
    char link[64];
    (void)std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = ::readlink(link, buf, sizeof buf - 1);
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf - 1) return false;
    buf[n] = '\0';
    return true;
}

// The resolve flags open() uses for each policy (openat2 only).
std::uint64_t resolve_flags(files::SymlinkPolicy policy) noexcept {
    std::uint64_t resolve = RESOLVE_NO_MAGICLINKS;
    switch (policy) {
        case files::SymlinkPolicy::WithinRoot:
            resolve |= RESOLVE_BENEATH;
            break;
        case files::SymlinkPolicy::Never:
            resolve |= RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
            break;
        case files::SymlinkPolicy::Follow:
            break;
    }
    return resolve;
}

int openat2_retry(int dirfd, const char* path, int flags, std::uint64_t resolve) noexcept {
    int fd = -1;
    do {
        fd = sys_openat2(dirfd, path, flags, resolve);
    } while (fd < 0 && (errno == EAGAIN || errno == EINTR));  // EAGAIN: a racing rename
    return fd;
}

files::FileKind kind_of(mode_t mode) noexcept {
    if (S_ISREG(mode)) return files::FileKind::Regular;
    if (S_ISDIR(mode)) return files::FileKind::Directory;
    return files::FileKind::Other;
}

struct DirCloser {
    void operator()(DIR* dir) const noexcept { ::closedir(dir); }
};
using DirStream = std::unique_ptr<DIR, DirCloser>;

files::OpenError map_errno(int err) noexcept {
    switch (err) {
        case ENOENT:
        case ENOTDIR:
        case ENAMETOOLONG:
            return files::OpenError::NotFound;
        case EXDEV:
        case ELOOP:
        case EACCES:
        case EPERM:
        case ENXIO:  // a socket, or a device with no driver
            return files::OpenError::Forbidden;
        case EMFILE:
        case ENFILE:
            return files::OpenError::TooManyFiles;
        default:
            return files::OpenError::Other;
    }
}

}  // namespace

std::unique_ptr<LinuxFileSystem> LinuxFileSystem::open_root(const std::string& root,
                                                            files::SymlinkPolicy policy,
                                                            std::string& error, Backend backend) {
    const int fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        error = "cannot open document root '" + root + "': " + std::strerror(errno);
        return nullptr;
    }
    FdGuard guard(fd);

    std::string real;
    char buf[PATH_MAX];
    if (fd_path(fd, buf) || ::realpath(root.c_str(), buf) != nullptr) real = buf;

    bool use_openat2 = false;
    if (backend != Backend::Fallback) {
        // Seccomp filters answer ENOSYS or EPERM for syscalls they do not know.
        const int probe = sys_openat2(fd, ".", O_PATH | O_CLOEXEC, RESOLVE_BENEATH);
        if (probe >= 0) {
            ::close(probe);
            use_openat2 = true;
        } else if (backend == Backend::Openat2) {
            error = std::string("openat2 is unavailable: ") + std::strerror(errno);
            return nullptr;
        }
    }
    if (!use_openat2 && policy == files::SymlinkPolicy::WithinRoot && real.empty()) {
        error = "cannot find the real path of document root '" + root + "'";
        return nullptr;
    }
    return std::make_unique<LinuxFileSystem>(Key{}, guard.release(), std::move(real), policy,
                                             use_openat2);
}

LinuxFileSystem::LinuxFileSystem(Key /*key*/, int root_fd, std::string root_real,
                                 files::SymlinkPolicy policy, bool use_openat2) noexcept
    : root_fd_(root_fd),
      root_real_(std::move(root_real)),
      policy_(policy),
      use_openat2_(use_openat2) {}

LinuxFileSystem::~LinuxFileSystem() {
    ::close(root_fd_);
}

bool LinuxFileSystem::read(const plan::OpenFile& file, std::uint64_t offset,
                           std::span<std::byte> out) const {
    const int fd = static_cast<int>(file.native());
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n =
            ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // an error, or the file is shorter than it was
        done += static_cast<std::size_t>(n);
    }
    return true;
}

files::OpenResult LinuxFileSystem::open(std::string_view relative) const {
    files::OpenResult result;
    char path[PATH_MAX];
    if (relative.size() >= sizeof path) {
        result.error = files::OpenError::NotFound;  // as ENAMETOOLONG would
        return result;
    }
    if (relative.empty()) {
        path[0] = '.';
        path[1] = '\0';
    } else {
        std::memcpy(path, relative.data(), relative.size());
        path[relative.size()] = '\0';
    }

    int err = 0;
    FdGuard fd(open_fd(path, err));
    if (fd.get() < 0) {
        result.error = map_errno(err);
        return result;
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        result.error = map_errno(errno);
        return result;
    }
    if (S_ISREG(st.st_mode)) {
        // io_uring honours O_NONBLOCK on regular files with -EAGAIN instead of
        // waiting for the disk; only O_NONBLOCK is set among F_SETFL's flags.
        if (::fcntl(fd.get(), F_SETFL, 0) != 0) {
            result.error = map_errno(errno);
            return result;
        }
        result.info.kind = files::FileKind::Regular;
    } else if (S_ISDIR(st.st_mode)) {
        result.info.kind = files::FileKind::Directory;
    } else {
        result.error = files::OpenError::Forbidden;  // FIFO, socket, device
        return result;
    }
    result.info.size = static_cast<std::uint64_t>(st.st_size);
    result.info.mtime_sec = st.st_mtim.tv_sec;
    result.info.mtime_nsec = static_cast<std::uint32_t>(st.st_mtim.tv_nsec);
    result.info.inode = st.st_ino;
    result.file = std::make_shared<const FdFile>(fd.release());
    return result;
}

files::OpenError LinuxFileSystem::list(std::string_view relative,
                                       std::vector<files::DirEntry>& out) const {
    const files::OpenResult dir = open(relative);
    if (dir.error != files::OpenError::None) return dir.error;
    if (dir.info.kind != files::FileKind::Directory) return files::OpenError::NotFound;
    // closedir closes the fd it was given: give it a duplicate of ours.
    const int dup = ::fcntl(static_cast<int>(dir.file->native()), F_DUPFD_CLOEXEC, 0);
    if (dup < 0) return map_errno(errno);
    const DirStream stream(::fdopendir(dup));
    if (stream.get() == nullptr) {
        const int err = errno;
        ::close(dup);
        return map_errno(err);
    }
    const int dir_fd = ::dirfd(stream.get());

    std::string link_path(relative);
    if (!link_path.empty()) link_path += '/';
    const std::size_t prefix = link_path.size();
    const std::size_t first = out.size();
    for (;;) {
        errno = 0;
        const dirent* ent = ::readdir(stream.get());
        if (ent == nullptr) {
            if (errno == 0) break;
            out.resize(first);  // no half listing
            return map_errno(errno);
        }
        const std::string_view name(ent->d_name);
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::fstatat(dir_fd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone
        if (S_ISLNK(st.st_mode)) {
            if (policy_ == files::SymlinkPolicy::Never) continue;
            // Resolved from the root, as a request for it would be.
            link_path.resize(prefix);
            link_path += name;
            int err = 0;
            const FdGuard target(path_fd(link_path.c_str(), err));
            if (target.get() < 0 || ::fstat(target.get(), &st) != 0) continue;
        }
        files::DirEntry& entry = out.emplace_back();
        entry.name = name;
        entry.kind = kind_of(st.st_mode);
        entry.size = static_cast<std::uint64_t>(st.st_size);
        entry.mtime_sec = st.st_mtim.tv_sec;
    }
    return files::OpenError::None;
}

int LinuxFileSystem::open_fd(const char* path, int& err) const noexcept {
    if (!use_openat2_) return open_fallback(path, err);
    const int fd = openat2_retry(root_fd_, path, kOpenFlags, resolve_flags(policy_));
    if (fd >= 0) return fd;
    err = errno;
    // RESOLVE_BENEATH refuses absolute links and links through "..", even
    // those that land inside the root: judge those by where they land.
    if (err == EXDEV && policy_ == files::SymlinkPolicy::WithinRoot) {
        return open_checked_beneath(path, err);
    }
    return -1;
}

// What open_fd resolves, as an O_PATH fd: the same policy, but nothing is
// opened for real and any kind of file is accepted.
int LinuxFileSystem::path_fd(const char* path, int& err) const noexcept {
    constexpr int kPathFlags = O_PATH | O_CLOEXEC;
    int fd = -1;
    if (use_openat2_) {
        fd = openat2_retry(root_fd_, path, kPathFlags, resolve_flags(policy_));
        if (fd >= 0) return fd;
        err = errno;
        if (err == EXDEV && policy_ == files::SymlinkPolicy::WithinRoot) {
            return beneath_path_fd(path, err);
        }
        return -1;
    }
    switch (policy_) {
        case files::SymlinkPolicy::WithinRoot:
            return beneath_path_fd(path, err);
        case files::SymlinkPolicy::Never:
            // list() never resolves a link under Never; refuse rather than walk.
            err = ELOOP;
            return -1;
        case files::SymlinkPolicy::Follow:
            break;
    }
    fd = ::openat(root_fd_, path, kPathFlags);
    if (fd < 0) err = errno;
    return fd;
}

int LinuxFileSystem::open_fallback(const char* path, int& err) const noexcept {
    switch (policy_) {
        case files::SymlinkPolicy::WithinRoot:
            return open_checked_beneath(path, err);
        case files::SymlinkPolicy::Never:
            return open_walk_nofollow(path, err);
        case files::SymlinkPolicy::Follow:
            break;
    }
    const int fd = ::openat(root_fd_, path, kOpenFlags);
    if (fd < 0) err = errno;
    return fd;
}

// The O_PATH fd of `path` if where it really lands (/proc/self/fd) is the
// root or beneath it; EXDEV otherwise.
int LinuxFileSystem::beneath_path_fd(const char* path, int& err) const noexcept {
    FdGuard where(::openat(root_fd_, path, O_PATH | O_CLOEXEC));
    if (where.get() < 0) {
        err = errno;
        return -1;
    }
    char real[PATH_MAX];
    if (!fd_path(where.get(), real)) {
        err = EACCES;  // cannot prove it is beneath the root: refuse
        return -1;
    }
    const std::string_view got(real);
    const std::string_view root(root_real_);
    const bool beneath =
        got == root || root == "/" ||
        (got.size() > root.size() && got.starts_with(root) && got[root.size()] == '/');
    if (!beneath) {
        err = EXDEV;
        return -1;
    }
    return where.release();
}

// Opened O_PATH first, so nothing outside the root, and no device, is ever
// really opened (opening some devices has side effects); then the O_PATH fd
// is reopened through /proc, which yields the very same inode.
int LinuxFileSystem::open_checked_beneath(const char* path, int& err) const noexcept {
    FdGuard where(beneath_path_fd(path, err));
    if (where.get() < 0) return -1;
    struct stat st {};
    if (::fstat(where.get(), &st) != 0) {
        err = errno;
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        err = ENXIO;
        return -1;
    }
    char link[64];
    (void)std::snprintf(link, sizeof link, "/proc/self/fd/%d", where.get());
    const int fd = ::open(link, kOpenFlags);
    if (fd < 0) err = errno;
    return fd;
}

// One component at a time, each opened O_NOFOLLOW relative to its parent, so
// no link anywhere on the path is followed. Intermediate directories are
// opened O_PATH: they need search permission only, as with a plain open.
int LinuxFileSystem::open_walk_nofollow(const char* path, int& err) const noexcept {
    FdGuard dir(-1);
    int parent = root_fd_;
    const char* p = path;
    for (;;) {
        const char* slash = std::strchr(p, '/');
        if (slash == nullptr) {
            const int fd = ::openat(parent, p, kOpenFlags | O_NOFOLLOW);
            if (fd < 0) err = errno;
            return fd;
        }
        char name[NAME_MAX + 1];
        const auto len = static_cast<std::size_t>(slash - p);
        if (len > NAME_MAX) {
            err = ENAMETOOLONG;
            return -1;
        }
        std::memcpy(name, p, len);
        name[len] = '\0';
        const int next = ::openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            err = errno;
            // O_PATH | O_NOFOLLOW opens a link itself, which O_DIRECTORY then
            // rejects as ENOTDIR: report a refused link as such.
            struct stat st {};
            if (err == ENOTDIR && ::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                S_ISLNK(st.st_mode)) {
                err = ELOOP;
            }
            return -1;
        }
        dir.reset(next);
        parent = next;
        p = slash + 1;
    }
}

}  // namespace tpserve::platform
