#pragma once
// Conditional requests (RFC 9110 §13): the If-* header fields evaluated
// against the selected representation's validators. Pure functions over the
// parsed request: no allocation, no exceptions, thread-safe. They live in
// handler (not http) because dates are parsed with files::parse_http_date.
//
// Every field of the same name is taken as one combined list, as §5.3 says a
// recipient may. The caller decides when preconditions apply at all: §13.2.1
// says to ignore them when the response without them would not be 2xx/412
// (e.g. 404, a redirect), and If-Range only matters when a Range is present.
#include <cstdint>
#include <string_view>

#include "http/Request.h"

namespace tpserve::handler {

// The selected representation's validators; views borrowed from the caller
// for the duration of the call.
struct Validators {
    // As sent in the ETag field, quotes included: "\"1a-2b-3c\"" or
    // "W/\"...\"". "" (or anything that is not an entity-tag) = no entity-tag.
    std::string_view etag;
    std::int64_t last_modified = 0;  // Unix seconds
    bool has_last_modified = false;
};

enum class Precondition : std::uint8_t {
    Proceed,      // evaluate Range (If-Range) and send the representation
    NotModified,  // 304
    Failed,       // 412
};

// RFC 9110 §13.2.2 steps 1-4, in that order:
// 1. If-Match (strong comparison; "*" matches: the representation exists) is
//    false -> Failed. A value that is neither "*" nor a valid entity-tag list
//    is false as well (§13.1.1 "Otherwise, the condition is false").
// 2. Without If-Match, If-Unmodified-Since holding one valid HTTP-date earlier
//    than last_modified -> Failed.
// 3. If-None-Match (weak comparison, lists, "*") matches -> NotModified when
//    `get_or_head`, else Failed. Malformed -> true (§13.1.2 "Otherwise, the
//    condition is true"): Proceed, and If-Modified-Since stays ignored.
// 4. Without If-None-Match, GET/HEAD only, If-Modified-Since holding one valid
//    HTTP-date with last_modified <= date -> NotModified.
// Invalid dates (including several fields or a list of dates) are ignored, as
// are the date conditions when !has_last_modified.
[[nodiscard]] Precondition evaluate_preconditions(const http::Request& request,
                                                  const Validators& current,
                                                  bool get_or_head) noexcept;

// If-Range (RFC 9110 §13.1.5); true = honour the Range header field.
// Absent -> true. An entity-tag -> strong comparison with current.etag (a
// weak tag never matches). One valid HTTP-date -> exactly equal to
// last_modified. Anything else (malformed, several fields) -> false.
[[nodiscard]] bool if_range_allows(const http::Request& request,
                                   const Validators& current) noexcept;

}  // namespace tpserve::handler
