#include "platform/windows/PeerAddress.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

net::SocketAddress socket_address(const sockaddr* address, int length) noexcept {
    if (address == nullptr) return {};
    if (address->sa_family == AF_INET && length >= static_cast<int>(sizeof(sockaddr_in))) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &v4->sin_addr, bytes.size());
        return net::SocketAddress::v4(bytes, ::ntohs(v4->sin_port));
    }
    if (address->sa_family == AF_INET6 && length >= static_cast<int>(sizeof(sockaddr_in6))) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &v6->sin6_addr, bytes.size());
        return net::SocketAddress::v6(bytes, ::ntohs(v6->sin6_port));
    }
    return {};
}

}  // namespace tpserve::platform
