#include "platform/windows/WindowsFileSystem.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "platform/windows/Win32.h"
#include "platform/windows/WinPath.h"
#include "platform/windows/WineDetect.h"

namespace tpserve::platform {

namespace {

constexpr DWORD kShare = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
// BACKUP_SEMANTICS is what lets CreateFileW open a directory; it grants
// nothing extra unless the process has SeBackupPrivilege *enabled*.
constexpr DWORD kFlags =
    FILE_FLAG_OVERLAPPED | FILE_FLAG_SEQUENTIAL_SCAN | FILE_FLAG_BACKUP_SEMANTICS;
// list() reads the directory synchronously: an overlapped handle may answer
// a directory query with ERROR_IO_PENDING.
constexpr DWORD kListFlags = FILE_FLAG_BACKUP_SEMANTICS;
// read() asks for at most this much per ReadFile (whose length is a DWORD).
constexpr std::size_t kReadChunk = std::size_t{1} << 20;

class HandleFile final : public plan::OpenFile {
public:
    explicit HandleFile(UniqueHandle handle) noexcept : handle_(std::move(handle)) {}
    [[nodiscard]] std::intptr_t native() const noexcept override {
        return reinterpret_cast<std::intptr_t>(handle_.get());
    }

private:
    UniqueHandle handle_;
};

HANDLE open_handle(const wchar_t* path, DWORD flags) noexcept {
    return ::CreateFileW(path, GENERIC_READ, kShare, nullptr, OPEN_EXISTING, flags, nullptr);
}

// The handle's final path without "\\?\", into `buf`; empty on failure.
std::wstring_view final_path(HANDLE handle, wchar_t* buf, DWORD capacity) noexcept {
    const DWORD n =
        ::GetFinalPathNameByHandleW(handle, buf, capacity, FILE_NAME_NORMALIZED | VOLUME_NAME_DOS);
    if (n == 0 || n >= capacity) return {};
    return winpath::strip_long_prefix(std::wstring_view(buf, n));
}

// A directory record's name as UTF-8; false if it is not valid UTF-16.
bool record_name(const FILE_ID_BOTH_DIR_INFO& record, std::string& name) {
    const auto* wide = record.FileName;
    const int wide_len = static_cast<int>(record.FileNameLength / sizeof(wchar_t));
    const int n = ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide, wide_len, nullptr, 0,
                                        nullptr, nullptr);
    if (n <= 0) return false;
    name.resize(static_cast<std::size_t>(n));
    return ::WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, wide, wide_len, name.data(), n,
                                 nullptr, nullptr) == n;
}

std::string win32_message(DWORD error) {
    return "Windows error " + std::to_string(error);
}

}  // namespace

files::OpenError map_open_error(unsigned long win32_error) noexcept {
    switch (win32_error) {
        case ERROR_FILE_NOT_FOUND:
        case ERROR_PATH_NOT_FOUND:
        case ERROR_INVALID_NAME:
        case ERROR_BAD_PATHNAME:
        case ERROR_FILENAME_EXCED_RANGE:
        case ERROR_DIRECTORY:  // a file used as a directory, like ENOTDIR
            return files::OpenError::NotFound;
        case ERROR_ACCESS_DENIED:
        case ERROR_SHARING_VIOLATION:
        case ERROR_LOCK_VIOLATION:
        case ERROR_CANT_RESOLVE_FILENAME:  // a reparse loop, like ELOOP
        case ERROR_CANT_ACCESS_FILE:       // a reparse point nobody understands
            return files::OpenError::Forbidden;
        case ERROR_TOO_MANY_OPEN_FILES:
            return files::OpenError::TooManyFiles;
        default:
            return files::OpenError::Other;
    }
}

std::unique_ptr<WindowsFileSystem> WindowsFileSystem::open_root(const std::string& root_utf8,
                                                                files::SymlinkPolicy policy,
                                                                std::string& error) {
    std::array<wchar_t, kMaxPath> wide{};
    const std::ptrdiff_t n = winpath::utf8_to_wide(root_utf8, wide.data(), wide.size() - 1);
    if (n <= 0) {
        error = "document root '" + root_utf8 + "' is not a valid UTF-8 path";
        return nullptr;
    }
    wide[static_cast<std::size_t>(n)] = L'\0';
    // The configured root may be relative or use '/': only the final path of
    // the opened directory is used from here on.
    UniqueHandle root(::CreateFileW(wide.data(), GENERIC_READ, kShare, nullptr, OPEN_EXISTING,
                                    FILE_FLAG_BACKUP_SEMANTICS, nullptr));
    if (!root) {
        error = "cannot open document root '" + root_utf8 + "': " + win32_message(::GetLastError());
        return nullptr;
    }
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(root.get(), &info) ||
        (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) == 0) {
        error = "document root '" + root_utf8 + "' is not a directory";
        return nullptr;
    }
    std::array<wchar_t, kMaxPath> buf{};
    const std::wstring_view final = final_path(root.get(), buf.data(), buf.size());
    if (final.empty()) {
        error = "cannot find the final path of document root '" + root_utf8 +
                "': " + win32_message(::GetLastError());
        return nullptr;
    }
    return std::make_unique<WindowsFileSystem>(Key{}, std::move(root), std::wstring(final), policy);
}

