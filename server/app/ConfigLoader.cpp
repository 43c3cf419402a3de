#include "app/ConfigLoader.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <span>
#include <utility>
#include <vector>

#include "app/SiteParsers.h"
#include "app/ValueParsers.h"
#include "http/ByteRanges.h"

namespace tpserve::app {

namespace {

namespace fs = std::filesystem;
using Keys = std::span<const std::string_view>;

constexpr std::string_view kTopKeys[] = {
    "listen",        "workers",     "root",     "index",         "serve_hidden", "symlinks",
    "listing",       "error_pages", "fallback", "precompressed", "headers",      "sites",
    "server_header", "mime",        "limits",   "timeouts",      "cache",        "io",
    "windows",       "log"};
constexpr std::string_view kCacheKeys[] = {"enabled",     "validity",       "watch",
                                           "max_entries", "max_file_bytes", "max_bytes"};
// The keys a site may set for itself (the top-level ones are their defaults).
constexpr std::string_view kSiteKeys[] = {"hosts",        "default",       "root",    "index",
                                          "serve_hidden", "symlinks",      "listing", "error_pages",
                                          "fallback",     "precompressed", "headers", "log"};
constexpr std::string_view kSiteLogKeys[] = {"access", "format"};
constexpr std::string_view kPrecompressedKeys[] = {"enabled", "encodings"};
constexpr std::string_view kEncodings[] = {"br", "gzip", "zstd"};
constexpr std::string_view kHeaderRuleKeys[] = {"match", "cache_control", "max_age", "set"};
constexpr std::string_view kAccessFormats[] = {"combined", "json", "w3c"};
constexpr std::string_view kWindowsKeys[] = {"socket_reuse", "accepts_per_listener"};
constexpr std::string_view kIoKeys[] = {"backend"};
constexpr std::string_view kMimeKeys[] = {"default", "types"};
constexpr std::string_view kLimitKeys[] = {
    "request_line_bytes", "header_bytes",    "header_count", "body_bytes",
    "keepalive_requests", "max_connections", "max_ranges"};
constexpr std::string_view kTimeoutKeys[] = {"header", "keepalive", "send", "drain"};
constexpr std::string_view kLogKeys[] = {"access", "format", "error", "level"};

const char* kind_of(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "a scalar";
        default:
            return "nothing";
    }
}

class Loader {
public:
    // `source` must outlive the Loader (it is kept by reference).
    Loader(const std::string& source, std::string base_dir)
        : source_(source), base_dir_(std::move(base_dir)) {}

    config::Config load(const YAML::Node& root) {
        cfg_.source = source_;
        if (root.IsNull()) return cfg_;  // empty file (or only comments): all defaults
        if (!root.IsMap())
            fail(root,
                 std::string("the top level must be a map of settings, not ") + kind_of(root));
        YAML::Node sites_key;
        YAML::Node sites;
        for (const auto& [key, value] : entries(root, "", kTopKeys)) {
            if (key.Scalar() == "sites") {
                sites_key = key;  // after every other key: sites inherit them
                sites = value;
            } else if (!site_setting(key, value, top_)) {
                top_level(key, value);
            }
        }
        store_top_level();
        if (sites_key) site_list(sites_key, sites);
        return std::move(cfg_);
    }

private:
    using Entry = std::pair<YAML::Node, YAML::Node>;  // key node, value node

    [[noreturn]] void fail(const YAML::Node& at, const std::string& why) const {
        const YAML::Mark m = at.Mark();
        if (m.is_null()) throw ConfigError(source_, 0, 0, why);
        throw ConfigError(source_, m.line + 1, m.column + 1, why);
    }

    // The entries of a map, after refusing non-scalar, unknown and duplicate keys.
    std::vector<Entry> entries(const YAML::Node& map, std::string_view section, Keys allowed) {
        const std::string where = section.empty() ? "" : " in '" + std::string(section) + "'";
        std::vector<Entry> out;
        std::set<std::string> seen;
        for (auto it = map.begin(); it != map.end(); ++it) {
            const YAML::Node key = it->first;
            if (!key.IsScalar())
                fail(key, "a key must be a plain name, not " + std::string(kind_of(key)));
            const std::string& name = key.Scalar();
            bool known = false;
            for (const std::string_view k : allowed)
                known = known || k == name;
            if (!known) {
                std::string why = "unknown key '" + name + "'";
                why += where;
                const std::string_view near = closest_word(name, allowed);
                if (!near.empty()) why += " (did you mean '" + std::string(near) + "'?)";
                fail(key, why + "; allowed keys: " + join_choices(allowed));
            }
            if (!seen.insert(name).second) {
                std::string why = "duplicate key '" + name + "'";
                why += where;
                fail(key, why);
            }
            out.emplace_back(key, it->second);
        }
        return out;
    }

