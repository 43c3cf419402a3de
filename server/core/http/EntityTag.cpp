#include "http/EntityTag.h"

namespace tpserve::http {
namespace {

constexpr bool is_etagc(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

}  // namespace

std::optional<EntityTag> parse_entity_tag_prefix(std::string_view text,
                                                 std::size_t& consumed) noexcept {
    EntityTag tag;
    std::size_t pos = 0;
    if (text.starts_with("W/")) {
        tag.weak = true;
        pos = 2;
    }
    if (pos >= text.size() || text[pos] != '"') {
        return std::nullopt;
    }
    const std::size_t open = ++pos;
    while (pos < text.size() && is_etagc(text[pos])) {
        ++pos;
    }
    if (pos >= text.size() || text[pos] != '"') {
        return std::nullopt;  // unterminated, or a byte etagc excludes
    }
    tag.opaque = text.substr(open, pos - open);
    consumed = pos + 1;
    return tag;
}

std::optional<EntityTag> parse_entity_tag(std::string_view text) noexcept {
    std::size_t consumed = 0;
    auto tag = parse_entity_tag_prefix(text, consumed);
    if (!tag || consumed != text.size()) {
        return std::nullopt;
    }
    return tag;
}

}  // namespace tpserve::http
