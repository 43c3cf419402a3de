#include "app/ValueParsers.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <vector>

#include "app/IpLiteral.h"

namespace tpserve::app {

namespace {

using namespace std::string_literals;

std::string in_quotes(std::string_view text) {
    return "'" + std::string(text) + "'";
}

// Strict decimal: digits only, no sign, no spaces; false on overflow.
bool parse_digits(std::string_view text, std::uint64_t& out) noexcept {
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size() && text[0] != '+' &&
           text[0] != '-';
}

std::string suggest(std::string_view text, std::span<const std::string_view> choices) {
    const std::string_view near = closest_word(text, choices);
    std::string why = "expected " + join_choices(choices) + ", got " + in_quotes(text);
    if (!near.empty()) why += " (did you mean '" + std::string(near) + "'?)";
    return why;
}

std::string check_path_like(std::string_view text) {
    if (text.empty()) return "expected a file path, got an empty string";
    if (text.find('\0') != std::string_view::npos) return "a path cannot contain NUL";
    return "";
}

}  // namespace

std::string parse_admin_listen(std::string_view text, std::optional<config::ListenAddress>& out) {
    if (text.empty()) {
        out.reset();
        return "";
    }
    config::ListenAddress address;
    std::string why = parse_listen(text, address);
    if (why.empty()) out = std::move(address);
    return why;
}

std::string check_admin_apart(const config::Config& config) {
    if (!config.admin.listen) return "";
    const config::ListenAddress& admin = *config.admin.listen;
    const auto wildcard = [](const config::ListenAddress& a) {
        return a.host == "0.0.0.0" || a.host == "::";
    };
    const auto v6 = [](const config::ListenAddress& a) {
        return a.host.find(':') != std::string::npos;
    };
    for (const config::ListenAddress& pub : config.listen) {
        if (admin.port == 0 || admin.port != pub.port) continue;
        const bool overlap =
            admin.host == pub.host || (v6(admin) == v6(pub) && (wildcard(admin) || wildcard(pub)));
        if (overlap) {
            return "the admin listener must not share a public listen address (" + pub.host +
                   " port " + std::to_string(pub.port) +
                   "): /metrics would be served to the public";
        }
    }
    return "";
}

std::string parse_listen(std::string_view text, config::ListenAddress& out) {
    const std::string form = " (expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)";
    std::string_view host;
    std::string_view port;
    std::string resolved;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) return "missing ']' in " + in_quotes(text) + form;
        host = text.substr(1, close - 1);
        if (close + 1 >= text.size() || text[close + 1] != ':') {
            return "missing ':PORT' after ']' in " + in_quotes(text) + form;
        }
        port = text.substr(close + 2);
        if (!is_ipv6_literal(host)) return in_quotes(host) + " is not a numeric IPv6 address";
        resolved = std::string(host);
        std::transform(resolved.begin(), resolved.end(), resolved.begin(), [](char c) {
            return (c >= 'A' && c <= 'F') ? static_cast<char>(c + 32) : c;
        });
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) return "missing ':PORT' in " + in_quotes(text) + form;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) {
            return "an IPv6 address needs brackets: " +
                   in_quotes("[" + std::string(host) + "]:" + std::string(port));
        }
        if (host == "*") {
            resolved = "0.0.0.0";
        } else if (host == "localhost") {
            resolved = "127.0.0.1";
        } else if (is_ipv4_literal(host)) {
            resolved = std::string(host);
        } else if (host.empty()) {
            return "missing address before ':' in " + in_quotes(text) + form;
        } else {
            return in_quotes(host) +
                   " is not a numeric IPv4 address (host names other than 'localhost' are not "
                   "resolved; use '*' for all IPv4 interfaces)";
        }
    }
    std::uint64_t number = 0;
    if (!parse_digits(port, number) || number > 65535) {
        return "port " + in_quotes(port) + " is not a number in 0..65535";
    }
    out.host = std::move(resolved);
    out.port = static_cast<std::uint16_t>(number);
    return "";
}

std::string parse_workers(std::string_view text, unsigned& out) {
    if (text == "auto") {
        out = 0;
        return "";
    }
    std::uint64_t n = 0;
    if (!parse_digits(text, n) || n < 1 || n > 256) {
        return "expected 'auto' or a number of workers in 1..256, got " + in_quotes(text);
    }
    out = static_cast<unsigned>(n);
    return "";
}

std::string parse_duration(std::string_view text, std::chrono::milliseconds& out) {
    std::string expect =
        "expected a duration such as 500ms, 10s, 2m, 1h or a number of seconds, got " +
        in_quotes(text);
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    std::uint64_t n = 0;
    if (digits == 0 || !parse_digits(text.substr(0, digits), n)) return expect;
    const std::string_view unit = text.substr(digits);
    std::uint64_t ms_per_unit = 0;
    if (unit.empty() || unit == "s") {
        ms_per_unit = 1000;
    } else if (unit == "ms") {
        ms_per_unit = 1;
    } else if (unit == "m") {
        ms_per_unit = 60'000;
    } else if (unit == "h") {
        ms_per_unit = 3'600'000;
    } else {
        return expect;
    }
    constexpr std::uint64_t kMax = 24ull * 3'600'000;
    if (n > kMax || n * ms_per_unit > kMax || n == 0) {
        return "duration " + in_quotes(text) + " is out of range (1ms..24h)";
    }
    out = std::chrono::milliseconds(static_cast<std::int64_t>(n * ms_per_unit));
    return "";
}

