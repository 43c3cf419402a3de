#pragma once
// The whole server configuration as plain, immutable data. app/ builds it
// from YAML and the command line (and owns every default's documentation in
// config/default.yaml); core only reads it. The initialisers below are the
// one definition of every default: the loader's key tables set these members
// and nothing else, and files::FileCache::Settings starts from Cache's.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "files/FileSystem.h"

namespace tpserve::config {

struct ListenAddress {
    std::string host;        // "127.0.0.1", "::1", "0.0.0.0", "::"
    std::uint16_t port = 0;  // 0: an ephemeral port, the same for every worker
    friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

struct Limits {
    std::uint32_t max_ranges =
        16;  // range-specs in one Range header; more → 200 with the whole file
    std::uint32_t request_line_bytes = 8192;  // longer → 414
    std::uint32_t header_bytes = 16384;       // request line + all header lines; beyond → 431
    std::uint32_t header_count = 100;         // more fields → 431
    std::uint64_t body_bytes = 1 << 20;       // discarded body on GET/HEAD; beyond → 413
    std::uint32_t keepalive_requests = 1000;  // then Connection: close (nginx's default)
    std::uint32_t max_connections = 16384;    // per worker; beyond it new clients are closed
    friend bool operator==(const Limits&, const Limits&) = default;
};

struct Timeouts {
    std::chrono::milliseconds header{10'000};     // to receive a whole request head
    std::chrono::milliseconds keepalive{75'000};  // idle between requests
    std::chrono::milliseconds send{60'000};       // to transmit one response
    std::chrono::milliseconds drain{10'000};      // at shutdown, for in-flight responses
    friend bool operator==(const Timeouts&, const Timeouts&) = default;
};

struct MimeOverride {
    std::string extension;  // without the dot, lower case: "wasm"
    std::string type;       // "application/wasm"
    friend bool operator==(const MimeOverride&, const MimeOverride&) = default;
};

// Which Linux completion engine runs the workers. `Auto` tries io_uring and
// falls back to epoll where it is refused (containers, hardened kernels).
enum class IoBackend : std::uint8_t { Auto, IoUring, Epoll };

// The open-file cache (files::FileCache) in front of every site's root.
struct Cache {
    bool enabled = true;
    std::chrono::milliseconds validity{1000};  // then the path is opened again
    // Change notices (inotify, ReadDirectoryChangesW) end an entry's
    // validity at once; `validity` stays the bound when one is missed.
    bool watch = true;
    std::uint32_t max_entries = 40'000;  // per site; hits and misses (~3 per file: .br, .gz)
    // Files up to this size are kept in memory and sent from there. Measured
    // (loopback, wrk -c64): 1 KiB from memory 10 % less CPU than sendfile,
    // 4 KiB a tie, 16 KiB 12 % fewer req/s (the copy costs more than it saves).
    std::uint64_t max_file_bytes = std::uint64_t{4} * 1024;
    std::uint64_t max_bytes = 128ull << 20;  // per site: all the bytes kept in memory
    friend bool operator==(const Cache&, const Cache&) = default;
};

struct Io {
    IoBackend backend = IoBackend::Auto;
    friend bool operator==(const Io&, const Io&) = default;
};

// Windows: whether a closing transmit recycles its socket into the AcceptEx
// pool (TF_DISCONNECT | TF_REUSE_SOCKET). Auto = on only where the native
// provider gives TransmitPackets (not under Wine, which breaks recycled sockets).
enum class SocketReuse : std::uint8_t { Auto, On, Off };

struct Windows {
    SocketReuse socket_reuse = SocketReuse::Auto;
    std::uint32_t accepts_per_listener = 16;  // AcceptEx kept posted, per worker and listener
    friend bool operator==(const Windows&, const Windows&) = default;
};

// The admin listener (/metrics, /healthz, /readyz): off unless an address
// is given. Never one of the public addresses (the loader refuses it).
struct Admin {
    std::optional<ListenAddress> listen;  // none = no admin listener
    friend bool operator==(const Admin&, const Admin&) = default;
};

enum class LogLevel : std::uint8_t { Debug, Info, Warn, Error };

enum class AccessFormat : std::uint8_t { Combined, Json, W3c };

struct Logging {
    std::string access = "stdout";  // "off", "stdout", "stderr" or a file path
    AccessFormat format = AccessFormat::Combined;
    std::string error = "stderr";  // "stderr", "stdout" or a file path
    LogLevel level = LogLevel::Info;
    friend bool operator==(const Logging&, const Logging&) = default;
};

// Response header fields set by path: every rule whose glob matches the
// request path applies, in order; a later rule wins for the same field.
// Applied to 2xx, 304 and 3xx responses (like nginx's add_header).
struct HeaderRule {
    std::string match;          // glob: "*.css", "/assets/**", "*.{js,css}"
    std::string cache_control;  // raw Cache-Control value; "" = none (or from max_age)
    std::int64_t max_age = -1;  // seconds; >= 0 sets Cache-Control max-age and Expires
    std::vector<std::pair<std::string, std::string>> set;  // extra fields, name → value
    friend bool operator==(const HeaderRule&, const HeaderRule&) = default;
};

struct ErrorPage {
    std::uint16_t status = 0;  // 400..599
    std::string path;          // URL path beneath the site's root, "/errors/404.html"
    friend bool operator==(const ErrorPage&, const ErrorPage&) = default;
};

// Pre-compressed siblings ("file.br", "file.gz") served to clients that accept them.
struct Precompressed {
    bool enabled = true;
    std::vector<std::string> encodings{"br", "gzip"};  // server preference order
    friend bool operator==(const Precompressed&, const Precompressed&) = default;
};

// The settings a site may have of its own; the top level of the config holds
// the defaults every site inherits (and the only site when `sites` is empty).
struct SiteSettings {
    std::string root = "www";
    std::vector<std::string> index{"index.html"};
    bool serve_hidden = false;  // dot-files and dot-directories
    files::SymlinkPolicy symlinks = files::SymlinkPolicy::WithinRoot;
    bool listing = false;
    std::vector<ErrorPage> error_pages;
    std::string fallback;  // single-page-app fallback URL path; "" = none
    Precompressed precompressed;
    std::vector<HeaderRule> headers{
        HeaderRule{"*", "", -1, {{"X-Content-Type-Options", "nosniff"}}}};
    std::string access_log = "stdout";  // as Logging::access
    AccessFormat access_format = AccessFormat::Combined;
    friend bool operator==(const SiteSettings&, const SiteSettings&) = default;
};

struct Site : SiteSettings {
    std::string name;                // for logs: the first host name, or "default"
    std::vector<std::string> hosts;  // lower case; exact names or "*.suffix"
    bool is_default = false;
    bool root_set = false;        // root given in the site itself (not inherited)
    bool access_log_set = false;  // likewise for log.access
    friend bool operator==(const Site&, const Site&) = default;
};

struct Config {
    std::string source;  // the file it came from ("" = defaults)
    std::vector<ListenAddress> listen{{"127.0.0.1", 8080}};
    unsigned workers = 0;  // 0 = one per core ("auto")
    std::string root = "www";
    std::vector<std::string> index{"index.html"};
    bool serve_hidden = false;  // dot-files and dot-directories
    files::SymlinkPolicy symlinks = files::SymlinkPolicy::WithinRoot;
    // The rest of the default site's settings (root..symlinks above and
    // log.access/format belong to it too); see effective_sites().
    bool listing = false;
    std::vector<ErrorPage> error_pages;
    std::string fallback;
    Precompressed precompressed;
    std::vector<HeaderRule> headers{
        HeaderRule{"*", "", -1, {{"X-Content-Type-Options", "nosniff"}}}};
    std::vector<Site> sites;  // empty: one default site made of the top-level settings
    std::string server_header = "tpserve";  // "" omits the Server header
    std::vector<MimeOverride> mime_types;
    std::string default_mime_type = "application/octet-stream";
    Limits limits;
    Timeouts timeouts;
    Cache cache;
    Io io;
    Windows windows;
    Logging log;
    Admin admin;
};

// The top-level settings as one site's settings.
inline SiteSettings top_level_site(const Config& config) {
    SiteSettings s;
    s.root = config.root;
    s.index = config.index;
    s.serve_hidden = config.serve_hidden;
    s.symlinks = config.symlinks;
    s.listing = config.listing;
    s.error_pages = config.error_pages;
    s.fallback = config.fallback;
    s.precompressed = config.precompressed;
    s.headers = config.headers;
    s.access_log = config.log.access;
    s.access_format = config.log.format;
    return s;
}

// The sites the server runs: `config.sites`, or one default site made of
// the top-level settings. Exactly one of them is the default.
inline std::vector<Site> effective_sites(const Config& config) {
    if (!config.sites.empty()) return config.sites;
    Site site;
    static_cast<SiteSettings&>(site) = top_level_site(config);
    site.name = "default";
    site.is_default = true;
    return {site};
}

}  // namespace tpserve::config
