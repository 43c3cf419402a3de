#include "platform/windows/WinPath.h"

#include <climits>

#include "platform/windows/Win32.h"

namespace tpserve::platform::winpath {

std::ptrdiff_t utf8_to_wide(std::string_view utf8, wchar_t* out, std::size_t capacity) noexcept {
    if (utf8.empty()) return 0;
    if (utf8.size() > static_cast<std::size_t>(INT_MAX) || capacity == 0) return -1;
    const int cap =
        capacity > static_cast<std::size_t>(INT_MAX) ? INT_MAX : static_cast<int>(capacity);
    // MB_ERR_INVALID_CHARS: a malformed name must not be "repaired" into U+FFFD
    // and then match some other file.
    const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8.data(),
                                        static_cast<int>(utf8.size()), out, cap);
    return n > 0 ? n : -1;
}

std::wstring_view strip_long_prefix(std::wstring_view path) noexcept {
    constexpr std::wstring_view kPrefix = L"\\\\?\\";
    if (path.starts_with(kPrefix)) path.remove_prefix(kPrefix.size());
    return path;
}

namespace {

bool equal_ignore_case(std::wstring_view a, std::wstring_view b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return ::CompareStringOrdinal(a.data(), static_cast<int>(a.size()), b.data(),
                                  static_cast<int>(b.size()), TRUE) == CSTR_EQUAL;
}

}  // namespace

bool is_beneath(std::wstring_view root, std::wstring_view path) noexcept {
    if (root.empty()) return false;
    if (root.back() == L'\\') {
        // "C:\" itself is reported as "C:\"; anything on the drive starts with it.
        return path.size() >= root.size() && equal_ignore_case(root, path.substr(0, root.size()));
    }
    if (path.size() == root.size()) return equal_ignore_case(root, path);
    return path.size() > root.size() && path[root.size()] == L'\\' &&
           equal_ignore_case(root, path.substr(0, root.size()));
}

UnixTime filetime_to_unix(std::uint64_t ticks) noexcept {
    constexpr std::int64_t kTicksPerSecond = 10'000'000;
    constexpr std::int64_t kEpochDelta = 116'444'736'000'000'000;  // 1601 → 1970 in ticks
    // Ticks above INT64_MAX are not valid FILETIMEs (GetFileTime never returns them).
    const std::int64_t since_unix = static_cast<std::int64_t>(ticks & INT64_MAX) - kEpochDelta;
    std::int64_t sec = since_unix / kTicksPerSecond;
    std::int64_t rem = since_unix % kTicksPerSecond;
    if (rem < 0) {  // floor, so pre-1970 times keep 0 <= nsec < 1e9
        rem += kTicksPerSecond;
        --sec;
    }
    return UnixTime{sec, static_cast<std::uint32_t>(rem * 100)};
}

}  // namespace tpserve::platform::winpath