    const YAML::Node& map_of(const YAML::Node& key, const YAML::Node& v) {
        if (v.IsNull()) return v;  // "limits:" with nothing under it: keep the defaults
        if (!v.IsMap())
            fail(v.Mark().is_null() ? key : v,
                 "'" + key.Scalar() + "' must be a map, not " + kind_of(v));
        return v;
    }

    std::string scalar(const YAML::Node& key, const YAML::Node& v, std::string_view what) {
        if (!v.IsScalar()) {
            fail(v.Mark().is_null() ? key : v,
                 "'" + key.Scalar() + "' expects " + std::string(what) + ", not " + kind_of(v));
        }
        return v.Scalar();
    }

    // Runs a ValueParsers check; a non-empty reason becomes an error at `v`.
    void check(const YAML::Node& key, const YAML::Node& v, const std::string& why) {
        if (!why.empty()) fail(v, "'" + key.Scalar() + "': " + why);
    }

    [[nodiscard]] std::string resolve(const std::string& path) const {
        return resolve_path(base_dir_, path);
    }

    std::string path_value(const YAML::Node& key, const YAML::Node& v, bool access) {
        std::string s = scalar(key, v, "a destination");
        check(key, v, access ? check_access_destination(s) : check_error_destination(s));
        if (s == "off" || s == "stdout" || s == "stderr") return s;
        return resolve(s);
    }

    // A scalar or a list of scalars, as a list.
    std::vector<Entry> scalars(const YAML::Node& key, const YAML::Node& v, std::string_view what) {
        std::vector<Entry> out;
        if (v.IsSequence()) {
            for (const auto& item : v) {
                scalar(key, item, what);
                out.emplace_back(key, item);
            }
            if (out.empty()) fail(v, "'" + key.Scalar() + "' must not be an empty list");
        } else {
            scalar(key, v, std::string(what) + " or a list of them");
            out.emplace_back(key, v);
        }
        return out;
    }

    // A key a site may set (at the top level or in `sites`); false if `key`
    // is not one of them.
    bool site_setting(const YAML::Node& key, const YAML::Node& v, config::SiteSettings& site) {
        const std::string& name = key.Scalar();
        if (name == "root") {
            const std::string s = scalar(key, v, "a directory path");
            if (s.empty() || s.find('\0') != std::string::npos)
                fail(v, "'root' must be a non-empty path");
            site.root = resolve(s);
        } else if (name == "index") {
            site.index.clear();
            for (const auto& [k, item] : scalars(key, v, "a file name")) {
                check(k, item, check_index_name(item.Scalar()));
                site.index.push_back(item.Scalar());
            }
        } else if (name == "serve_hidden") {
            site.serve_hidden = boolean(key, v);
        } else if (name == "symlinks") {
            check(key, v, parse_symlinks(scalar(key, v, "a policy name"), site.symlinks));
        } else if (name == "listing") {
            site.listing = boolean(key, v);
        } else if (name == "fallback") {
            site.fallback = scalar(key, v, "a URL path such as /index.html (\"\" for none)");
            if (!site.fallback.empty()) check(key, v, check_url_path(site.fallback));
        } else if (name == "error_pages") {
            error_pages(key, map_of(key, v), site);
        } else if (name == "precompressed") {
            precompressed(key, map_of(key, v), site.precompressed);
        } else if (name == "headers") {
            header_rules(key, v, site);
        } else {
            return false;
        }
        return true;
    }

    void error_pages(const YAML::Node& key, const YAML::Node& m, config::SiteSettings& site) {
        site.error_pages.clear();
        for (const auto& [status_node, path_node] : entries_any(m)) {
            std::uint64_t status = 0;
            if (!parse_size(status_node.Scalar(), 400, 599, status).empty() ||
                status_node.Scalar().size() != 3) {
                fail(status_node, "'" + key.Scalar() + "': '" + status_node.Scalar() +
                                      "' is not an error status (400..599)");
            }
            for (const config::ErrorPage& earlier : site.error_pages) {
                if (earlier.status == status)
                    fail(status_node,
                         "'error_pages': status " + status_node.Scalar() + " is listed twice");
            }
            const std::string path = scalar(status_node, path_node, "a URL path such as /404.html");
            check(status_node, path_node, check_url_path(path));
            site.error_pages.push_back({static_cast<std::uint16_t>(status), path});
        }
    }

