#pragma once
// A SocketAddress as text, exactly as glibc's inet_ntop writes it (the
// access log's bytes must not depend on which side formats the address):
//   IPv4  dotted decimal, "192.0.2.1"
//   IPv6  RFC 5952 §4: lower-case hex without leading zeros; the longest run
//         of two or more zero groups as "::" (the first of equal runs);
//         an IPv4-mapped address as "::ffff:192.0.2.1" and, as inet_ntop
//         does, an IPv4-compatible one (::/96 but not "::" or "::1") as
//         "::192.0.2.1".
// No allocation, no OS call; thread-safe.
#include <cstddef>
#include <span>
#include <string_view>

#include "net/SocketAddress.h"

namespace tpserve::net {

// The longest text: eight groups of four digits and seven colons (an
// embedded IPv4 address is only written after a "::", so it is shorter).
inline constexpr std::size_t kMaxAddressText = 39;
// "[" address "]:" port.
inline constexpr std::size_t kMaxEndpointText = kMaxAddressText + 8;

// The address without its port; "" for Family::None. Returns a view of `out`.
std::string_view address_text(const SocketAddress& address,
                              std::span<char, kMaxAddressText> out) noexcept;

// "192.0.2.1:8080" or "[2001:db8::1]:8080"; "" for Family::None.
std::string_view endpoint_text(const SocketAddress& address,
                               std::span<char, kMaxEndpointText> out) noexcept;

}  // namespace tpserve::net
