#pragma once
// Accept (RFC 9110 §12.5.1) as the handler needs it: is a media type
// acceptable (SPA fallback only for clients that take text/html), and does
// the client prefer JSON (directory listing format). Pure functions over the
// parsed request: no allocation, no exceptions, thread-safe.
#include <string_view>

#include "http/Request.h"

namespace tpserve::http {

// The weight (thousandths, 0..1000) the request's Accept gives `type`, a
// "type/subtype" without parameters (compared case-insensitively).
// - No Accept field -> 1000 (§12.5.1: any media type is acceptable).
// - All Accept fields form one list of media-range [ parameters ] members;
//   a malformed member (no '/', "*/x", bad parameter, bad or repeated q,
//   unterminated quoted-string) is ignored on its own.
// - The most specific matching range decides (§12.5.1): "type/subtype", then
//   "type/subtype;param=..." (media-type parameters cannot be checked against
//   a bare type, so they rank just below the bare form rather than never
//   matching), then "type/*", then "*/*". Several members at the same rank:
//   the lowest q counts. Parameters after q (RFC 7231 accept-ext) are ignored.
// - Nothing matches -> 0.
[[nodiscard]] int media_quality(const Request& request, std::string_view type) noexcept;

// media_quality(request, type) > 0.
[[nodiscard]] bool accepts_media(const Request& request, std::string_view type) noexcept;

// Whether application/json is acceptable and weighs strictly more than
// text/html (so "*/*" or no Accept at all -> false: HTML stays the default).
[[nodiscard]] bool prefers_json(const Request& request) noexcept;

}  // namespace tpserve::http