    void precompressed(const YAML::Node& key, const YAML::Node& m, config::Precompressed& out) {
        (void)key;
        for (const auto& [k, v] : entries(m, "precompressed", kPrecompressedKeys)) {
            if (k.Scalar() == "enabled") {
                out.enabled = boolean(k, v);
                continue;
            }
            out.encodings.clear();
            if (v.IsSequence() && v.size() == 0) continue;  // [] = none
            for (const auto& [ek, item] : scalars(k, v, "an encoding name")) {
                std::string name = item.Scalar();
                bool known = false;
                for (const std::string_view e : kEncodings)
                    known = known || e == name;
                if (!known) {
                    fail(item, "'encodings': unknown encoding '" + name +
                                   "'; allowed: " + join_choices(kEncodings));
                }
                for (const std::string& earlier : out.encodings) {
                    if (earlier == name) fail(item, "'encodings': '" + name + "' is listed twice");
                }
                out.encodings.push_back(std::move(name));
            }
        }
    }

    void header_rules(const YAML::Node& key, const YAML::Node& v, config::SiteSettings& site) {
        site.headers.clear();
        if (v.IsNull()) return;
        if (!v.IsSequence()) {
            fail(v.Mark().is_null() ? key : v,
                 "'headers' must be a list of rules ({match: GLOB, ...}), not " +
                     std::string(kind_of(v)));
        }
        for (const auto& item : v) {
            if (!item.IsMap())
                fail(item, "a 'headers' rule must be a map ({match: GLOB, ...}), not " +
                               std::string(kind_of(item)));
            config::HeaderRule rule;
            bool has_match = false;
            for (const auto& [k, d] : entries(item, "headers", kHeaderRuleKeys)) {
                const std::string& name = k.Scalar();
                if (name == "match") {
                    rule.match = scalar(k, d, "a glob such as \"*.css\"");
                    check(k, d, check_glob(rule.match));
                    has_match = true;
                } else if (name == "cache_control") {
                    rule.cache_control = scalar(k, d, "a Cache-Control value");
                    check(k, d, check_header_text(rule.cache_control));
                } else if (name == "max_age") {
                    std::chrono::seconds age{};
                    check(k, d, parse_max_age(scalar(k, d, "a duration"), age));
                    rule.max_age = age.count();
                } else {
                    for (const auto& [field, value] : entries_any(map_of(k, d))) {
                        check(field, field, check_field_name(field.Scalar()));
                        const std::string text = scalar(field, value, "a header value");
                        check(field, value, check_header_text(text));
                        rule.set.emplace_back(field.Scalar(), text);
                    }
                }
            }
            if (!has_match) fail(item, "a 'headers' rule needs 'match' (a glob such as \"*\")");
            site.headers.push_back(std::move(rule));
        }
    }

    void access_format(const YAML::Node& key, const YAML::Node& v, config::AccessFormat& out) {
        const std::string s = scalar(key, v, "combined, json or w3c");
        if (s == "combined") {
            out = config::AccessFormat::Combined;
        } else if (s == "json") {
            out = config::AccessFormat::Json;
        } else if (s == "w3c") {
            out = config::AccessFormat::W3c;
        } else {
            fail(v, "'" + key.Scalar() + "': unknown format '" + s +
                        "'; allowed: " + join_choices(kAccessFormats));
        }
    }

    void store_top_level() {
        cfg_.root = top_.root;
        cfg_.index = top_.index;
        cfg_.serve_hidden = top_.serve_hidden;
        cfg_.symlinks = top_.symlinks;
        cfg_.listing = top_.listing;
        cfg_.error_pages = top_.error_pages;
        cfg_.fallback = top_.fallback;
        cfg_.precompressed = top_.precompressed;
        cfg_.headers = top_.headers;
    }

    void site_hosts(const YAML::Node& key, const YAML::Node& v, config::Site& site) {
        for (const auto& [hk, h] : scalars(key, v, "a host name")) {
            std::string host = h.Scalar();
            check(hk, h, normalize_site_host(host));
            for (const config::Site& other : cfg_.sites) {
                for (const std::string& taken : other.hosts) {
                    if (taken == host)
                        fail(h, "'hosts': '" + host + "' belongs to an earlier site");
                }
            }
            for (const std::string& taken : site.hosts) {
                if (taken == host) fail(h, "'hosts': '" + host + "' is listed twice");
            }
            site.hosts.push_back(std::move(host));
        }
    }

