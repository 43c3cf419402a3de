#pragma once
// Text -> config value conversions shared by the YAML loader and the
// command line, so both accept exactly the same spellings. Each returns ""
// on success, otherwise the reason (a sentence fragment naming what is
// allowed), and leaves `out` untouched on failure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "config/Config.h"

namespace tpserve::app {

// "ADDR:PORT": ADDR is a numeric IPv4 address, "[IPv6]", "localhost"
// (127.0.0.1) or "*" (0.0.0.0); PORT is 0..65535 (0 = ephemeral).
std::string parse_listen(std::string_view text, config::ListenAddress& out);

// "" (no admin listener) or as parse_listen.
std::string parse_admin_listen(std::string_view text, std::optional<config::ListenAddress>& out);

// "" if the admin address cannot take a public listener's connections:
// refused when it equals a public address, or shares a port (not 0, which
// is ephemeral) with one and either of them is the wildcard of its family.
std::string check_admin_apart(const config::Config& config);

// "auto" (0 = one per core) or 1..256.
std::string parse_workers(std::string_view text, unsigned& out);

// "500ms", "10s", "2m", "1h" or a plain integer (seconds), within 1ms..24h.
std::string parse_duration(std::string_view text, std::chrono::milliseconds& out);

// A byte count: digits with an optional binary suffix k/K (KiB), m/M (MiB),
// g/G (GiB), within [min, max].
std::string parse_size(std::string_view text, std::uint64_t min, std::uint64_t max,
                       std::uint64_t& out);

std::string parse_log_level(std::string_view text, config::LogLevel& out);  // debug|info|warn|error
std::string parse_socket_reuse(std::string_view text, config::SocketReuse& out);  // auto|on|off
std::string parse_io_backend(std::string_view text, config::IoBackend& out);  // auto|io_uring|epoll
std::string parse_symlinks(std::string_view text,
                           files::SymlinkPolicy& out);  // within_root|follow|never

// Log destinations: access "off"|"stdout"|"stderr"|PATH, error "stderr"|"stdout"|PATH.
std::string check_access_destination(std::string_view text);
std::string check_error_destination(std::string_view text);

// A file name for `index`: non-empty, no '/', '\' or NUL, not "." or "..".
std::string check_index_name(std::string_view text);

// Text that ends up in a response header (Server, Content-Type): no control bytes.
std::string check_header_text(std::string_view text);

// `path` made relative to `base_dir` (unless absolute, or `base_dir` is
// empty), lexically normalized, without a trailing '/'. No file system access.
std::string resolve_path(const std::string& base_dir, const std::string& path);

// The choice closest to `word` (edit distance), or "" when none is close
// enough to be a plausible typo. For "did you mean ...?" hints.
std::string_view closest_word(std::string_view word,
                              std::span<const std::string_view> choices) noexcept;

// "a, b or c": lists the allowed values in messages.
std::string join_choices(std::span<const std::string_view> choices);

}  // namespace tpserve::app
