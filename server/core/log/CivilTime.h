#pragma once
// UTC calendar arithmetic for log timestamps. Written by hand (Howard
// Hinnant's days_from_civil inverse) because gmtime_r is an OS call and
// strftime depends on the locale; the logs need fixed, locale-free text.
#include <cstddef>
#include <cstdint>

namespace tpserve::log {

struct CivilTime {
    std::int64_t year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
    unsigned hour = 0, minute = 0, second = 0;

    // Any second since the Unix epoch, negative ones included. Pure; thread-safe.
    static CivilTime from_unix(std::int64_t unix_seconds) noexcept;
};

// "2026-11-25T08:00:00Z" (the error log). Writes exactly kIsoLength bytes, no NUL.
inline constexpr std::size_t kIsoLength = 20;
void format_iso8601(std::int64_t unix_seconds, char* out) noexcept;

// "2026-11-25 08:00:00" (W3C extended log date and time fields, and its
// #Date directive). Writes exactly kW3cLength bytes, no NUL.
inline constexpr std::size_t kW3cLength = 19;
void format_w3c(std::int64_t unix_seconds, char* out) noexcept;

// "25/Nov/2026:08:00:00 +0000" (the access log's %t, without brackets).
// Writes exactly kClfLength bytes, no NUL. Years outside 0..9999 are clamped.
inline constexpr std::size_t kClfLength = 26;
void format_clf(std::int64_t unix_seconds, char* out) noexcept;

}  // namespace tpserve::log
