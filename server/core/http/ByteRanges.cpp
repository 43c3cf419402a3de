#include "http/ByteRanges.h"

#include <array>

#include <algorithm>
#include <limits>

#include "http/Ascii.h"

namespace tpserve::http {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

struct Number {
    std::uint64_t value = 0;  // saturated at kMax when `overflow`
    bool overflow = false;
};

// 1*DIGIT; anything else (sign, space, empty) is a syntax error.
bool parse_digits(std::string_view text, Number& out) noexcept {
    if (text.empty()) return false;
    out = {};
    for (char c : text) {
        if (c < '0' || c > '9') return false;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (out.overflow || out.value > (kMax - digit) / 10) {
            out.overflow = true;
            out.value = kMax;
        } else {
            out.value = out.value * 10 + digit;
        }
    }
    return true;
}

// Exact order of two digit strings of any length, so "last < first" is caught
// even when both overflow 64 bits.
bool decimal_less(std::string_view a, std::string_view b) noexcept {
    const auto strip = [](std::string_view s) {
        const std::size_t nonzero = s.find_first_not_of('0');
        return nonzero == std::string_view::npos ? std::string_view{} : s.substr(nonzero);
    };
    a = strip(a);
    b = strip(b);
    if (a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

// EmptyWhole: a suffix of an empty representation. RFC 9110 §14.1.1 calls
// it satisfiable (the whole, zero bytes), but no Content-Range can say so:
// the Range field is then ignored and the empty whole sent (200, as nginx).
enum class SpecKind : std::uint8_t { Invalid, Unsatisfiable, Range, EmptyWhole };

struct Spec {
    SpecKind kind = SpecKind::Invalid;
    ByteRange range;
};

Spec parse_spec(std::string_view text, std::uint64_t size) noexcept {
    const std::size_t dash = text.find('-');
    if (dash == std::string_view::npos) return {};
    const std::string_view first_text = text.substr(0, dash);
    const std::string_view last_text = text.substr(dash + 1);

    if (first_text.empty()) {  // suffix-range
        Number suffix;
        if (!parse_digits(last_text, suffix)) return {};
        if (suffix.value == 0) return {SpecKind::Unsatisfiable, {}};
        if (size == 0) return {SpecKind::EmptyWhole, {}};
        const std::uint64_t length = std::min(suffix.value, size);
        return {SpecKind::Range, {size - length, size - 1}};
    }

    Number first;
    if (!parse_digits(first_text, first)) return {};
    Number last{kMax, false};
    if (!last_text.empty()) {
        if (!parse_digits(last_text, last)) return {};
        if (decimal_less(last_text, first_text)) return {};
    }
    if (first.overflow || first.value >= size) return {SpecKind::Unsatisfiable, {}};
    return {SpecKind::Range, {first.value, std::min(last.value, size - 1)}};
}

// Merges ranges that overlap or whose gap is too small to be worth a part,
// then puts the parts back in the order their earliest spec was requested
// (RFC 9110 §15.3.7.2: a server SHOULD send them in that order).
std::size_t coalesce(std::span<ByteRange> ranges, std::uint64_t merge_gap) noexcept {
    struct Numbered {
        ByteRange range;
        std::size_t order;
    };
    std::array<Numbered, kMaxByteRanges> work{};
    for (std::size_t i = 0; i < ranges.size(); ++i)
        work[i] = Numbered{ranges[i], i};
    const auto numbered = std::span(work.data(), ranges.size());
    std::sort(numbered.begin(), numbered.end(), [](const Numbered& a, const Numbered& b) {
        return a.range.first != b.range.first ? a.range.first < b.range.first
                                              : a.range.last < b.range.last;
    });
    std::size_t out = 0;
    for (std::size_t i = 1; i < numbered.size(); ++i) {
        Numbered& current = numbered[out];
        const Numbered& next = numbered[i];
        const std::uint64_t end = current.range.last + 1;  // last < size: cannot overflow
        if (next.range.first <= end || next.range.first - end < merge_gap) {
            current.range.last = std::max(current.range.last, next.range.last);
            current.order = std::min(current.order, next.order);
        } else {
            numbered[++out] = next;
        }
    }
    const auto merged = numbered.first(out + 1);
    std::sort(merged.begin(), merged.end(),
              [](const Numbered& a, const Numbered& b) { return a.order < b.order; });
    for (std::size_t i = 0; i < merged.size(); ++i)
        ranges[i] = merged[i].range;
    return merged.size();
}

// Fills `out` with the satisfiable specs in request order; false when the
// whole header must be ignored. `specs` counts the non-empty list elements.
bool collect(std::string_view value, std::uint64_t size, std::size_t limit, RangeSet& out,
             std::size_t& specs) noexcept {
    value = ascii::trim_ows(value);
    const std::size_t equals = value.find('=');
    if (equals == std::string_view::npos) return false;
    if (!ascii::iequals(value.substr(0, equals), "bytes")) return false;

    std::string_view rest = value.substr(equals + 1);
    std::uint64_t requested = 0;  // never above size
    while (true) {
        const std::size_t comma = rest.find(',');
        const std::string_view element = ascii::trim_ows(rest.substr(0, comma));
        if (!element.empty()) {
            // Checked before parsing, so a header with thousands of specs costs little.
            if (++specs > limit) return false;
            const Spec spec = parse_spec(element, size);
            if (spec.kind == SpecKind::Invalid || spec.kind == SpecKind::EmptyWhole) return false;
            if (spec.kind == SpecKind::Range) {
                // Overlapping specs that ask for more than the file are an
                // amplification attempt (RFC 9110 §14.2): serve it once, whole.
                if (spec.range.length() > size - requested) return false;
                requested += spec.range.length();
                out.ranges[out.count++] = spec.range;
            }
        }
        if (comma == std::string_view::npos) return true;
        rest.remove_prefix(comma + 1);
    }
}

}  // namespace

std::span<const ByteRange> RangeSet::view() const noexcept {
    return {ranges.data(), count};
}

std::uint64_t RangeSet::total() const noexcept {
    std::uint64_t sum = 0;
    for (const ByteRange& range : view())
        sum += range.length();
    return sum;
}

RangeSet parse_byte_ranges(std::string_view value, std::uint64_t size, std::uint32_t max_ranges,
                           std::uint64_t merge_gap) noexcept {
    RangeSet result;
    std::size_t specs = 0;
    const std::size_t limit = std::min<std::size_t>(max_ranges, kMaxByteRanges);
    if (!collect(value, size, limit, result, specs) || specs == 0) {
        result.count = 0;
        result.outcome = RangeOutcome::Ignore;
    } else if (result.count == 0) {
        result.outcome = RangeOutcome::Unsatisfiable;
    } else {
        if (result.count > 1) {
            result.count =
                coalesce(std::span<ByteRange>(result.ranges.data(), result.count), merge_gap);
        }
        result.outcome = RangeOutcome::Satisfiable;
    }
    return result;
}

}  // namespace tpserve::http
