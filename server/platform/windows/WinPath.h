#pragma once
// Small, allocation-free helpers for WindowsFileSystem, separate so they can
// be unit-tested on their own: UTF-8 → UTF-16, comparing final paths, and
// FILETIME → Unix time. Thread-safe (no state).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tpserve::platform::winpath {

// Converts UTF-8 to UTF-16 into `out` (not terminated). Returns the number of
// wchar_t written, or -1 for invalid UTF-8 or when it does not fit.
[[nodiscard]] std::ptrdiff_t utf8_to_wide(std::string_view utf8, wchar_t* out,
                                          std::size_t capacity) noexcept;

// GetFinalPathNameByHandleW(VOLUME_NAME_DOS) answers "\\?\C:\dir" or
// "\\?\UNC\server\share\dir"; both sides of a comparison come from it, so
// dropping the "\\?\" is enough to compare them ("C:\dir", "UNC\server\...").
[[nodiscard]] std::wstring_view strip_long_prefix(std::wstring_view path) noexcept;

// True if `path` is `root` or lies beneath it, compared case-insensitively
// (ordinal, as NTFS does). Both without the "\\?\" prefix; `root` may end in
// '\' (a drive root such as "C:\").
[[nodiscard]] bool is_beneath(std::wstring_view root, std::wstring_view path) noexcept;

struct UnixTime {
    std::int64_t sec = 0;
    std::uint32_t nsec = 0;
};
// FILETIME ticks (100 ns since 1601-01-01 UTC, as one 64-bit number) → Unix.
[[nodiscard]] UnixTime filetime_to_unix(std::uint64_t ticks) noexcept;

}  // namespace tpserve::platform::winpath
