#pragma once
// The remote and local addresses of a connected socket as the access log
// shows them, shared by the Linux backends.
#include <cstddef>

namespace tpserve::platform {

// Writes "127.0.0.1:50412" / "[::1]:50412" (NUL-terminated, truncated to
// `size`) into `out`; an empty string if the peer is already gone. No allocation.
void format_peer(int fd, char* out, std::size_t size) noexcept;
// The same for the socket's own (server-side) address.
void format_local(int fd, char* out, std::size_t size) noexcept;

}  // namespace tpserve::platform
