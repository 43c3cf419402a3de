#pragma once
// What core needs of the OS to serve files, and nothing more: open a path
// beneath a document root without escaping it, and describe what was opened.
// Implemented under platform/ (LinuxFileSystem, WindowsFileSystem), wired by app/.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "files/ValidatorText.h"
#include "plan/FileRef.h"

namespace tpserve::files {

enum class FileKind : std::uint8_t { Regular, Directory, Other };

struct FileInfo {
    FileKind kind = FileKind::Other;
    std::uint64_t size = 0;
    std::int64_t mtime_sec = 0;  // seconds since the Unix epoch
    std::uint32_t mtime_nsec = 0;
    std::uint64_t inode = 0;  // 0 where the platform has none
};

enum class OpenError : std::uint8_t {
    None,
    NotFound,      // ENOENT, ENOTDIR
    Forbidden,     // EACCES, EPERM, a symlink leaving the root, ...
    TooManyFiles,  // EMFILE / ENFILE
    Other,
};

// One entry of a directory listing, described as what it resolves to.
struct DirEntry {
    std::string name;  // the entry's own name (UTF-8), not the link target's
    FileKind kind = FileKind::Other;
    std::uint64_t size = 0;
    std::int64_t mtime_sec = 0;  // seconds since the Unix epoch
};

struct OpenResult {
    OpenError error = OpenError::None;
    plan::FileRef file;  // set when error == None
    FileInfo info;
    // The whole file's info.size bytes, when a cache keeps them in memory
    // (FileCache, small regular files); null otherwise.
    std::shared_ptr<const std::byte[]> bytes;
    // Formatted by a cache for a regular file (FileCache); empty otherwise.
    ValidatorText validators;
};

enum class SymlinkPolicy : std::uint8_t {
    WithinRoot,  // follow only links that stay beneath the root (default)
    Follow,      // follow any link (like nginx's disable_symlinks off)
    Never,       // refuse every symbolic link on the path
};

// One document root. The platform implementation holds the root open (a
// directory fd on Linux), so lookups are relative to it and cannot escape.
class FileSystem {
public:
    virtual ~FileSystem() = default;
    // Opens `relative` beneath the root for reading. `relative` has already been
    // normalized by PathResolver: '/'-separated, no leading '/', no "." or
    // ".." segments, no NUL; "" names the root itself. Directories are opened
    // too (so their kind can be reported). Never throws; thread-safe.
    [[nodiscard]] virtual OpenResult open(std::string_view relative) const = 0;
    // Opens the siblings of `relative` named by `suffixes` (its precompressed
    // variants: "a.css" + ".br" ...): out[i] = open(relative + suffixes[i]),
    // for i < suffixes.size() ≤ out.size(). The default opens each one; a
    // cache answers them with `relative`'s entry, one lookup for all.
    virtual void open_siblings(std::string_view relative,
                               std::span<const std::string_view> suffixes,
                               std::span<OpenResult> out) const;
    // Whether names must follow Windows' rules (no ':', '<', '>', '"', '|',
    // '?', '*', no trailing '.' or ' '): true unless the implementation
    // knows its names are plain bytes, as on Linux. See PathResolver.
    [[nodiscard]] virtual bool windows_names() const noexcept { return true; }

    // Reads exactly out.size() bytes of `file` (opened by this file system)
    // from `offset`; false on any error or a short read (the file shrank).
    // Blocking; used by FileCache when it fills an entry, never per request.
    // The default reads nothing, so a cache keeps no bytes for such a system.
    [[nodiscard]] virtual bool read(const plan::OpenFile& file, std::uint64_t offset,
                                    std::span<std::byte> out) const {
        (void)file;
        (void)offset;
        (void)out;
        return false;
    }

    // Lists the directory `relative` (same path rules and symlink policy as
    // open()) into `out` (appended): every entry except "." and "..", in no
    // particular order, each with the kind/size/mtime of what it resolves to
    // under the policy. An entry the policy cannot resolve (a link leaving the
    // root, a dangling link, any link under Never) is omitted. Allocates (not
    // a hot path: only std::bad_alloc can escape); thread-safe. Returns None on
    // success, else the error open() would give; a non-directory is NotFound.
    // On an error `out` is left as it was.
    [[nodiscard]] virtual OpenError list(std::string_view relative,
                                         std::vector<DirEntry>& out) const = 0;
};

}  // namespace tpserve::files
