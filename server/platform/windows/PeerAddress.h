#pragma once
// The remote and local addresses of an accepted connection as the core's
// net::SocketAddress values, from the sockaddrs GetAcceptExSockaddrs hands
// back. Kept apart (and free of any socket) so it can be unit-tested.
#include "net/SocketAddress.h"

struct sockaddr;

namespace tpserve::platform {

// Family::None for a null, short or non-IP address. No allocation;
// thread-safe.
[[nodiscard]] net::SocketAddress socket_address(const sockaddr* address, int length) noexcept;

}  // namespace tpserve::platform
