#pragma once
// The Range request header (RFC 9110 §14.1.1, §14.2) for the "bytes" unit:
// parsed, checked against the representation's size, clipped and
// coalesced, without allocating. The caller picks the response from the
// outcome: Ignore -> 200 whole, Unsatisfiable -> 416, Satisfiable -> 206
// (one range: Content-Range; several: multipart/byteranges).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tpserve::http {

// Inclusive bounds within the representation: first <= last < size.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;

    [[nodiscard]] constexpr std::uint64_t length() const noexcept { return last - first + 1; }
    friend constexpr bool operator==(const ByteRange&, const ByteRange&) = default;
};

// Hard cap on range-specs in one header; the config's max_ranges is capped at it.
inline constexpr std::size_t kMaxByteRanges = 128;

enum class RangeOutcome : std::uint8_t { Ignore, Satisfiable, Unsatisfiable };

// A value type (about 2 KiB): meant to live on the stack of the request handler.
struct RangeSet {
    RangeOutcome outcome = RangeOutcome::Ignore;
    std::size_t count = 0;  // ranges in use; non-zero only when Satisfiable
    std::array<ByteRange, kMaxByteRanges> ranges{};

    // Non-overlapping ranges, in the order their earliest spec was requested.
    [[nodiscard]] std::span<const ByteRange> view() const noexcept;
    // Sum of the ranges' lengths: the bytes of file content the response carries.
    [[nodiscard]] std::uint64_t total() const noexcept;
};

// `value` is the Range field value; `size` the selected representation's length.
//
// Ignore: malformed syntax (any invalid range-spec, including last-pos < first-pos),
// a unit other than "bytes" (case-insensitive), no range-spec at all, more than
// `max_ranges` range-specs (itself capped at kMaxByteRanges; 0 disables ranges),
// or satisfiable lengths summing to more than `size` before coalescing (overlap abuse).
// Unsatisfiable: valid syntax but no satisfiable spec (first-pos >= size,
// suffix "-0", any spec on an empty representation).
// Satisfiable: unsatisfiable specs dropped, the rest clipped to `size`; a single
// spec is kept as is; several are merged when they overlap, touch, or leave a
// gap of fewer than `merge_gap` bytes (80 ~ the cost of a part header), and the
// result keeps the request's order (RFC 9110 §15.3.7.2), a merged range taking
// the place of its earliest spec.
//
// Lenient where RFC 9110 §5.6.1 asks: OWS around commas and empty list elements.
// Numbers too large for 64 bits: first-pos -> unsatisfiable, last-pos -> end of
// file, suffix-length -> whole file. Linear in the length of `value`.
[[nodiscard]] RangeSet parse_byte_ranges(std::string_view value, std::uint64_t size,
                                         std::uint32_t max_ranges,
                                         std::uint64_t merge_gap = 80) noexcept;

}  // namespace tpserve::http
