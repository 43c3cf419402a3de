#pragma once
// HTTP dates (RFC 9110 §5.6.7) without the C library's locale or time zone:
// plain civil-calendar arithmetic, so core needs no OS headers.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace tpserve::files {

inline constexpr std::size_t kHttpDateLength = 29;

// Writes the IMF-fixdate form, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
// Times outside years 0000-9999 are clamped to those bounds (the format has a
// four-digit year). No allocation; thread-safe.
void format_http_date(std::int64_t unix_seconds, std::span<char, kHttpDateLength> out) noexcept;

// Accepts IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime
// ("Sun Nov  6 08:49:37 1994"); names are case-sensitive as the RFC says, the
// day name is not checked against the date. RFC 850 two-digit years: 70-99 →
// 19xx, 00-69 → 20xx (a fixed pivot; the RFC's "50 years from now" rule needs
// a clock this pure function does not have). Second 60 (leap) is accepted.
// Returns nullopt for anything else, including trailing characters.
std::optional<std::int64_t> parse_http_date(std::string_view text) noexcept;

}  // namespace tpserve::files
