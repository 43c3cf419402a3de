#pragma once
// The line formats an AccessLog can write. Dependency-free so config code
// can name it without pulling in the log.
#include <cstdint>
#include <optional>
#include <string_view>

namespace tpserve::log {

enum class AccessFormat : std::uint8_t {
    Combined,  // nginx/Apache "combined"
    Json,      // one JSON object per line
    W3c,       // IIS's W3C extended log file format (#Fields directives on open)
};

// "combined", "json", "w3c" (as written in the config); nullopt for anything else.
// Case-sensitive, like the other config enums.
[[nodiscard]] std::optional<AccessFormat> access_format_from_name(std::string_view name) noexcept;

[[nodiscard]] std::string_view access_format_name(AccessFormat format) noexcept;

// Whether the format has the server side's address (W3C's s-ip and s-port):
// only then is it worth a getsockname per connection on a wildcard listener.
[[nodiscard]] constexpr bool logs_local_address(AccessFormat format) noexcept {
    return format == AccessFormat::W3c;
}

}  // namespace tpserve::log
