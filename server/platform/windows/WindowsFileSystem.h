#pragma once
// files::FileSystem on Windows: paths are joined under the root's final
// path, opened with CreateFileW through the "\\?\" long-path form, and then
// checked by where the handle really landed (GetFinalPathNameByHandleW).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "files/FileSystem.h"
#include "platform/windows/UniqueHandle.h"

namespace tpserve::platform {

class WindowsFileSystem final : public files::FileSystem {
public:
    // Opens the root directory (held open for the server's lifetime) and
    // records its final path. On failure returns nullptr and sets `error` to a
    // message naming the root. Start-up only (allocates).
    static std::unique_ptr<WindowsFileSystem> open_root(const std::string& root_utf8,
                                                        files::SymlinkPolicy policy,
                                                        std::string& error);

    // See files::FileSystem. The OpenFile's native() is the HANDLE (as
    // intptr), opened GENERIC_READ | FILE_FLAG_OVERLAPPED (so it suits
    // TransmitFile/TransmitPackets; any ReadFile needs an OVERLAPPED) and
    // shared for read, write and delete, so an administrator can replace or
    // delete a file while it is being served. Regular files and directories
    // only: devices, pipes and consoles are Forbidden. Names containing '\'
    // or ':' are NotFound: '\' would be a separator PathResolver never saw,
    // ':' names an alternate data stream ("a.html::$DATA" is a.html's bytes).
    // Because of the "\\?\" form, "CON" or "file." are plain names here.
    //
    // Symlink policies (symlinks, junctions and mount points alike):
    //  * WithinRoot: the handle's final path must be beneath the root's.
    //  * Never: no component may be a reparse point (directories checked with
    //    GetFileAttributesW before the open; the last component opened with
    //    FILE_FLAG_OPEN_REPARSE_POINT and refused if its tag is a name
    //    surrogate, while data reparse points such as deduplicated or cloud
    //    files are reopened normally), plus the WithinRoot check, which also
    //    bounds the race of a directory swapped for a link after its check.
    //  * Follow: no check.
    // If the final path cannot be read, WithinRoot and Never answer Forbidden.
    // Errors: not found / invalid name / name too long → NotFound; access
    // denied, sharing violation, link loops → Forbidden; too many open files →
    // TooManyFiles; else Other. Thread-safe; never throws; paths longer than
    // kMaxPath UTF-16 units are NotFound.
    [[nodiscard]] files::OpenResult open(std::string_view relative) const override;

    // See files::FileSystem. A positional read: each ReadFile carries its
    // offset in an OVERLAPPED with its own event (the handle is overlapped, so
    // it has no file pointer to share), at most 1 MiB per call, waited for
    // with GetOverlappedResult. Thread-safe, also on one handle. The event is
    // tagged so that no completion packet is posted even if the handle is one
    // day associated with a completion port. Blocking; not for the hot path
    // (creates an event per call).
    [[nodiscard]] bool read(const plan::OpenFile& file, std::uint64_t offset,
                            std::span<std::byte> out) const override;

    // See files::FileSystem. The directory is opened exactly as open() opens
    // it (same policy, same errors) but without FILE_FLAG_OVERLAPPED, and read
    // with GetFileInformationByHandleEx(FileIdBothDirectoryInfo). An entry
    // that is not a reparse point is described from its directory record; a
    // reparse point (symlink, junction, mount point, or a data one such as a
    // cloud file) is resolved with open("relative/name"), so it gets what a
    // request for it would get, and is omitted if that fails (under Wine,
    // which hides host symlinks, every entry is, unless the policy is Follow).
    // Names that are not valid UTF-16 (unpaired surrogates) cannot be
    // requested: omitted.
    [[nodiscard]] files::OpenError list(std::string_view relative,
                                        std::vector<files::DirEntry>& out) const override;

    // The root's final path without "\\?\" (e.g. "C:\www"), for the log.
    [[nodiscard]] const std::wstring& root_final() const noexcept { return root_final_; }

    static constexpr std::size_t kMaxPath = 4096;

    // Only open_root can make the key; the constructor is public for make_unique.
    class Key {
        friend class WindowsFileSystem;
        Key() = default;
    };
    WindowsFileSystem(Key, UniqueHandle root, std::wstring root_final,
                      files::SymlinkPolicy policy) noexcept;

private:
    // open() without the OpenFile: the policy-checked handle and its info.
    [[nodiscard]] files::OpenError open_checked(std::string_view relative, bool overlapped,
                                                UniqueHandle& handle,
                                                files::FileInfo& info) const noexcept;
    [[nodiscard]] files::OpenError check_components(wchar_t* path, std::size_t root_len,
                                                    std::size_t len) const noexcept;
    [[nodiscard]] bool lands_beneath_root(void* handle) const noexcept;

    UniqueHandle root_;
    std::wstring root_final_;  // without "\\?\"
    std::wstring root_join_;   // "\\?\" + root_final_, without a trailing '\'
    files::SymlinkPolicy policy_;
};

// GetLastError() after a failed open → the core's error (exposed for tests).
[[nodiscard]] files::OpenError map_open_error(unsigned long win32_error) noexcept;

}  // namespace tpserve::platform
