#pragma once
// Accept-Encoding negotiation (RFC 9110 §12.5.3) for precompressed variants.
// Pure functions over the parsed request: no allocation, no exceptions,
// thread-safe.
#include <optional>
#include <span>
#include <string_view>

#include "http/Request.h"

namespace tpserve::http {

// RFC 9110 §12.4.2 qvalue: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ], as
// thousandths (0..1000). The whole of `text` must match; nullopt otherwise
// ("1.5", "0.1234", ".5", " 1", "").
std::optional<int> parse_qvalue(std::string_view text) noexcept;

// Which of the server's codings to send. `available` lists the codings this
// resource has, in server preference order, as lower-case tokens ("br",
// "gzip", "zstd"); the views are only read during the call. Returns the index
// into `available`, or -1 for identity (no Content-Encoding).
//
// Every Accept-Encoding field is taken as one combined list of
// `coding [ OWS ";" OWS "q=" qvalue ]`; a member that does not match that
// (bad q, other parameters, not a token) is ignored on its own.
// - No Accept-Encoding field -> -1. The RFC would allow any coding, but a
//   client that says nothing is safest served unencoded (nginx gzip_static
//   agrees). A field with no members -> -1 (§12.5.3: identity only).
// - A coding's weight is its own member's q (names compared
//   case-insensitively, "x-gzip" counting as "gzip"; when named several times
//   the lowest q counts, so a contradictory "q=0" is honoured), else the q of
//   "*", else 0. q=0 = not acceptable.
// - The highest weight wins; ties go to the earlier entry of `available`.
// - Identity's weight is its own member's q, else that of "*"; when it is
//   strictly higher than the winner's, -1. Identity is never refused: with
//   nothing else acceptable the answer is -1 even under "identity;q=0".
[[nodiscard]] int choose_encoding(const Request& request,
                                  std::span<const std::string_view> available) noexcept;

}  // namespace tpserve::http
