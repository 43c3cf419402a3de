#pragma once
// The remote address of an accepted connection as the access log shows it,
// from the sockaddr GetAcceptExSockaddrs hands back. Kept apart (and free of
// any socket) so it can be unit-tested.
#include <cstddef>

struct sockaddr;

namespace tpserve::platform {

// Writes "127.0.0.1:50412" / "[::1]:50412" (NUL-terminated, truncated to
// `size`) into `out`; an empty string for a null, short or non-IP address.
// No allocation; thread-safe.
void format_peer(const sockaddr* address, int length, char* out, std::size_t size) noexcept;

}  // namespace tpserve::platform
