#pragma once
// Byte-level helpers shared by the parser and Request; ASCII only, as HTTP's
// syntax is (field values may carry obs-text, which these never lower-case).
#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace tpserve::http::ascii {

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

constexpr std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_ows(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// RFC 9110 §5.6.2 tchar.
inline constexpr std::array<bool, 256> kTchar = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        t[static_cast<std::size_t>(c)] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~"))
        t[static_cast<unsigned char>(c)] = true;
    return t;
}();

constexpr bool is_tchar(char c) noexcept {
    return kTchar[static_cast<unsigned char>(c)];
}

constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) {
        return false;
    }
    return std::ranges::all_of(s, is_tchar);
}

// Whether every line in `s` ends in CRLF: no bare LF, no bare CR.
inline bool crlf_only(std::string_view s) noexcept {
    std::size_t lfs = 0;
    for (std::size_t i = s.find('\n'); i != std::string_view::npos; i = s.find('\n', i + 1)) {
        if (i == 0 || s[i - 1] != '\r') {
            return false;
        }
        ++lfs;
    }
    std::size_t crs = 0;
    for (char c : s) {
        crs += c == '\r' ? 1 : 0;
    }
    return crs == lfs;
}

}  // namespace tpserve::http::ascii
