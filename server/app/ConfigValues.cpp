#include "app/ConfigValues.h"

#include "app/ConfigTables.h"
#include "app/SiteParsers.h"

namespace tpserve::app {

namespace {

constexpr std::string_view kEncodings[] = {"br", "gzip", "zstd"};
constexpr std::string_view kAccessFormats[] = {"combined", "json", "w3c"};

}  // namespace

void read_boolean(const Reader& r, const Entry& e, bool& out) {
    out = r.boolean(e.first, e.second);
}

void read_duration(const Reader& r, const Entry& e, std::chrono::milliseconds& out) {
    r.check(e.first, e.second, parse_duration(r.scalar(e.first, e.second, "a duration"), out));
}

void read_access_log(const Reader& r, const Entry& e, std::string& out) {
    out = r.destination(e.first, e.second, true);
}

void read_error_log(const Reader& r, const Entry& e, std::string& out) {
    out = r.destination(e.first, e.second, false);
}

void read_access_format(const Reader& r, const Entry& e, config::AccessFormat& out) {
    const auto& [key, v] = e;
    const std::string s = r.scalar(key, v, "combined, json or w3c");
    if (s == "combined") {
        out = config::AccessFormat::Combined;
    } else if (s == "json") {
        out = config::AccessFormat::Json;
    } else if (s == "w3c") {
        out = config::AccessFormat::W3c;
    } else {
        r.fail(v, "'" + key.Scalar() + "': unknown format '" + s +
                      "'; allowed: " + join_choices(kAccessFormats));
    }
}

void read_listen(const Reader& r, const Entry& e, std::vector<config::ListenAddress>& out) {
    out.clear();
    for (const auto& [k, item] : r.scalars(e.first, e.second, "an \"ADDR:PORT\" string")) {
        config::ListenAddress a;
        r.check(k, item, parse_listen(item.Scalar(), a));
        for (const auto& earlier : out) {
            if (earlier == a) r.fail(item, "'listen': " + item.Scalar() + " is listed twice");
        }
        out.push_back(std::move(a));
    }
}

void read_admin_listen(const Reader& r, const Entry& e, std::optional<config::ListenAddress>& out) {
    const std::string text =
        r.scalar(e.first, e.second, R"(an "ADDR:PORT" string ("" for no admin listener))");
    r.check(e.first, e.second, parse_admin_listen(text, out));
}

void read_server_header(const Reader& r, const Entry& e, std::string& out) {
    out = r.scalar(e.first, e.second, "a string (\"\" for no Server header)");
    r.check(e.first, e.second, check_header_text(out));
}

void read_media_type(const Reader& r, const Entry& e, std::string& out) {
    const auto& [key, v] = e;
    std::string t = r.scalar(key, v, "a media type such as text/html");
    const std::size_t slash = t.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == t.size()) {
        r.fail(v, "'" + key.Scalar() + "': '" + t +
                      "' is not a media type (type/subtype, e.g. application/wasm)");
    }
    r.check(key, v, check_header_text(t));
    out = std::move(t);
}

void read_mime_types(const Reader& r, const Entry& e, std::vector<config::MimeOverride>& out) {
    out.clear();
    for (const Entry& type : r.entries_any(r.map_of(e.first, e.second))) {
        const YAML::Node& ext_node = type.first;
        std::string ext = ext_node.Scalar();
        if (ext.empty() || ext.front() == '.' ||
            ext.find_first_of(std::string_view("/\\ \t\0", 5)) != std::string::npos) {
            r.fail(ext_node, "'types': '" + ext +
                                 "' is not a file extension (write it without the dot, e.g. wasm)");
        }
        for (char& c : ext) {
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
        }
        for (const auto& earlier : out) {
            if (earlier.extension == ext)
                r.fail(ext_node, "'types': extension '" + ext + "' is listed twice");
        }
        config::MimeOverride mime{std::move(ext), ""};
        read_media_type(r, type, mime.type);
        out.push_back(std::move(mime));
    }
}

void read_root(const Reader& r, const Entry& e, std::string& out) {
    const std::string s = r.scalar(e.first, e.second, "a directory path");
    if (s.empty() || s.find('\0') != std::string::npos)
        r.fail(e.second, "'root' must be a non-empty path");
    out = r.resolve(s);
}

void read_index(const Reader& r, const Entry& e, std::vector<std::string>& out) {
    out.clear();
    for (const auto& [k, item] : r.scalars(e.first, e.second, "a file name")) {
        r.check(k, item, check_index_name(item.Scalar()));
        out.push_back(item.Scalar());
    }
}

void read_fallback(const Reader& r, const Entry& e, std::string& out) {
    out = r.scalar(e.first, e.second, "a URL path such as /index.html (\"\" for none)");
    if (!out.empty()) r.check(e.first, e.second, check_url_path(out));
}