WindowsFileSystem::WindowsFileSystem(Key /*key*/, UniqueHandle root, std::wstring root_final,
                                     files::SymlinkPolicy policy) noexcept
    : root_(std::move(root)), root_final_(std::move(root_final)), policy_(policy) {
    root_join_ = L"\\\\?\\" + root_final_;
    if (!root_join_.empty() && root_join_.back() == L'\\') root_join_.pop_back();  // "C:\"
}

files::OpenResult WindowsFileSystem::open(std::string_view relative) const {
    files::OpenResult result;
    UniqueHandle handle;
    result.error = open_checked(relative, true, handle, result.info);
    if (result.error == files::OpenError::None) {
        result.file = std::make_shared<const HandleFile>(std::move(handle));
    }
    return result;
}

bool WindowsFileSystem::read(const plan::OpenFile& file, std::uint64_t offset,
                             std::span<std::byte> out) const {
    if (out.empty()) return true;
    const auto handle = reinterpret_cast<HANDLE>(file.native());
    // Manual reset: ReadFile resets it when it starts each read.
    const UniqueHandle event(::CreateEventW(nullptr, TRUE, FALSE, nullptr));
    if (!event) return false;
    // The low bit set keeps a completion port (if the handle is ever bound to
    // one) from receiving these reads' completions; the kernel ignores it
    // when waiting.
    const auto tagged = reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(event.get()) | 1);
    std::size_t done = 0;
    while (done < out.size()) {
        const std::uint64_t at = offset + done;
        const auto chunk = static_cast<DWORD>(std::min<std::size_t>(out.size() - done, kReadChunk));
        OVERLAPPED ov{};
        ov.Offset = static_cast<DWORD>(at);
        ov.OffsetHigh = static_cast<DWORD>(at >> 32);
        ov.hEvent = tagged;
        DWORD got = 0;
        // The count is taken from GetOverlappedResult alone: ReadFile's own
        // is unreliable for an overlapped handle.
        if (!::ReadFile(handle, out.data() + done, chunk, nullptr, &ov) &&
            ::GetLastError() != ERROR_IO_PENDING) {
            return false;  // ERROR_HANDLE_EOF (the file shrank) or a real error
        }
        if (!::GetOverlappedResult(handle, &ov, &got, TRUE)) return false;
        if (got == 0) return false;  // end of file before out.size() bytes
        done += got;
    }
    return true;
}