std::string parse_size(std::string_view text, std::uint64_t min, std::uint64_t max,
                       std::uint64_t& out) {
    std::uint64_t multiplier = 1;
    std::string_view digits = text;
    if (!text.empty()) {
        switch (text.back()) {
            case 'k':
            case 'K':
                multiplier = 1ull << 10;
                break;
            case 'm':
            case 'M':
                multiplier = 1ull << 20;
                break;
            case 'g':
            case 'G':
                multiplier = 1ull << 30;
                break;
            default:
                break;
        }
        if (multiplier != 1) digits.remove_suffix(1);
    }
    std::uint64_t n = 0;
    if (!parse_digits(digits, n)) {
        return "expected a number such as 8192, 16k or 1m, got " + in_quotes(text);
    }
    if (n > std::numeric_limits<std::uint64_t>::max() / multiplier || n * multiplier < min ||
        n * multiplier > max) {
        return in_quotes(text) + " is out of range (" + std::to_string(min) + ".." +
               std::to_string(max) + ")";
    }
    out = n * multiplier;
    return "";
}

std::string parse_log_level(std::string_view text, config::LogLevel& out) {
    static constexpr std::pair<std::string_view, config::LogLevel> kLevels[] = {
        {"debug", config::LogLevel::Debug},
        {"info", config::LogLevel::Info},
        {"warn", config::LogLevel::Warn},
        {"error", config::LogLevel::Error}};
    for (const auto& [name, level] : kLevels) {
        if (text == name) {
            out = level;
            return "";
        }
    }
    static constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
    return suggest(text, kNames);
}

std::string parse_socket_reuse(std::string_view text, config::SocketReuse& out) {
    if (text == "auto") {
        out = config::SocketReuse::Auto;
    } else if (text == "on") {
        out = config::SocketReuse::On;
    } else if (text == "off") {
        out = config::SocketReuse::Off;
    } else {
        static constexpr std::string_view kNames[] = {"auto", "on", "off"};
        return suggest(text, kNames);
    }
    return "";
}

std::string parse_io_backend(std::string_view text, config::IoBackend& out) {
    if (text == "auto") {
        out = config::IoBackend::Auto;
    } else if (text == "io_uring") {
        out = config::IoBackend::IoUring;
    } else if (text == "epoll") {
        out = config::IoBackend::Epoll;
    } else {
        static constexpr std::string_view kNames[] = {"auto", "io_uring", "epoll"};
        return suggest(text, kNames);
    }
    return "";
}

std::string parse_symlinks(std::string_view text, files::SymlinkPolicy& out) {
    if (text == "within_root") {
        out = files::SymlinkPolicy::WithinRoot;
    } else if (text == "follow") {
        out = files::SymlinkPolicy::Follow;
    } else if (text == "never") {
        out = files::SymlinkPolicy::Never;
    } else {
        static constexpr std::string_view kNames[] = {"within_root", "follow", "never"};
        return suggest(text, kNames);
    }
    return "";
}

std::string check_access_destination(std::string_view text) {
    if (text == "off" || text == "stdout" || text == "stderr") return "";
    return check_path_like(text);
}

std::string check_error_destination(std::string_view text) {
    if (text == "off") return "the error log cannot be turned off (use stderr, stdout or a path)";
    if (text == "stdout" || text == "stderr") return "";
    return check_path_like(text);
}

std::string check_index_name(std::string_view text) {
    if (text.empty()) return "an index file name cannot be empty";
    if (text.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
        return "an index file name cannot contain '/', '\\' or NUL: " + in_quotes(text);
    }
    if (text == "." || text == "..") return "an index file name cannot be " + in_quotes(text);
    return "";
}

std::string check_header_text(std::string_view text) {
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7F)
            return "control characters are not allowed in a header value";
    }
    return "";
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
    std::filesystem::path p(path);
    if (!base_dir.empty() && p.is_relative()) p = std::filesystem::path(base_dir) / p;
    p = p.lexically_normal();
    // "www/" and "www" name the same directory; keep one spelling.
    if (!p.has_filename() && p.has_relative_path()) p = p.parent_path();
    return p.string();
}

std::string_view closest_word(std::string_view word,
                              std::span<const std::string_view> choices) noexcept {
    std::string_view best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    try {
        std::vector<std::size_t> prev;
        std::vector<std::size_t> cur;
        for (const std::string_view choice : choices) {
            // Levenshtein distance, two rows.
            prev.resize(choice.size() + 1);
            cur.resize(choice.size() + 1);
            for (std::size_t j = 0; j <= choice.size(); ++j)
                prev[j] = j;
            for (std::size_t i = 1; i <= word.size(); ++i) {
                cur[0] = i;
                for (std::size_t j = 1; j <= choice.size(); ++j) {
                    const std::size_t subst = prev[j - 1] + (word[i - 1] == choice[j - 1] ? 0 : 1);
                    cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
                }
                std::swap(prev, cur);
            }
            if (prev[choice.size()] < best_distance) {
                best_distance = prev[choice.size()];
                best = choice;
            }
        }
    } catch (...) {
        return {};
    }
    // A typo changes a few letters; beyond that the suggestion would be noise.
    const std::size_t limit =
        std::max<std::size_t>(1, std::min<std::size_t>(3, (best.size() + 2) / 3));
    return best_distance <= limit ? best : std::string_view{};
}

std::string join_choices(std::span<const std::string_view> choices) {
    std::string out;
    std::size_t i = 0;
    for (const std::string_view c : choices) {
        if (i > 0) out += (i + 1 == choices.size()) ? " or " : ", ";
        out += c;
        ++i;
    }
    return out;
}

}  // namespace tpserve::app