void read_error_pages(const Reader& r, const Entry& e, std::vector<config::ErrorPage>& out) {
    out.clear();
    for (const auto& [status_node, path_node] : r.entries_any(r.map_of(e.first, e.second))) {
        std::uint64_t status = 0;
        if (!parse_size(status_node.Scalar(), 400, 599, status).empty() ||
            status_node.Scalar().size() != 3) {
            r.fail(status_node, "'" + e.first.Scalar() + "': '" + status_node.Scalar() +
                                    "' is not an error status (400..599)");
        }
        for (const config::ErrorPage& earlier : out) {
            if (earlier.status == status)
                r.fail(status_node,
                       "'error_pages': status " + status_node.Scalar() + " is listed twice");
        }
        const std::string path = r.scalar(status_node, path_node, "a URL path such as /404.html");
        r.check(status_node, path_node, check_url_path(path));
        out.push_back({static_cast<std::uint16_t>(status), path});
    }
}

void read_encodings(const Reader& r, const Entry& e, std::vector<std::string>& out) {
    out.clear();
    if (e.second.IsSequence() && e.second.size() == 0) return;  // [] = none
    for (const auto& [ek, item] : r.scalars(e.first, e.second, "an encoding name")) {
        std::string name = item.Scalar();
        bool known = false;
        for (const std::string_view encoding : kEncodings)
            known = known || encoding == name;
        if (!known) {
            r.fail(item, "'encodings': unknown encoding '" + name +
                             "'; allowed: " + join_choices(kEncodings));
        }
        for (const std::string& earlier : out) {
            if (earlier == name) r.fail(item, "'encodings': '" + name + "' is listed twice");
        }
        out.push_back(std::move(name));
    }
}

void read_header_rules(const Reader& r, const Entry& e, std::vector<config::HeaderRule>& out) {
    const auto& [key, v] = e;
    out.clear();
    if (v.IsNull()) return;
    if (!v.IsSequence()) {
        r.fail(v.Mark().is_null() ? key : v,
               "'headers' must be a list of rules ({match: GLOB, ...}), not " +
                   std::string(kind_of(v)));
    }
    for (const auto& item : v) {
        if (!item.IsMap())
            r.fail(item, "a 'headers' rule must be a map ({match: GLOB, ...}), not " +
                             std::string(kind_of(item)));
        config::HeaderRule rule;
        bool has_match = false;
        for (const Entry& given : read_keys(r, item, "headers", header_rule_keys(), rule))
            has_match = has_match || given.first.Scalar() == "match";
        if (!has_match) r.fail(item, "a 'headers' rule needs 'match' (a glob such as \"*\")");
        out.push_back(std::move(rule));
    }
}

void read_glob(const Reader& r, const Entry& e, std::string& out) {
    out = r.scalar(e.first, e.second, "a glob such as \"*.css\"");
    r.check(e.first, e.second, check_glob(out));
}

void read_cache_control(const Reader& r, const Entry& e, std::string& out) {
    out = r.scalar(e.first, e.second, "a Cache-Control value");
    r.check(e.first, e.second, check_header_text(out));
}

void read_max_age(const Reader& r, const Entry& e, std::int64_t& out) {
    std::chrono::seconds age{};
    r.check(e.first, e.second, parse_max_age(r.scalar(e.first, e.second, "a duration"), age));
    out = age.count();
}

void read_header_fields(const Reader& r, const Entry& e,
                        std::vector<std::pair<std::string, std::string>>& out) {
    for (const auto& [field, value] : r.entries_any(r.map_of(e.first, e.second))) {
        r.check(field, field, check_field_name(field.Scalar()));
        const std::string text = r.scalar(field, value, "a header value");
        r.check(field, value, check_header_text(text));
        out.emplace_back(field.Scalar(), text);
    }
}

void read_limits(const Reader& r, const Entry& e, config::Limits& out) {
    const YAML::Node& m = r.map_of(e.first, e.second);
    const std::vector<Entry> given = read_keys(r, m, "limits", limit_keys(), out);
    if (out.header_bytes >= out.request_line_bytes) return;
    // The head includes the request line, so a smaller header budget is a
    // contradiction. At least one of the two was set here (the defaults are
    // consistent and keys are unique), but take the map itself rather than trust that.
    const YAML::Node* at = &m;
    for (const auto& [key, v] : given) {
        if (key.Scalar() == "header_bytes") at = &v;
        if (key.Scalar() == "request_line_bytes" && at == &m) at = &v;
    }
    r.fail(*at, "'limits': header_bytes (" + std::to_string(out.header_bytes) +
                    ") must be at least request_line_bytes (" +
                    std::to_string(out.request_line_bytes) + ")");
}

}  // namespace tpserve::app
