#pragma once
// Formats one AccessRecord as one line of an access log. Whatever bytes a
// client sent, a line never contains a raw control byte or a stray newline
// and always has its format's structure (field count, quoting, valid JSON);
// long fields are cut (ending in "...") so a line fits in kMaxAccessLine.
//
// combined  %h - - [%d/%b/%Y:%H:%M:%S +0000] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
//           Escaping as nginx: '"', '\', control bytes and bytes >= 0x7F -> \xHH.
// json      {"time":"2026-11-25T10:00:00Z","remote_addr":..,"method":..,"uri":..,
//           "protocol":..,"status":200,"body_bytes":..,"bytes_sent":..,"request_time":0.012,
//           "host":..,"site":..,"encoding":..,"referer":..,"user_agent":..}
//           Strings escape '"' and '\' with a backslash, control bytes and bytes
//           >= 0x7F as \u00hh (so non-UTF-8 input still gives valid JSON).
// w3c       The fields of kW3cFields, space-separated, "-" when empty. Bytes
//           <= 0x20 and >= 0x7F are written %HH (a space in the user agent as
//           '+', like IIS). time-taken is in milliseconds.
//
// All functions are pure apart from a per-thread cache of the last formatted
// second; thread-safe, no allocation.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "log/AccessFormat.h"
#include "log/AccessRecord.h"

namespace tpserve::log {

inline constexpr std::size_t kMaxAccessLine = std::size_t{16} * 1024;

inline constexpr std::string_view kW3cFields =
    "date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes time-taken "
    "cs-host sc(Content-Encoding)";

// Writes the line, '\n' included, into `out` (kMaxAccessLine bytes) and
// returns its length.
std::size_t format_access_line(AccessFormat format, const AccessRecord& record, char* out) noexcept;

std::size_t format_combined_line(const AccessRecord& record, char* out) noexcept;
std::size_t format_json_line(const AccessRecord& record, char* out) noexcept;
std::size_t format_w3c_line(const AccessRecord& record, char* out) noexcept;

// The directives that start a W3C log (written each time the log is opened):
// "#Software: <software>\n#Version: 1.0\n#Date: <unix_time as 2026-11-25 10:00:00>\n
// #Fields: <kW3cFields>\n". Control bytes in `software` become '?'. Start-up
// only: allocates, may throw std::bad_alloc.
std::string w3c_header(std::string_view software, std::int64_t unix_time);

}  // namespace tpserve::log
