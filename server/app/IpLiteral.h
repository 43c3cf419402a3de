#pragma once
// Syntactic checks of numeric IP addresses, without asking the OS (no
// inet_pton): the config is validated before any socket code runs, and the
// same rules must hold on every platform.
#include <string_view>

namespace tpserve::app {

// Dotted quad, each part 0..255 in decimal without leading zeros ("010" is
// refused: inet_aton would read it as octal).
[[nodiscard]] bool is_ipv4_literal(std::string_view text) noexcept;

// RFC 4291 text forms: up to eight groups of 1-4 hex digits, at most one
// "::", optionally ending in a dotted quad. No zone ("%eth0"), no brackets.
[[nodiscard]] bool is_ipv6_literal(std::string_view text) noexcept;

}  // namespace tpserve::app
