#pragma once
// The whole server configuration as plain, immutable data. app/ builds it
// from YAML and the command line (and owns every default's documentation in
// config/default.yaml); core only reads it.
#include <chrono>
#include <cstdint>
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
    std::uint32_t request_line_bytes = 8192;  // longer → 414
    std::uint32_t header_bytes = 16384;       // request line + all header lines; beyond → 431
    std::uint32_t header_count = 100;         // more fields → 431
    std::uint64_t body_bytes = 1 << 20;       // discarded body on GET/HEAD; beyond → 413
    std::uint32_t keepalive_requests = 1000;  // then Connection: close (nginx's default)
    std::uint32_t max_connections = 16384;    // per worker; beyond it new clients are closed
};

struct Timeouts {
    std::chrono::milliseconds header{10'000};     // to receive a whole request head
    std::chrono::milliseconds keepalive{75'000};  // idle between requests
    std::chrono::milliseconds send{60'000};       // to transmit one response
    std::chrono::milliseconds drain{10'000};      // at shutdown, for in-flight responses
};

struct MimeOverride {
    std::string extension;  // without the dot, lower case: "wasm"
    std::string type;       // "application/wasm"
};

// Which Linux completion engine runs the workers. `Auto` tries io_uring and
// falls back to epoll where it is refused (containers, hardened kernels).
enum class IoBackend : std::uint8_t { Auto, IoUring, Epoll };

struct Io {
    IoBackend backend = IoBackend::Auto;
};

// Windows: whether a closing transmit recycles its socket into the AcceptEx
// pool (TF_DISCONNECT | TF_REUSE_SOCKET). Auto = on only where the native
// provider gives TransmitPackets (not under Wine, which breaks recycled sockets).
enum class SocketReuse : std::uint8_t { Auto, On, Off };

struct Windows {
    SocketReuse socket_reuse = SocketReuse::Auto;
    std::uint32_t accepts_per_listener = 16;  // AcceptEx kept posted, per worker and listener
};

enum class LogLevel : std::uint8_t { Debug, Info, Warn, Error };

struct Logging {
    std::string access = "stdout";  // "off", "stdout", "stderr" or a file path
    std::string error = "stderr";   // "stderr", "stdout" or a file path
    LogLevel level = LogLevel::Info;
};

struct Config {
    std::string source;  // the file it came from ("" = defaults)
    std::vector<ListenAddress> listen{{"127.0.0.1", 8080}};
    unsigned workers = 0;  // 0 = one per core ("auto")
    std::string root = "www";
    std::vector<std::string> index{"index.html"};
    bool serve_hidden = false;  // dot-files and dot-directories
    files::SymlinkPolicy symlinks = files::SymlinkPolicy::WithinRoot;
    std::string server_header = "tpserve";  // "" omits the Server header
    std::vector<MimeOverride> mime_types;
    std::string default_mime_type = "application/octet-stream";
    Limits limits;
    Timeouts timeouts;
    Io io;
    Windows windows;
    Logging log;
};

}  // namespace tpserve::config