files::OpenError WindowsFileSystem::open_checked(std::string_view relative, bool overlapped,
                                                 UniqueHandle& handle,
                                                 files::FileInfo& out) const noexcept {
    if (relative.find_first_of("\\:") != std::string_view::npos) {
        return files::OpenError::NotFound;
    }
    std::array<wchar_t, kMaxPath> path;
    const std::size_t root_len = root_join_.size();
    if (root_len + 2 > path.size()) return files::OpenError::NotFound;
    root_join_.copy(path.data(), root_len);
    std::size_t len = root_len;
    if (relative.empty()) {
        path[len++] = L'\\';  // "C:\" for a drive root, harmless elsewhere
    } else {
        path[len++] = L'\\';
        const std::ptrdiff_t n =
            winpath::utf8_to_wide(relative, path.data() + len, path.size() - len - 1);
        if (n < 0) return files::OpenError::NotFound;  // invalid UTF-8, or too long
        for (std::size_t i = len; i < len + static_cast<std::size_t>(n); ++i) {
            if (path[i] == L'/') path[i] = L'\\';
        }
        len += static_cast<std::size_t>(n);
    }
    path[len] = L'\0';

    const DWORD flags = overlapped ? kFlags : kListFlags;
    const bool never = policy_ == files::SymlinkPolicy::Never;
    if (never) {
        const files::OpenError walk = check_components(path.data(), root_len, len);
        if (walk != files::OpenError::None) return walk;
    }
    handle.reset(open_handle(path.data(), never ? flags | FILE_FLAG_OPEN_REPARSE_POINT : flags));
    if (!handle) return map_open_error(::GetLastError());
    // Devices, pipes and consoles cannot be sent by TransmitFile, and opening
    // them is already as far as we go.
    if (::GetFileType(handle.get()) != FILE_TYPE_DISK) return files::OpenError::Forbidden;
    BY_HANDLE_FILE_INFORMATION info{};
    if (!::GetFileInformationByHandle(handle.get(), &info)) {
        return map_open_error(::GetLastError());
    }
    if (never && (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
        FILE_ATTRIBUTE_TAG_INFO tag{};
        if (!::GetFileInformationByHandleEx(handle.get(), FileAttributeTagInfo, &tag, sizeof tag) ||
            IsReparseTagNameSurrogate(tag.ReparseTag)) {
            return files::OpenError::Forbidden;
        }
        // A data reparse point (dedup, cloud placeholder): its bytes are the file's.
        handle.reset(open_handle(path.data(), flags));
        if (!handle || !::GetFileInformationByHandle(handle.get(), &info)) {
            return map_open_error(::GetLastError());
        }
    }
    if (policy_ != files::SymlinkPolicy::Follow && !lands_beneath_root(handle.get())) {
        return files::OpenError::Forbidden;
    }
    out.kind = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0 ? files::FileKind::Directory
                                                                       : files::FileKind::Regular;
    out.size = (static_cast<std::uint64_t>(info.nFileSizeHigh) << 32) | info.nFileSizeLow;
    const winpath::UnixTime mtime = winpath::filetime_to_unix(
        (static_cast<std::uint64_t>(info.ftLastWriteTime.dwHighDateTime) << 32) |
        info.ftLastWriteTime.dwLowDateTime);
    out.mtime_sec = mtime.sec;
    out.mtime_nsec = mtime.nsec;
    out.inode = (static_cast<std::uint64_t>(info.nFileIndexHigh) << 32) | info.nFileIndexLow;
    return files::OpenError::None;
}

files::OpenError WindowsFileSystem::list(std::string_view relative,
                                         std::vector<files::DirEntry>& out) const {
    UniqueHandle dir;
    files::FileInfo info;
    const files::OpenError error = open_checked(relative, false, dir, info);
    if (error != files::OpenError::None) return error;
    if (info.kind != files::FileKind::Directory) return files::OpenError::NotFound;

    // The records hold LARGE_INTEGERs: 8-byte alignment.
    std::vector<std::uint64_t> buffer(64 * 1024 / sizeof(std::uint64_t));
    const auto buffer_bytes = static_cast<DWORD>(buffer.size() * sizeof(std::uint64_t));
    std::string child(relative);
    if (!child.empty()) child += '/';
    const std::size_t prefix = child.size();
    const std::size_t first = out.size();
    std::string name;
    // Windows marks every symlink and junction as a reparse point, so other
    // entries need no check. Wine shows a host symlink as the file it points
    // to, with no such mark, while open() still refuses it by its final path:
    // there, every entry is checked as open() would check it.
    const bool verify_all = policy_ != files::SymlinkPolicy::Follow && running_under_wine();
    for (;;) {
        if (!::GetFileInformationByHandleEx(dir.get(), FileIdBothDirectoryInfo, buffer.data(),
                                            buffer_bytes)) {
            const DWORD last = ::GetLastError();
            if (last == ERROR_NO_MORE_FILES) break;
            out.resize(first);  // no half listing
            return map_open_error(last);
        }
        const auto* bytes = reinterpret_cast<const unsigned char*>(buffer.data());
        for (std::size_t offset = 0;;) {
            const auto& record = *reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(bytes + offset);
            if (record_name(record, name) && name != "." && name != "..") {
                files::DirEntry entry;
                if (verify_all || (record.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) {
                    // Judged as a request for it would be, target and all.
                    child.resize(prefix);
                    child += name;
                    UniqueHandle target;
                    files::FileInfo resolved;
                    if (open_checked(child, false, target, resolved) == files::OpenError::None) {
                        entry = {name, resolved.kind, resolved.size, resolved.mtime_sec};
                        out.push_back(std::move(entry));
                    }
                } else {
                    entry.name = name;
                    entry.kind = (record.FileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0
                                     ? files::FileKind::Directory
                                     : files::FileKind::Regular;
                    entry.size = static_cast<std::uint64_t>(record.EndOfFile.QuadPart);
                    entry.mtime_sec = winpath::filetime_to_unix(
                                          static_cast<std::uint64_t>(record.LastWriteTime.QuadPart))
                                          .sec;
                    out.push_back(std::move(entry));
                }
            }
            if (record.NextEntryOffset == 0) break;
            offset += record.NextEntryOffset;
        }
    }
    return files::OpenError::None;
}

// Every directory between the root and the last component; the last one is
// judged on its handle (FILE_FLAG_OPEN_REPARSE_POINT), which has no race.
files::OpenError WindowsFileSystem::check_components(wchar_t* path, std::size_t root_len,
                                                     std::size_t len) const noexcept {
    for (std::size_t i = root_len + 1; i < len; ++i) {
        if (path[i] != L'\\') continue;
        path[i] = L'\0';
        const DWORD attributes = ::GetFileAttributesW(path);
        const DWORD error = ::GetLastError();
        path[i] = L'\\';
        if (attributes == INVALID_FILE_ATTRIBUTES) return map_open_error(error);
        if ((attributes & FILE_ATTRIBUTE_REPARSE_POINT) != 0) return files::OpenError::Forbidden;
    }
    return files::OpenError::None;
}

bool WindowsFileSystem::lands_beneath_root(void* handle) const noexcept {
    std::array<wchar_t, kMaxPath> buf;
    const std::wstring_view final = final_path(handle, buf.data(), buf.size());
    return !final.empty() && winpath::is_beneath(root_final_, final);
}

}  // namespace tpserve::platform
