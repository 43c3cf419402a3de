#pragma once
// The parsed head of one HTTP/1.x request. Plain data produced by
// RequestParser; every view points into the connection's receive buffer (or,
// when the request had a body, into the parser's own copy of the head) and
// stays valid until RequestParser::next() or RequestParser::drop().
// Not thread-safe beyond what a const view of plain data is.
#include <cstdint>
#include <span>
#include <string_view>

#include "http/Method.h"

namespace tpserve::http {

struct Header {
    std::string_view name;   // as received (case preserved); a valid token
    std::string_view value;  // surrounding OWS trimmed
};

struct Request {
    Method method = Method::Get;
    std::string_view method_text;  // as received, e.g. "GET", "PROPFIND"
    std::string_view target;  // request-target as received (origin, absolute, authority or "*")
    std::uint8_t version_major = 1;
    std::uint8_t version_minor = 1;
    std::span<const Header> headers;  // in arrival order; repeated names kept
    // RFC 9112 §9.3 as llhttp_should_keep_alive: 1.1 unless "close"; 1.0 only
    // with "keep-alive". The server's own decisions (limits, errors) come later.
    bool keep_alive = false;
    bool has_body = false;  // Content-Length > 0 or chunked (the body is discarded)

    // The first field named `name` (case-insensitive); "" if none.
    [[nodiscard]] std::string_view header(std::string_view name) const noexcept;
    // Whether any field named `name` holds `token` as a member of its
    // comma-separated list (case-insensitive), e.g. ("Connection", "close").
    [[nodiscard]] bool has_token(std::string_view name, std::string_view token) const noexcept;
};

}  // namespace tpserve::http
