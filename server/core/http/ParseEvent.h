#pragma once
#include <cstdint>

namespace tpserve::http {

// What RequestParser::parse() found in the window.
enum class ParseEvent : std::uint8_t {
    NeedMore,        // every byte of the window was consumed; receive more
    Request,         // a complete request (head + any body, discarded) is available via request()
    ExpectContinue,  // head complete, `Expect: 100-continue`, body not yet received: the caller
                     // sends "100 Continue" then calls parse() again
    Error,           // error_status() says which response to send; the caller then closes
};

}  // namespace tpserve::http
