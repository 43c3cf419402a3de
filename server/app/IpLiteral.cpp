#include "app/IpLiteral.h"

#include <cstddef>

namespace tpserve::app {

namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace

bool is_ipv4_literal(std::string_view text) noexcept {
    int parts = 0;
    std::size_t i = 0;
    while (true) {
        const std::size_t start = i;
        unsigned value = 0;
        while (i < text.size() && is_digit(text[i]) && i - start < 3) {
            value = value * 10 + static_cast<unsigned>(text[i] - '0');
            ++i;
        }
        const std::size_t len = i - start;
        if (len == 0 || value > 255 || (len > 1 && text[start] == '0')) return false;
        ++parts;
        if (i == text.size()) return parts == 4;
        if (text[i] != '.' || parts == 4) return false;
        ++i;
    }
}

bool is_ipv6_literal(std::string_view text) noexcept {
    if (text.size() < 2) return false;
    int groups = 0;  // 16-bit groups written out
    bool compressed = false;
    std::size_t i = 0;
    if (text.substr(0, 2) == "::") {
        compressed = true;
        i = 2;
        if (i == text.size()) return true;  // "::"
    } else if (text[0] == ':') {
        return false;  // a single leading colon
    }
    while (i < text.size()) {
        const std::size_t start = i;
        while (i < text.size() && is_hex(text[i]) && i - start < 5)
            ++i;
        const std::size_t len = i - start;
        if (i < text.size() && text[i] == '.') {
            // An embedded IPv4 address: must be the last thing, worth two groups.
            if (!is_ipv4_literal(text.substr(start))) return false;
            groups += 2;
            break;
        }
        if (len == 0 || len > 4) return false;
        ++groups;
        if (i == text.size()) break;
        if (text[i] != ':') return false;
        ++i;
        if (i < text.size() && text[i] == ':') {
            if (compressed) return false;  // a second "::"
            compressed = true;
            ++i;
            if (i == text.size()) break;  // trailing "::"
        } else if (i == text.size()) {
            return false;  // a single trailing colon
        }
    }
    // "::" stands for at least one zero group.
    return compressed ? groups <= 7 : groups == 8;
}

}  // namespace tpserve::app
