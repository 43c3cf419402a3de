#include "platform/windows/PeerFormat.h"

#include <cstdio>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

void format_peer(const sockaddr* address, int length, char* out, std::size_t size) noexcept {
    if (size == 0) return;
    out[0] = '\0';
    if (address == nullptr) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET && length >= static_cast<int>(sizeof(sockaddr_in))) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        if (::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text) == nullptr) return;
        (void)std::snprintf(out, size, "%s:%u", text, unsigned{::ntohs(v4->sin_port)});
    } else if (address->sa_family == AF_INET6 && length >= static_cast<int>(sizeof(sockaddr_in6))) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        if (::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text) == nullptr) return;
        (void)std::snprintf(out, size, "[%s]:%u", text, unsigned{::ntohs(v6->sin6_port)});
    }
}

}  // namespace tpserve::platform
