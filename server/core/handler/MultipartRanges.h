#pragma once
// The body of a multipart/byteranges response (RFC 9110 §14.6) as plan parts:
// small part heads in the plan's arena, the ranges as file parts, so file
// bytes are never copied. The caller writes the response head with
// `Content-Type: multipart/byteranges; boundary=B` and
// `Content-Length: multipart_length(...)`.
//
// Body layout, per range: "--B\r\nContent-Type: T\r\nContent-Range: bytes a-b/SIZE\r\n\r\n"
// <bytes a..b> "\r\n"; then "--B--\r\n". The Content-Type line is left out
// when `content_type` is empty.
#include <cstdint>
#include <span>
#include <string_view>

#include "files/FileSystem.h"
#include "http/ByteRanges.h"
#include "plan/TransmitPlan.h"

namespace tpserve::handler {

// Exact length in bytes of the body that add_multipart_body appends.
[[nodiscard]] std::uint64_t multipart_length(std::span<const http::ByteRange> ranges,
                                             std::uint64_t size, std::string_view content_type,
                                             std::string_view boundary) noexcept;

// Appends the body to `plan`. `ranges` must lie within `size` (as
// parse_byte_ranges returns them); the parts come from `source`'s bytes or
// handle (add_file_body), pinned by the plan. Allocates only when the plan's
// arena or part list must grow.
void add_multipart_body(plan::TransmitPlan& plan, const files::OpenResult& source,
                        std::span<const http::ByteRange> ranges, std::uint64_t size,
                        std::string_view content_type, std::string_view boundary);

}  // namespace tpserve::handler
