#pragma once
// The parsers the key tables (ConfigTables.cpp) use: YAML value -> config
// value, each with its own messages. The text checks behind them are in
// ValueParsers.h and SiteParsers.h, shared with the command line.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/ConfigRules.h"
#include "app/ValueParsers.h"
#include "config/Config.h"

namespace tpserve::app {

// A scalar checked by a ValueParsers function (parse_io_backend...), which
// stores it; `what` is what the key expects ("a backend name").
template <class T>
Parse<T> named(std::string (*parse)(std::string_view, T&), std::string_view what) {
    return [parse, what](const Reader& r, const Entry& e, T& out) {
        r.check(e.first, e.second, parse(r.scalar(e.first, e.second, what), out));
    };
}

// A byte count or count within [min, max]; `what` is "a number" or "a size".
template <class T>
Parse<T> number(std::uint64_t min, std::uint64_t max, std::string_view what = "a number") {
    return [min, max, what](const Reader& r, const Entry& e, T& out) {
        std::uint64_t n = 0;
        r.check(e.first, e.second, parse_size(r.scalar(e.first, e.second, what), min, max, n));
        out = static_cast<T>(n);
    };
}

void read_boolean(const Reader& r, const Entry& e, bool& out);
void read_duration(const Reader& r, const Entry& e, std::chrono::milliseconds& out);
void read_access_log(const Reader& r, const Entry& e, std::string& out);  // off|stdout|stderr|PATH
void read_error_log(const Reader& r, const Entry& e, std::string& out);   // stdout|stderr|PATH
void read_access_format(const Reader& r, const Entry& e, config::AccessFormat& out);

void read_listen(const Reader& r, const Entry& e, std::vector<config::ListenAddress>& out);
void read_admin_listen(const Reader& r, const Entry& e, std::optional<config::ListenAddress>& out);
void read_server_header(const Reader& r, const Entry& e, std::string& out);
void read_media_type(const Reader& r, const Entry& e, std::string& out);
void read_mime_types(const Reader& r, const Entry& e, std::vector<config::MimeOverride>& out);

// The settings a site may have (at the top level too).
void read_root(const Reader& r, const Entry& e, std::string& out);
void read_index(const Reader& r, const Entry& e, std::vector<std::string>& out);
void read_fallback(const Reader& r, const Entry& e, std::string& out);
void read_error_pages(const Reader& r, const Entry& e, std::vector<config::ErrorPage>& out);
void read_encodings(const Reader& r, const Entry& e, std::vector<std::string>& out);
void read_header_rules(const Reader& r, const Entry& e, std::vector<config::HeaderRule>& out);

// A header rule's keys.
void read_glob(const Reader& r, const Entry& e, std::string& out);
void read_cache_control(const Reader& r, const Entry& e, std::string& out);
void read_max_age(const Reader& r, const Entry& e, std::int64_t& out);
void read_header_fields(const Reader& r, const Entry& e,
                        std::vector<std::pair<std::string, std::string>>& out);

// `limits`: its table, then header_bytes >= request_line_bytes.
void read_limits(const Reader& r, const Entry& e, config::Limits& out);

}  // namespace tpserve::app