    void site_log(const YAML::Node& key, const YAML::Node& v, config::Site& site) {
        for (const auto& [k, d] : entries(map_of(key, v), "log", kSiteLogKeys)) {
            if (k.Scalar() == "access") {
                site.access_log = path_value(k, d, true);
                site.access_log_set = true;
            } else {
                access_format(k, d, site.access_format);
            }
        }
    }

    void site_list(const YAML::Node& key, const YAML::Node& v) {
        if (v.IsNull()) return;
        if (!v.IsSequence()) {
            fail(v.Mark().is_null() ? key : v,
                 "'sites' must be a list of sites, not " + std::string(kind_of(v)));
        }
        const YAML::Node* default_at = nullptr;
        std::vector<YAML::Node> site_nodes;
        for (const auto& item : v)
            site_nodes.push_back(item);
        for (const YAML::Node& item : site_nodes) {
            if (!item.IsMap())
                fail(item,
                     "a site must be a map (hosts, root, ...), not " + std::string(kind_of(item)));
            config::Site site;
            static_cast<config::SiteSettings&>(site) = config::top_level_site(cfg_);
            bool has_hosts = false;
            for (const auto& [k, d] : entries(item, "sites", kSiteKeys)) {
                const std::string& name = k.Scalar();
                if (name == "hosts") {
                    site_hosts(k, d, site);
                    has_hosts = true;
                } else if (name == "default") {
                    site.is_default = boolean(k, d);
                    if (site.is_default) {
                        if (default_at != nullptr)
                            fail(d, "only one site can be the default (another one is, line " +
                                        std::to_string(default_at->Mark().line + 1) + ")");
                        default_at = &item;
                    }
                } else if (name == "log") {
                    site_log(k, d, site);
                } else {
                    if (name == "root") site.root_set = true;
                    site_setting(k, d, site);
                }
            }
            if (!has_hosts && !site.is_default)
                fail(item, "a site needs 'hosts' (or 'default: true')");
            site.name = site.hosts.empty() ? "default" : site.hosts.front();
            cfg_.sites.push_back(std::move(site));
        }
        if (!cfg_.sites.empty() && default_at == nullptr) cfg_.sites.front().is_default = true;
        // One destination is written by one log in one format.
        for (std::size_t i = 0; i < cfg_.sites.size(); ++i) {
            const config::Site& site = cfg_.sites[i];
            for (std::size_t j = 0; j < i; ++j) {
                const config::Site& earlier = cfg_.sites[j];
                if (site.access_log == "off" || earlier.access_log != site.access_log ||
                    earlier.access_format == site.access_format) {
                    continue;
                }
                fail(site_nodes[i],
                     "site " + site.name + " logs to " + site.access_log +
                         " in another format than site " + earlier.name +
                         " (one destination, one format: give it its own log.access)");
            }
        }
    }

    void top_level(const YAML::Node& key, const YAML::Node& v) {
        const std::string& name = key.Scalar();
        if (name == "listen") {
            cfg_.listen.clear();
            for (const auto& [k, item] : scalars(key, v, "an \"ADDR:PORT\" string")) {
                config::ListenAddress a;
                check(k, item, parse_listen(item.Scalar(), a));
                for (const auto& earlier : cfg_.listen) {
                    if (earlier == a) fail(item, "'listen': " + item.Scalar() + " is listed twice");
                }
                cfg_.listen.push_back(std::move(a));
            }
        } else if (name == "workers") {
            check(key, v, parse_workers(scalar(key, v, "'auto' or a number"), cfg_.workers));
        } else if (name == "server_header") {
            cfg_.server_header = scalar(key, v, "a string (\"\" for no Server header)");
            check(key, v, check_header_text(cfg_.server_header));
        } else if (name == "mime") {
            mime(map_of(key, v));
        } else if (name == "limits") {
            limits(map_of(key, v));
        } else if (name == "timeouts") {
            for (const auto& [k, d] : entries(map_of(key, v), "timeouts", kTimeoutKeys))
                timeout(k, d);
        } else if (name == "cache") {
            for (const auto& [k, d] : entries(map_of(key, v), "cache", kCacheKeys))
                cache_entry(k, d);
        } else if (name == "io") {
            for (const auto& [k, d] : entries(map_of(key, v), "io", kIoKeys)) {
                check(k, d, parse_io_backend(scalar(k, d, "a backend name"), cfg_.io.backend));
            }
        } else if (name == "windows") {
            for (const auto& [k, d] : entries(map_of(key, v), "windows", kWindowsKeys)) {
                if (k.Scalar() == "socket_reuse") {
                    check(k, d,
                          parse_socket_reuse(scalar(k, d, "auto, on or off"),
                                             cfg_.windows.socket_reuse));
                } else {
                    std::uint64_t n = 0;
                    check(k, d, parse_size(scalar(k, d, "a number"), 1, 1024, n));
                    cfg_.windows.accepts_per_listener = static_cast<std::uint32_t>(n);
                }
            }
        } else if (name == "log") {
            for (const auto& [k, d] : entries(map_of(key, v), "log", kLogKeys))
                log_entry(k, d);
        }
    }

