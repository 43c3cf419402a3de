#pragma once
// files::FileSystem on Linux: every open is resolved beneath a directory fd
// held for the server's lifetime, with openat2(2) where the kernel has it.
#include <memory>
#include <string>

#include "files/FileSystem.h"

namespace tpserve::platform {

class LinuxFileSystem final : public files::FileSystem {
public:
    // How paths are resolved. Auto picks openat2 when the kernel (and any
    // seccomp filter) allows it, else Fallback. Fallback is selectable so
    // tests can exercise it on kernels that have openat2.
    enum class Backend : unsigned char { Auto, Openat2, Fallback };

    // Opens `root` (O_PATH | O_DIRECTORY). On failure returns nullptr and sets
    // `error` to a message naming the root. Start-up only (allocates).
    static std::unique_ptr<LinuxFileSystem> open_root(const std::string& root,
                                                      files::SymlinkPolicy policy,
                                                      std::string& error,
                                                      Backend backend = Backend::Auto);

    ~LinuxFileSystem() override;
    LinuxFileSystem(const LinuxFileSystem&) = delete;
    LinuxFileSystem& operator=(const LinuxFileSystem&) = delete;

    // See files::FileSystem. Regular files and directories only: FIFOs,
    // sockets and devices are Forbidden (opened O_NONBLOCK so nothing blocks,
    // then closed). A regular file is returned without O_NONBLOCK, so
    // io_uring reads may wait for the disk. Errors: ENOENT, ENOTDIR,
    // ENAMETOOLONG → NotFound; EXDEV, ELOOP, EACCES, EPERM, ENXIO → Forbidden;
    // EMFILE, ENFILE → TooManyFiles; the rest → Other. Thread-safe.
    //
    // Symlink policies:
    //  * WithinRoot: openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS). When
    //    that refuses with EXDEV (an absolute link, or one through ".."), the
    //    path is opened again with openat(O_PATH) — which opens nothing for
    //    real, so no device side effect — and accepted only if that fd's real
    //    path (/proc/self/fd) is beneath the root's real path and it is a
    //    regular file or directory; it is then reopened through /proc. So
    //    "beneath the root" means where the link lands, whatever its form.
    //  * Never: openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS).
    //  * Follow: openat2(RESOLVE_NO_MAGICLINKS), any link followed.
    // Fallback (no openat2): WithinRoot = that same O_PATH + /proc/self/fd
    // check for every open (Forbidden if /proc is unavailable); Never = a walk of one component at
    // a time with O_NOFOLLOW; Follow = openat.
    [[nodiscard]] files::OpenResult open(std::string_view relative) const override;
    // Linux names are plain bytes: "<a>.txt" or "a." name ordinary files.
    [[nodiscard]] bool windows_names() const noexcept override { return false; }
    [[nodiscard]] bool read(const plan::OpenFile& file, std::uint64_t offset,
                            std::span<std::byte> out) const override;

    // See files::FileSystem. The directory is opened with open() (so the
    // same policy and errors apply) and read with readdir. An entry that is
    // not a link is described by fstatat on that directory; a link is
    // resolved from the root as open() would resolve "relative/name", but
    // O_PATH (nothing is really opened, so a device link has no side
    // effect), and omitted if that fails. Under Never every link is omitted.
    // FIFOs, sockets and devices are listed as FileKind::Other.
    [[nodiscard]] files::OpenError list(std::string_view relative,
                                        std::vector<files::DirEntry>& out) const override;

    [[nodiscard]] bool uses_openat2() const noexcept { return use_openat2_; }

    // Only open_root can make the key; the constructor is public for make_unique.
    class Key {
        friend class LinuxFileSystem;
        Key() = default;
    };
    LinuxFileSystem(Key, int root_fd, std::string root_real, files::SymlinkPolicy policy,
                    bool use_openat2) noexcept;

private:
    [[nodiscard]] int open_fd(const char* path, int& err) const noexcept;
    [[nodiscard]] int path_fd(const char* path, int& err) const noexcept;
    [[nodiscard]] int beneath_path_fd(const char* path, int& err) const noexcept;
    [[nodiscard]] int open_fallback(const char* path, int& err) const noexcept;
    [[nodiscard]] int open_walk_nofollow(const char* path, int& err) const noexcept;
    [[nodiscard]] int open_checked_beneath(const char* path, int& err) const noexcept;

    int root_fd_;
    std::string root_real_;  // the root's real path, for the /proc/self/fd check
    files::SymlinkPolicy policy_;
    bool use_openat2_;
};

}  // namespace tpserve::platform
