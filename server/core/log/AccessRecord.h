#pragma once
// What the access log needs to know about one finished request. All views
// borrow from the connection's buffers and need only live for the duration
// of AccessLog::write() (which copies what it keeps).
#include <cstdint>
#include <string_view>

namespace tpserve::log {

struct AccessRecord {
    std::string_view peer;       // "127.0.0.1" or "::1" (no port)
    std::int64_t unix_time = 0;  // seconds since the epoch, when the request arrived
    // protocol is "HTTP/1.1"; for a request that failed to parse, method and
    // target may be empty, and then the request line is logged as "-".
    std::string_view method, target, protocol;
    std::uint16_t status = 0;
    std::uint64_t body_bytes = 0;          // 0 is logged as "-" (like Apache's %b)
    std::string_view referer, user_agent;  // empty = header absent
};

}  // namespace tpserve::log
