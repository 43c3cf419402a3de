#include "http/Host.h"

#include <algorithm>

namespace tpserve::http {

namespace {

bool is_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// reg-name = *( unreserved / pct-encoded / sub-delims )
bool is_reg_name(std::string_view name) noexcept {
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_alnum(c)) continue;
        switch (c) {
            case '-':
            case '.':
            case '_':
            case '~':  // unreserved
            case '!':
            case '$':
            case '&':
            case '\'':
            case '(':
            case ')':  // sub-delims
            case '*':
            case '+':
            case ',':
            case ';':
            case '=':
                continue;
            case '%':
                if (i + 2 < name.size() && is_hex(name[i + 1]) && is_hex(name[i + 2])) {
                    i += 2;
                    continue;
                }
                return false;
            default:
                return false;
        }
    }
    return true;
}

// IP-literal = "[" ( IPv6address / IPvFuture ) "]": checked for its alphabet
// only; a wrong literal names no host of ours and is answered like any other.
bool is_ip_literal_body(std::string_view body) noexcept {
    if (body.empty()) return false;
    for (const char c : body) {
        if (!is_hex(c) && c != ':' && c != '.' && c != 'v' && c != 'V' && !is_reg_name({&c, 1})) {
            return false;
        }
    }
    return true;
}

bool is_port(std::string_view port) noexcept {
    if (port.size() > 5) return false;
    return std::ranges::all_of(port, [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool is_valid_host(std::string_view value) noexcept {
    if (value.empty()) return true;
    std::string_view host = value;
    std::string_view port;
    if (host.front() == '[') {
        const std::size_t close = host.find(']');
        if (close == std::string_view::npos) return false;
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return false;
        if (!rest.empty()) port = rest.substr(1);
        if (!is_ip_literal_body(host.substr(1, close - 1))) return false;
        return rest.empty() || is_port(port);
    }
    const std::size_t colon = host.find(':');
    if (colon != std::string_view::npos) {
        port = host.substr(colon + 1);
        host = host.substr(0, colon);
        if (!is_port(port)) return false;
    }
    return is_reg_name(host);
}

}  // namespace tpserve::http
