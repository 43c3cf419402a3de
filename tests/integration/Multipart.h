#pragma once
// A strict reader for multipart/byteranges bodies (RFC 9110 §14.6, RFC 2046
// §5.1), independent of the server's writer:
//   - the boundary comes from the Content-Type's `boundary` parameter
//     (token or quoted-string, 1..70 characters of RFC 2046's bchars);
//   - framing is CRLF only: an optional empty preamble line, "--B" CRLF,
//     part headers (each "Name: value" CRLF) and a blank CRLF line, exactly
//     the bytes the part's Content-Range announces, CRLF "--B", then CRLF
//     and the next part or "--" and an optional final CRLF, nothing else;
//   - every part must carry exactly one well-formed
//     "Content-Range: bytes FIRST-LAST/COMPLETE" with FIRST <= LAST < COMPLETE,
//     the same COMPLETE in every part;
//   - the delimiter must not occur inside part data (a boundary-scanning
//     client would split there).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tpserve::integration {

struct MultipartPart {
    std::vector<std::pair<std::string, std::string>> headers;  // in order, values trimmed
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive
    std::uint64_t complete = 0;
    std::string data;

    std::optional<std::string> header(std::string_view name) const;
};

struct MultipartBody {
    std::string error;  // empty on success
    std::string boundary;
    std::vector<MultipartPart> parts;
    bool ok() const { return error.empty(); }
};

// `content_type` is the response's Content-Type value.
MultipartBody parse_byteranges(std::string_view content_type, std::string_view body);

// The boundary parameter of a multipart/byteranges Content-Type; nullopt if
// the type is not multipart/byteranges or the boundary is missing or invalid.
std::optional<std::string> byteranges_boundary(std::string_view content_type);

// Parses "bytes FIRST-LAST/COMPLETE" strictly (digits only, no spaces
// elsewhere, FIRST <= LAST < COMPLETE).
struct ContentRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t complete = 0;
};
std::optional<ContentRange> parse_content_range(std::string_view value);

}  // namespace tpserve::integration
