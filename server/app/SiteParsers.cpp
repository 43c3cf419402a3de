#include "app/SiteParsers.h"

#include <array>
#include <cstdint>

#include "http/Ascii.h"

namespace tpserve::app {

namespace {

std::string in_quotes(std::string_view text) {
    return "'" + std::string(text) + "'";
}

bool is_control(char ch) noexcept {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7F;
}

}  // namespace

std::string check_url_path(std::string_view text) {
    if (text.empty() || text.front() != '/')
        return "a URL path must start with '/': " + in_quotes(text);
    for (const char c : text) {
        if (is_control(c) || c == ' ') return "a URL path cannot contain spaces or control bytes";
        if (c == '?' || c == '#') return "a URL path cannot have a query or fragment";
        if (c == '\\') return "a URL path uses '/', not '\\'";
    }
    std::size_t start = 1;
    while (start <= text.size()) {
        std::size_t end = text.find('/', start);
        if (end == std::string_view::npos) end = text.size();
        if (text.substr(start, end - start) == "..") return "a URL path cannot contain '..'";
        start = end + 1;
    }
    return "";
}

std::string check_glob(std::string_view text) {
    if (text.empty()) return "a glob cannot be empty (\"*\" matches every file)";
    bool open = false;
    for (const char c : text) {
        if (is_control(c)) return "a glob cannot contain control bytes";
        if (c == '{') {
            if (open) return "'{' alternatives cannot be nested: " + in_quotes(text);
            open = true;
        } else if (c == '}') {
            if (!open) return "'}' without '{' in " + in_quotes(text);
            open = false;
        } else if (c == ',' && !open) {
            return "',' outside '{...}' in " + in_quotes(text) + " (one glob per rule)";
        }
    }
    if (open) return "'{' without '}' in " + in_quotes(text);
    return "";
}

std::string check_field_name(std::string_view text) {
    if (text.empty()) return "a header field name cannot be empty";
    for (const char c : text) {
        if (!http::ascii::is_tchar(c)) return in_quotes(text) + " is not a valid header field name";
    }
    // Fields that frame the message, describe the representation or are
    // the server's own: setting them by rule would contradict the response.
    // Location and Accept-Ranges too: rules apply to redirects and files,
    // where a second Location or "Accept-Ranges: none" would contradict ours.
    constexpr std::array<std::string_view, 18> kOwned = {"content-length",
                                                         "transfer-encoding",
                                                         "connection",
                                                         "keep-alive",
                                                         "upgrade",
                                                         "trailer",
                                                         "te",
                                                         "content-range",
                                                         "content-encoding",
                                                         "content-type",
                                                         "date",
                                                         "server",
                                                         "etag",
                                                         "last-modified",
                                                         "cache-control",
                                                         "expires",
                                                         "location",
                                                         "accept-ranges"};
    for (const std::string_view owned : kOwned) {
        if (http::ascii::iequals(text, owned)) {
            if (owned == "cache-control" || owned == "expires")
                return in_quotes(text) + " is set with the rule's cache_control or max_age keys";
            return in_quotes(text) + " is set by the server and cannot be set by a rule";
        }
    }
    return "";
}

std::string parse_max_age(std::string_view text, std::chrono::seconds& out) {
    std::string expect =
        "expected seconds or a duration such as 30s, 10m, 1h, 7d, 2w, 1y, got " + in_quotes(text);
    std::uint64_t n = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
        if (n > 100'000'000'000ULL) return "max_age is too large (at most 68 years)";
    }
    if (i == 0) return expect;
    std::uint64_t unit = 1;
    const std::string_view suffix = text.substr(i);
    if (suffix == "s" || suffix.empty()) {
        unit = 1;
    } else if (suffix == "m") {
        unit = 60;
    } else if (suffix == "h") {
        unit = 3600;
    } else if (suffix == "d") {
        unit = 86'400;
    } else if (suffix == "w") {
        unit = 7ULL * 86'400;
    } else if (suffix == "y") {
        unit = 365ULL * 86'400;
    } else {
        return expect;
    }
    // 2^31 - 1: the largest delta-seconds every cache handles (RFC 9111 §1.2.2).
    if (n * unit > 2'147'483'647ULL) return "max_age is too large (at most 68 years)";
    out = std::chrono::seconds(static_cast<std::int64_t>(n * unit));
    return "";
}

std::string normalize_site_host(std::string& text) {
    if (text.empty()) return "a host name cannot be empty";
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    if (text.front() == '[') {
        if (text.back() != ']' || text.size() < 4)
            return in_quotes(text) + " is not a bracketed IPv6 address";
        for (std::size_t i = 1; i + 1 < text.size(); ++i) {
            const char c = text[i];
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.'))
                return in_quotes(text) + " is not a bracketed IPv6 address";
        }
        return "";
    }
    if (text.size() > 1 && text.back() == '.') text.pop_back();
    std::string_view name = text;
    if (name.starts_with("*.")) name.remove_prefix(2);
    if (name.empty() || name.size() > 253) return in_quotes(text) + " is not a host name";
    std::size_t label = 0;
    for (const char c : name) {
        if (c == ':')
            return "a site's host name has no port (any port matches): " + in_quotes(text);
        if (c == '.') {
            if (label == 0) return in_quotes(text) + " has an empty label";
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
            return in_quotes(text) +
                   " is not a host name (letters, digits, '-', '.', or '*.' in front)";
        if (++label > 63) return in_quotes(text) + " has a label longer than 63 characters";
    }
    if (label == 0) return in_quotes(text) + " has an empty label";
    return "";
}

}  // namespace tpserve::app
