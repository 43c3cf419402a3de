#pragma once
// RFC 9112 §3.2: a request whose Host is not a valid `uri-host [":" port]`
// gets a 400 (RFC 3986 §3.2.2: IP-literal / IPv4address / reg-name).
#include <string_view>

namespace tpserve::http {

// True for "example.com", "example.com:8080", "127.0.0.1", "[::1]:80" and the
// empty value (allowed when the target has no authority); false for spaces,
// '/', '@', a bad port, unbalanced brackets, ...
[[nodiscard]] bool is_valid_host(std::string_view value) noexcept;

}  // namespace tpserve::http