    bool boolean(const YAML::Node& key, const YAML::Node& v) {
        scalar(key, v, "true or false");
        bool b = false;
        if (!YAML::convert<bool>::decode(v, b))
            fail(v, "'" + key.Scalar() + "' expects true or false, got '" + v.Scalar() + "'");
        return b;
    }

    void mime(const YAML::Node& m) {
        for (const auto& [key, v] : entries(m, "mime", kMimeKeys)) {
            if (key.Scalar() == "default") {
                cfg_.default_mime_type = media_type(key, v);
                continue;
            }
            cfg_.mime_types.clear();
            for (const auto& [ext_node, type_node] : entries_any(map_of(key, v))) {
                std::string ext = ext_node.Scalar();
                if (ext.empty() || ext.front() == '.' ||
                    ext.find_first_of(std::string_view("/\\ \t\0", 5)) != std::string::npos) {
                    fail(ext_node,
                         "'types': '" + ext +
                             "' is not a file extension (write it without the dot, e.g. wasm)");
                }
                for (char& c : ext) {
                    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
                }
                for (const auto& earlier : cfg_.mime_types) {
                    if (earlier.extension == ext)
                        fail(ext_node, "'types': extension '" + ext + "' is listed twice");
                }
                cfg_.mime_types.push_back({std::move(ext), media_type(ext_node, type_node)});
            }
        }
    }

    // The entries of a map whose keys are free-form (mime types): only
    // scalar keys, no duplicates (checked by the caller, after lower-casing).
    std::vector<Entry> entries_any(const YAML::Node& map) {
        std::vector<Entry> out;
        if (map.IsNull()) return out;
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (!it->first.IsScalar())
                fail(it->first,
                     "a key must be a plain name, not " + std::string(kind_of(it->first)));
            out.emplace_back(it->first, it->second);
        }
        return out;
    }

