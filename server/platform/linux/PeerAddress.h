#pragma once
// The remote and local addresses of a connected socket as the core's
// net::SocketAddress values, shared by the Linux backends. The access log
// formats them (net/AddressText.h) only when it writes a line.
#include <sys/socket.h>

#include "net/SocketAddress.h"

namespace tpserve::platform {

// An AF_INET / AF_INET6 address (as accept4 or getpeername returned it) as a
// value; Family::None for any other family. No system call.
[[nodiscard]] net::SocketAddress socket_address(const sockaddr_storage& address) noexcept;
// The peer's address of a connected socket (getpeername); Family::None if
// the peer is already gone.
[[nodiscard]] net::SocketAddress peer_address_of(int fd) noexcept;
// The socket's own, server-side address (getsockname).
[[nodiscard]] net::SocketAddress local_address_of(int fd) noexcept;
// For a listening socket bound to one specific address, that address: every
// socket it accepts has it as its local address, so none needs a
// getsockname. Family::None for a wildcard (0.0.0.0, [::]) listener.
[[nodiscard]] net::SocketAddress fixed_local_address(int listen_fd) noexcept;

}  // namespace tpserve::platform
