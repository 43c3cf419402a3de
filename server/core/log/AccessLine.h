#pragma once
// Formats one AccessRecord as a line of the combined log format:
//   %h - - [%d/%b/%Y:%H:%M:%S +0000] "%r" %>s %b "%{Referer}i" "%{User-Agent}i"
// Escaping follows nginx: '"', '\', control bytes and bytes >= 0x7F become
// \xHH (upper-case hex), so a client can neither break the quoting nor
// forge a line. Long fields are cut (and end in "...") so a line always
// fits in kMaxAccessLine bytes.
#include <cstddef>

#include "log/AccessRecord.h"

namespace tpserve::log {

inline constexpr std::size_t kMaxAccessLine = std::size_t{16} * 1024;

// Writes the line, '\n' included, into `out` (kMaxAccessLine bytes) and
// returns its length. Pure apart from a per-thread cache of the last
// formatted second; thread-safe, no allocation.
std::size_t format_access_line(const AccessRecord& record, char* out) noexcept;

}  // namespace tpserve::log
