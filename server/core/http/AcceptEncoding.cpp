#include "http/AcceptEncoding.h"

#include <cstddef>

#include "http/Ascii.h"

namespace tpserve::http {
namespace {

constexpr std::string_view kField = "Accept-Encoding";

struct Member {
    std::string_view coding;
    int q = 1000;
};

// One list member (already split at commas): coding [ OWS ";" OWS "q=" qvalue ].
std::optional<Member> parse_member(std::string_view text) noexcept {
    text = ascii::trim_ows(text);
    std::size_t end = 0;
    while (end < text.size() && ascii::is_tchar(text[end])) {
        ++end;
    }
    if (end == 0) {
        return std::nullopt;
    }
    Member member{text.substr(0, end)};
    std::string_view rest = ascii::trim_ows(text.substr(end));
    if (rest.empty()) {
        return member;
    }
    if (rest.front() != ';') {
        return std::nullopt;
    }
    rest = ascii::trim_ows(rest.substr(1));
    if (rest.size() < 2 || ascii::lower(rest[0]) != 'q' || rest[1] != '=') {
        return std::nullopt;
    }
    const auto q = parse_qvalue(rest.substr(2));
    if (!q) {
        return std::nullopt;
    }
    member.q = *q;
    return member;
}

// Calls `visit(member)` for every well-formed member of every Accept-Encoding
// field. Codings cannot contain quotes or commas, so a plain comma split is
// exact, and a broken member cannot swallow the ones after it.
template <class Visit>
void for_each_member(const Request& request, Visit&& visit) noexcept {
    for (const Header& field : request.headers) {
        if (!ascii::iequals(field.name, kField)) {
            continue;
        }
        std::string_view rest = field.value;
        while (true) {
            const std::size_t comma = rest.find(',');
            if (const auto member = parse_member(rest.substr(0, comma))) {
                visit(*member);
            }
            if (comma == std::string_view::npos) {
                break;
            }
            rest.remove_prefix(comma + 1);
        }
    }
}

bool same_coding(std::string_view listed, std::string_view coding) noexcept {
    // RFC 9110 §8.4.1.3: a recipient SHOULD treat x-gzip as gzip.
    constexpr auto canonical = [](std::string_view c) noexcept {
        return ascii::iequals(c, "x-gzip") ? std::string_view("gzip") : c;
    };
    return ascii::iequals(canonical(listed), canonical(coding));
}

// Weight of `coding` under the request's list: its own lowest q, else the
// lowest q of "*", else nullopt (not mentioned at all).
std::optional<int> weight_of(const Request& request, std::string_view coding) noexcept {
    std::optional<int> own;
    std::optional<int> star;
    for_each_member(request, [&](const Member& m) {
        std::optional<int>& slot = m.coding == "*" ? star : own;
        if (m.coding != "*" && !same_coding(m.coding, coding)) {
            return;
        }
        if (!slot || m.q < *slot) {
            slot = m.q;
        }
    });
    return own ? own : star;
}

}  // namespace

std::optional<int> parse_qvalue(std::string_view text) noexcept {
    if (text.empty() || (text[0] != '0' && text[0] != '1')) {
        return std::nullopt;
    }
    const bool one = text[0] == '1';
    if (text.size() == 1) {
        return one ? 1000 : 0;
    }
    if (text[1] != '.' || text.size() > 5) {
        return std::nullopt;
    }
    int thousandths = 0;
    int scale = 100;
    for (char c : text.substr(2)) {
        if (c < '0' || c > '9' || (one && c != '0')) {
            return std::nullopt;
        }
        thousandths += (c - '0') * scale;
        scale /= 10;
    }
    return one ? 1000 : thousandths;
}

int choose_encoding(const Request& request, std::span<const std::string_view> available) noexcept {
    bool present = false;
    for (const Header& field : request.headers) {
        present = present || ascii::iequals(field.name, kField);
    }
    if (!present) {
        return -1;
    }
    int best = -1;
    int best_q = 0;
    for (std::size_t i = 0; i < available.size(); ++i) {
        const int q = weight_of(request, available[i]).value_or(0);
        if (q > best_q) {
            best = static_cast<int>(i);
            best_q = q;
        }
    }
    if (best < 0) {
        return -1;
    }
    const auto identity = weight_of(request, "identity");
    if (identity && *identity > best_q) {
        return -1;
    }
    return best;
}

}  // namespace tpserve::http
