#include "app/ConfigTables.h"

#include "app/ConfigKeys.h"
#include "app/ConfigSites.h"
#include "app/ConfigValues.h"
#include "http/ByteRanges.h"

namespace tpserve::app {

using config::Config;

namespace {

using Ms = std::chrono::milliseconds;

// `mime:` sets two members of Config itself.
const KeyTable<Config>& mime_keys() {
    static const KeyTable<Config> table = {
        member_key("default", &Config::default_mime_type, read_media_type),
        member_key("types", &Config::mime_types, read_mime_types),
    };
    return table;
}

}  // namespace

const KeyTable<Config>& top_level_keys() {
    static const KeyTable<Config> table = [] {
        KeyTable<Config> t = {
            member_key("listen", &Config::listen, read_listen),
            member_key("workers", &Config::workers, named(parse_workers, "'auto' or a number")),
        };
        for (const KeyRule<Config>& rule : site_setting_keys<Config>())
            t.push_back(rule);
        t.insert(t.end(),
                 {
                     context_key("sites", &Config::sites, read_sites),
                     member_key("server_header", &Config::server_header, read_server_header),
                     nested_keys("mime", mime_keys()),
                     member_key("limits", &Config::limits, read_limits),
                     member_key("timeouts", &Config::timeouts, section(timeout_keys())),
                     member_key("cache", &Config::cache, section(cache_keys())),
                     member_key("io", &Config::io, section(io_keys())),
                     member_key("windows", &Config::windows, section(windows_keys())),
                     member_key("log", &Config::log, section(log_keys())),
                     member_key("admin", &Config::admin, section(admin_keys())),
                 });
        return t;
    }();
    return table;
}

template <class S>
const KeyTable<S>& site_setting_keys() {
    static const KeyTable<S> table = {
        member_key("root", &S::root, read_root),
        member_key("index", &S::index, read_index),
        member_key("serve_hidden", &S::serve_hidden, read_boolean),
        member_key("symlinks", &S::symlinks, named(parse_symlinks, "a policy name")),
        member_key("listing", &S::listing, read_boolean),
        member_key("error_pages", &S::error_pages, read_error_pages),
        member_key("fallback", &S::fallback, read_fallback),
        member_key("precompressed", &S::precompressed, section(precompressed_keys())),
        member_key("headers", &S::headers, read_header_rules),
    };
    return table;
}
template const KeyTable<Config>& site_setting_keys<Config>();
template const KeyTable<config::SiteSettings>& site_setting_keys<config::SiteSettings>();

const KeyTable<config::Precompressed>& precompressed_keys() {
    using config::Precompressed;
    static const KeyTable<Precompressed> table = {
        member_key("enabled", &Precompressed::enabled, read_boolean),
        member_key("encodings", &Precompressed::encodings, read_encodings),
    };
    return table;
}

const KeyTable<config::HeaderRule>& header_rule_keys() {
    using config::HeaderRule;
    static const KeyTable<HeaderRule> table = {
        member_key("match", &HeaderRule::match, read_glob),
        member_key("cache_control", &HeaderRule::cache_control, read_cache_control),
        member_key("max_age", &HeaderRule::max_age, read_max_age),
        member_key("set", &HeaderRule::set, read_header_fields),
    };
    return table;
}

const KeyTable<config::Limits>& limit_keys() {
    using config::Limits;
    using U32 = std::uint32_t;
    static const KeyTable<Limits> table = {
        member_key("request_line_bytes", &Limits::request_line_bytes, number<U32>(64, 1u << 20)),
        member_key("header_bytes", &Limits::header_bytes, number<U32>(256, 1u << 20)),
        member_key("header_count", &Limits::header_count, number<U32>(1, 10'000)),
        member_key("body_bytes", &Limits::body_bytes, number<std::uint64_t>(0, 1ull << 30)),
        member_key("keepalive_requests", &Limits::keepalive_requests,
                   number<U32>(1, 1'000'000'000)),
        member_key("max_connections", &Limits::max_connections, number<U32>(16, 1'000'000)),
        member_key("max_ranges", &Limits::max_ranges, number<U32>(1, http::kMaxByteRanges)),
    };
    return table;
}

const KeyTable<config::Timeouts>& timeout_keys() {
    using config::Timeouts;
    static const KeyTable<Timeouts> table = {
        member_key("header", &Timeouts::header, read_duration),
        member_key("keepalive", &Timeouts::keepalive, read_duration),
        member_key("send", &Timeouts::send, read_duration),
        member_key("drain", &Timeouts::drain, read_duration),
    };
    return table;
}

const KeyTable<config::Cache>& cache_keys() {
    using config::Cache;
    static const KeyTable<Cache> table = {
        member_key("enabled", &Cache::enabled, read_boolean),
        member_key("validity", &Cache::validity, read_duration),
        member_key("watch", &Cache::watch, read_boolean),
        member_key("max_entries", &Cache::max_entries, number<std::uint32_t>(16, 10'000'000)),
        // 0 keeps no bytes in memory: every body goes by sendfile/TransmitFile.
        member_key("max_file_bytes", &Cache::max_file_bytes,
                   number<std::uint64_t>(0, 64ull << 20, "a size")),
        member_key("max_bytes", &Cache::max_bytes, number<std::uint64_t>(0, 1ull << 40, "a size")),
    };
    return table;
}

const KeyTable<config::Io>& io_keys() {
    static const KeyTable<config::Io> table = {
        member_key("backend", &config::Io::backend, named(parse_io_backend, "a backend name")),
    };
    return table;
}

const KeyTable<config::Windows>& windows_keys() {
    using config::Windows;
    static const KeyTable<Windows> table = {
        member_key("socket_reuse", &Windows::socket_reuse,
                   named(parse_socket_reuse, "auto, on or off")),
        member_key("accepts_per_listener", &Windows::accepts_per_listener,
                   number<std::uint32_t>(1, 1024)),
    };
    return table;
}

const KeyTable<config::Logging>& log_keys() {
    using config::Logging;
    static const KeyTable<Logging> table = {
        member_key("access", &Logging::access, read_access_log),
        member_key("format", &Logging::format, read_access_format),
        member_key("error", &Logging::error, read_error_log),
        member_key("level", &Logging::level, named(parse_log_level, "a level name")),
    };
    return table;
}

const KeyTable<config::Admin>& admin_keys() {
    static const KeyTable<config::Admin> table = {
        member_key("listen", &config::Admin::listen, read_admin_listen),
    };
    return table;
}

const KeyTable<config::Site>& site_log_keys() {
    using config::Site;
    static const KeyTable<Site> table = {
        context_key<Site, std::string>("access", &Site::access_log,
                                       [](const Reader& r, const Entry& e, Site& site) {
                                           read_access_log(r, e, site.access_log);
                                           site.access_log_set = true;
                                       }),
        member_key<Site, config::AccessFormat>("format", &Site::access_format, read_access_format),
    };
    return table;
}

namespace {

// The keys of `table`, a section of Config reached by `part`, under `prefix`.
template <class T, class Part>
void add_keys(std::vector<ConfigKey>& out, std::string_view prefix, const KeyTable<T>& table,
              Part part) {
    for (const KeyRule<T>& rule : table) {
        out.push_back({std::string(prefix) + "." + std::string(rule.key),
                       [&rule, part](const Config& a, const Config& b) {
                           return rule.same(part(a), part(b));
                       }});
    }
}

template <class T>
auto member(T Config::*m) {
    return [m](const Config& c) -> const T& { return c.*m; };
}

}  // namespace

std::vector<ConfigKey> config_keys() {
    std::vector<ConfigKey> out;
    for (const KeyRule<Config>& rule : top_level_keys()) {
        const std::string_view key = rule.key;
        if (key == "mime") {
            add_keys(out, key, mime_keys(), [](const Config& c) -> const Config& { return c; });
        } else if (key == "precompressed") {
            add_keys(out, key, precompressed_keys(), member(&Config::precompressed));
        } else if (key == "limits") {
            add_keys(out, key, limit_keys(), member(&Config::limits));
        } else if (key == "timeouts") {
            add_keys(out, key, timeout_keys(), member(&Config::timeouts));
        } else if (key == "cache") {
            add_keys(out, key, cache_keys(), member(&Config::cache));
        } else if (key == "io") {
            add_keys(out, key, io_keys(), member(&Config::io));
        } else if (key == "windows") {
            add_keys(out, key, windows_keys(), member(&Config::windows));
        } else if (key == "log") {
            add_keys(out, key, log_keys(), member(&Config::log));
        } else if (key == "admin") {
            add_keys(out, key, admin_keys(), member(&Config::admin));
        } else {
            out.push_back({std::string(key), rule.same});
        }
    }
    return out;
}

}  // namespace tpserve::app
