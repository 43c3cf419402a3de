#pragma once
// What the access log needs to know about one finished request. All views
// borrow from the connection's buffers and need only live for the duration
// of AccessLog::write() (which copies what it keeps).
//
// Not every format uses every field: combined ignores the ones after
// user_agent; W3C has no host/site/encoding/protocol columns.
#include <cstdint>
#include <string_view>

namespace tpserve::log {

struct AccessRecord {
    std::string_view peer;       // "127.0.0.1" or "::1" (no port)
    std::int64_t unix_time = 0;  // seconds since the epoch, when the request arrived
    // protocol is "HTTP/1.1"; for a request that failed to parse, method and
    // target may be empty, and then the request line is logged as "-".
    // target is the request-target as received, query included (the W3C
    // format splits it on the first '?').
    std::string_view method, target, protocol;
    std::uint16_t status = 0;
    std::uint64_t body_bytes = 0;          // 0 is logged as "-" (like Apache's %b)
    std::string_view referer, user_agent;  // empty = header absent

    std::string_view host;  // the Host header as received ("" = none)
    std::string_view site;  // label of the site that served the request ("" = none)
    // The whole response, head included (nginx $bytes_sent, IIS sc-bytes).
    std::uint64_t bytes_sent = 0;
    // From the request's first byte arriving to the response being handed to
    // the network (nginx $request_time, IIS time-taken).
    std::uint64_t request_time_us = 0;
    std::string_view encoding;     // precompressed variant served: "br", "gzip"; "" = identity
    std::string_view local_ip;     // the server address the request came in on ("" = unknown)
    std::uint16_t local_port = 0;  // 0 = unknown
};

}  // namespace tpserve::log
