#pragma once
// Entity-tags as they appear in ETag, If-Match, If-None-Match and If-Range
// (RFC 9110 §8.8.3): parsing and the two comparison functions. Views only, no
// allocation; pure functions, thread-safe.
#include <cstddef>
#include <optional>
#include <string_view>

namespace tpserve::http {

struct EntityTag {
    std::string_view opaque;  // the octets between the quotes (quotes excluded)
    bool weak = false;        // written with the case-sensitive "W/" prefix
};

// Parses the entity-tag at the very start of `text` (no leading whitespace):
// [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (so a
// comma inside the quotes is part of the tag). On success stores the number
// of bytes the tag spans in `consumed`; nullopt (and `consumed` untouched)
// for anything else: "w/", W/ without quotes, an unterminated quote, a
// space or control inside the quotes. The views point into `text`.
std::optional<EntityTag> parse_entity_tag_prefix(std::string_view text,
                                                 std::size_t& consumed) noexcept;

// The whole of `text` is one entity-tag (nothing before or after).
std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept;

// RFC 9110 §8.8.3.2: strong = both strong and the same opaque octets;
// weak = the same opaque octets whatever the W/ flags.
constexpr bool strong_match(const EntityTag& a, const EntityTag& b) noexcept {
    return !a.weak && !b.weak && a.opaque == b.opaque;
}
constexpr bool weak_match(const EntityTag& a, const EntityTag& b) noexcept {
    return a.opaque == b.opaque;
}

}  // namespace tpserve::http
