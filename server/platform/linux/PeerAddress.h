#pragma once
// The remote and local addresses of a connected socket as the access log
// shows them, shared by the Linux backends.
#include <sys/socket.h>

#include <cstddef>
#include <string>

namespace tpserve::platform {

// Writes "127.0.0.1:50412" / "[::1]:50412" (NUL-terminated, truncated to
// `size`) into `out`; an empty string if the peer is already gone. No allocation.
void format_peer(int fd, char* out, std::size_t size) noexcept;
// The same from an address accept4 already returned: no system call.
void format_sockaddr(const sockaddr_storage& address, char* out, std::size_t size) noexcept;
// The same for the socket's own (server-side) address.
void format_local(int fd, char* out, std::size_t size) noexcept;
// For a listening socket bound to one specific address, that "addr:port":
// every socket it accepts has it as its local address, so the per-accept
// getsockname can be skipped. "" for a wildcard (0.0.0.0, [::]) listener.
// Start-up only (allocates).
std::string fixed_local_address(int listen_fd);

}  // namespace tpserve::platform
