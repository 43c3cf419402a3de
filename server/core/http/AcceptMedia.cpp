#include "http/AcceptMedia.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "http/AcceptEncoding.h"
#include "http/Ascii.h"

namespace tpserve::http {
namespace {

constexpr std::string_view kField = "Accept";

// How closely a range names the type; a higher rank overrides a lower one.
enum Rank : std::uint8_t { kNone, kAny, kTypeWildcard, kExactWithParams, kExact };

struct Range {
    std::string_view type;
    std::string_view subtype;
    bool has_params = false;
    int q = 1000;
};

std::size_t token_length(std::string_view s) noexcept {
    std::size_t n = 0;
    while (n < s.size() && ascii::is_tchar(s[n])) {
        ++n;
    }
    return n;
}

// Length of the quoted-string at the start of `s` (quotes included), or 0
// when it is unterminated. Escapes are skipped, not validated further.
std::size_t quoted_length(std::string_view s) noexcept {
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return 0;
}

// media-range *( OWS ";" OWS parameter ), parameter = token "=" ( token /
// quoted-string ). `text` is one list member, already split at commas.
std::optional<Range> parse_range(std::string_view text) noexcept {
    std::string_view rest = ascii::trim_ows(text);
    Range range;
    std::size_t n = token_length(rest);
    if (n == 0 || n >= rest.size() || rest[n] != '/') {
        return std::nullopt;
    }
    range.type = rest.substr(0, n);
    rest.remove_prefix(n + 1);
    n = token_length(rest);
    if (n == 0) {
        return std::nullopt;
    }
    range.subtype = rest.substr(0, n);
    rest.remove_prefix(n);
    if (range.type == "*" && range.subtype != "*") {
        return std::nullopt;
    }
    bool seen_q = false;
    while (true) {
        rest = ascii::trim_ows(rest);
        if (rest.empty()) {
            return range;
        }
        if (rest.front() != ';') {
            return std::nullopt;
        }
        rest = ascii::trim_ows(rest.substr(1));
        if (rest.empty() || rest.front() == ';') {
            continue;  // an empty parameter, which the grammar allows
        }
        n = token_length(rest);
        if (n == 0 || n >= rest.size() || rest[n] != '=') {
            return std::nullopt;
        }
        const std::string_view name = rest.substr(0, n);
        rest.remove_prefix(n + 1);
        n = !rest.empty() && rest.front() == '"' ? quoted_length(rest) : token_length(rest);
        if (n == 0) {
            return std::nullopt;
        }
        const std::string_view value = rest.substr(0, n);
        rest.remove_prefix(n);
        if (ascii::iequals(name, "q")) {
            const auto q = parse_qvalue(value);
            if (!q || seen_q) {
                return std::nullopt;
            }
            seen_q = true;
            range.q = *q;
        } else if (!seen_q) {
            range.has_params = true;
        }
    }
}

Rank rank_of(const Range& range, std::string_view type, std::string_view subtype) noexcept {
    if (range.type == "*") {
        return kAny;
    }
    if (!ascii::iequals(range.type, type)) {
        return kNone;
    }
    if (range.subtype == "*") {
        return kTypeWildcard;
    }
    if (!ascii::iequals(range.subtype, subtype)) {
        return kNone;
    }
    return range.has_params ? kExactWithParams : kExact;
}

// Splits a field value at the commas outside quoted-strings; an unterminated
// quote runs to the end of the field (that last member is then malformed).
template <class Visit>
void for_each_member(std::string_view value, Visit&& visit) noexcept {
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (quoted && c == '\\') {
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            visit(value.substr(start, i - start));
            start = i + 1;
        }
    }
    visit(value.substr(start));
}

}  // namespace

int media_quality(const Request& request, std::string_view type) noexcept {
    const std::size_t slash = type.find('/');
    const std::string_view major = type.substr(0, slash);
    const std::string_view minor =
        slash == std::string_view::npos ? std::string_view() : type.substr(slash + 1);
    bool present = false;
    Rank best = kNone;
    int q = 0;
    for (const Header& field : request.headers) {
        if (!ascii::iequals(field.name, kField)) {
            continue;
        }
        present = true;
        for_each_member(field.value, [&](std::string_view text) {
            const auto range = parse_range(text);
            if (!range) {
                return;
            }
            const Rank rank = rank_of(*range, major, minor);
            if (rank == kNone || rank < best) {
                return;
            }
            q = rank > best ? range->q : std::min(q, range->q);
            best = rank;
        });
    }
    return present ? q : 1000;
}

bool accepts_media(const Request& request, std::string_view type) noexcept {
    return media_quality(request, type) > 0;
}

bool prefers_json(const Request& request) noexcept {
    const int json = media_quality(request, "application/json");
    return json > 0 && json > media_quality(request, "text/html");
}

}  // namespace tpserve::http
