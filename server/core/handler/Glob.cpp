#include "handler/Glob.h"

#include <algorithm>

namespace tpserve::handler {

namespace {

// Every brace-free pattern `pattern` stands for: "a.{b,c}.{d,e}" → 4.
// Braces are balanced and not nested (the config loader checks).
std::vector<std::string> expand(std::string_view pattern) {
    std::vector<std::string> out{std::string()};
    while (!pattern.empty()) {
        const std::size_t open = pattern.find('{');
        const std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open);
        const std::string_view literal =
            pattern.substr(0, close == std::string_view::npos ? close : open);
        for (std::string& prefix : out)
            prefix.append(literal);
        if (close == std::string_view::npos) break;
        const std::string_view body = pattern.substr(open + 1, close - open - 1);
        std::vector<std::string> next;
        for (const std::string& prefix : out) {
            std::size_t start = 0;
            for (;;) {
                const std::size_t comma = body.find(',', start);
                next.push_back(prefix + std::string(body.substr(start, comma - start)));
                if (comma == std::string_view::npos) break;
                start = comma + 1;
            }
        }
        out = std::move(next);
        pattern.remove_prefix(close + 1);
    }
    return out;
}

}  // namespace

Glob::Glob(std::string_view pattern)
    : alternatives_(expand(pattern)), whole_path_(pattern.find('/') != std::string_view::npos) {}

bool Glob::matches(std::string_view path) const noexcept {
    std::string_view subject = path;
    if (!whole_path_) {
        const std::size_t slash = path.rfind('/');
        if (slash != std::string_view::npos) subject = path.substr(slash + 1);
    }
    return std::ranges::any_of(alternatives_, [subject](const std::string& alternative) {
        return match_simple(alternative, subject);
    });
}

bool Glob::match_simple(std::string_view pattern, std::string_view text) noexcept {
    // Iterative, with two backtrack points: the last '*' (which cannot
    // cross a '/') and the last '**'. Never recursive, so a hostile path
    // cannot blow the stack, and at most quadratic.
    constexpr std::size_t kNone = std::string_view::npos;
    std::size_t p = 0;
    std::size_t t = 0;
    std::size_t star_p = kNone;
    std::size_t star_t = 0;
    std::size_t any_p = kNone;
    std::size_t any_t = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            if (p + 1 < pattern.size() && pattern[p + 1] == '*') {
                p += 2;
                any_p = p;
                any_t = t;
                star_p = kNone;
            } else {
                ++p;
                star_p = p;
                star_t = t;
            }
            continue;
        }
        if (p < pattern.size() &&
            (pattern[p] == text[t] || (pattern[p] == '?' && text[t] != '/'))) {
            ++p;
            ++t;
            continue;
        }
        if (star_p != kNone && text[star_t] != '/') {
            p = star_p;
            t = ++star_t;
            continue;
        }
        if (any_p != kNone) {
            star_p = kNone;
            p = any_p;
            t = ++any_t;
            continue;
        }
        return false;
    }
    while (p < pattern.size() && pattern[p] == '*')
        ++p;
    return p == pattern.size();
}

}  // namespace tpserve::handler