    std::string media_type(const YAML::Node& key, const YAML::Node& v) {
        std::string t = scalar(key, v, "a media type such as text/html");
        const std::size_t slash = t.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == t.size()) {
            fail(v, "'" + key.Scalar() + "': '" + t +
                        "' is not a media type (type/subtype, e.g. application/wasm)");
        }
        check(key, v, check_header_text(t));
        return t;
    }

    void limits(const YAML::Node& m) {
        const YAML::Node* request_line = nullptr;  // for the cross-check's location
        const YAML::Node* header_bytes = nullptr;
        config::Limits& l = cfg_.limits;
        const std::vector<Entry> list = entries(m, "limits", kLimitKeys);  // outlives the pointers
        for (const auto& [key, v] : list) {
            const std::string& name = key.Scalar();
            const std::string s = scalar(key, v, "a number");
            std::uint64_t n = 0;
            if (name == "request_line_bytes") {
                check(key, v, parse_size(s, 64, 1u << 20, n));
                l.request_line_bytes = static_cast<std::uint32_t>(n);
                request_line = &v;
            } else if (name == "header_bytes") {
                check(key, v, parse_size(s, 256, 1u << 20, n));
                l.header_bytes = static_cast<std::uint32_t>(n);
                header_bytes = &v;
            } else if (name == "header_count") {
                check(key, v, parse_size(s, 1, 10'000, n));
                l.header_count = static_cast<std::uint32_t>(n);
            } else if (name == "body_bytes") {
                check(key, v, parse_size(s, 0, 1ull << 30, n));
                l.body_bytes = n;
            } else if (name == "max_connections") {
                check(key, v, parse_size(s, 16, 1'000'000, n));
                l.max_connections = static_cast<std::uint32_t>(n);
            } else if (name == "max_ranges") {
                check(key, v, parse_size(s, 1, http::kMaxByteRanges, n));
                l.max_ranges = static_cast<std::uint32_t>(n);
            } else if (name == "keepalive_requests") {
                check(key, v, parse_size(s, 1, 1'000'000'000, n));
                l.keepalive_requests = static_cast<std::uint32_t>(n);
            }
        }
        if (l.header_bytes < l.request_line_bytes) {
            // The head includes the request line, so a smaller header budget is a contradiction.
            // At least one of the two was set here (the defaults are consistent
            // and keys are unique), but take the map itself rather than trust that.
            const YAML::Node* at = header_bytes != nullptr ? header_bytes : request_line;
            fail(at != nullptr ? *at : m, "'limits': header_bytes (" +
                                              std::to_string(l.header_bytes) +
                                              ") must be at least request_line_bytes (" +
                                              std::to_string(l.request_line_bytes) + ")");
        }
    }

    void cache_entry(const YAML::Node& key, const YAML::Node& v) {
        const std::string& name = key.Scalar();
        if (name == "enabled") {
            cfg_.cache.enabled = boolean(key, v);
        } else if (name == "validity") {
            check(key, v, parse_duration(scalar(key, v, "a duration"), cfg_.cache.validity));
        } else if (name == "watch") {
            cfg_.cache.watch = boolean(key, v);
        } else if (name == "max_file_bytes") {
            // 0 keeps no bytes in memory: every body goes by sendfile/TransmitFile.
            check(key, v,
                  parse_size(scalar(key, v, "a size"), 0, 64ull << 20, cfg_.cache.max_file_bytes));
        } else if (name == "max_bytes") {
            check(key, v,
                  parse_size(scalar(key, v, "a size"), 0, 1ull << 40, cfg_.cache.max_bytes));
        } else {
            std::uint64_t n = 0;
            check(key, v, parse_size(scalar(key, v, "a number"), 16, 10'000'000, n));
            cfg_.cache.max_entries = static_cast<std::uint32_t>(n);
        }
    }

    void timeout(const YAML::Node& key, const YAML::Node& v) {
        std::chrono::milliseconds d{};
        check(key, v, parse_duration(scalar(key, v, "a duration"), d));
        config::Timeouts& t = cfg_.timeouts;
        const std::string& name = key.Scalar();
        (name == "header"      ? t.header
         : name == "keepalive" ? t.keepalive
         : name == "send"      ? t.send
                               : t.drain) = d;
    }

    void log_entry(const YAML::Node& key, const YAML::Node& v) {
        const std::string& name = key.Scalar();
        if (name == "access") {
            cfg_.log.access = path_value(key, v, true);
        } else if (name == "format") {
            access_format(key, v, cfg_.log.format);
        } else if (name == "error") {
            cfg_.log.error = path_value(key, v, false);
        } else {
            check(key, v, parse_log_level(scalar(key, v, "a level name"), cfg_.log.level));
        }
    }

    const std::string& source_;
    std::string base_dir_;
    config::Config cfg_;
    config::SiteSettings top_;  // the top-level site settings, stored into cfg_ at the end
};

}  // namespace

config::Config load_config_text(std::string_view yaml, const std::string& source_name,
                                const std::string& base_dir) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
        throw ConfigError(source_name, e.mark.line + 1, e.mark.column + 1,
                          "YAML syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
        throw ConfigError(source_name, 0, 0, std::string("YAML error: ") + e.what());
    }
    return Loader(source_name, base_dir).load(root);
}

config::Config load_config_file(const std::string& path) {
    struct Closer {
        void operator()(std::FILE* f) const noexcept { (void)std::fclose(f); }
    };
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw ConfigError(path, 0, 0, "cannot read: it is a directory");
    const std::unique_ptr<std::FILE, Closer> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw ConfigError(path, 0, 0, std::string("cannot read: ") + std::strerror(errno));
    std::string text;
    char buf[8192];
    for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, file.get())) > 0;)
        text.append(buf, n);
    if (std::ferror(file.get()) != 0) throw ConfigError(path, 0, 0, "read error");
    const fs::path base = fs::absolute(path, ec).parent_path();
    return load_config_text(text, path, base.string());
}

}  // namespace tpserve::app
