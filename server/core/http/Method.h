#pragma once
#include <cstdint>

namespace tpserve::http {

// The request method. Other = a method llhttp knows but RFC 9110 does not
// define (PROPFIND, MKCOL, ...): the handler answers 501 for it. Methods
// nobody knows never get this far: the parser answers 501 itself.
enum class Method : std::uint8_t {
    Get,
    Head,
    Post,
    Put,
    Delete,
    Connect,
    Options,
    Trace,
    Patch,
    Other
};

}  // namespace tpserve::http
