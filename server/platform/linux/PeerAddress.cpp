#include "platform/linux/PeerAddress.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace tpserve::platform {

namespace {

net::SocketAddress name_of(int fd, bool local) noexcept {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    auto* const raw = reinterpret_cast<sockaddr*>(&address);
    if ((local ? ::getsockname(fd, raw, &length) : ::getpeername(fd, raw, &length)) != 0) return {};
    return socket_address(address);
}

}  // namespace

net::SocketAddress socket_address(const sockaddr_storage& address) noexcept {
    // The sockets API is used through casts between the sockaddr_* types; the
    // family says which one `address` holds.
    // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast)
    if (address.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), &v4->sin_addr, bytes.size());
        return net::SocketAddress::v4(bytes, ntohs(v4->sin_port));
    }
    if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), &v6->sin6_addr, bytes.size());
        return net::SocketAddress::v6(bytes, ntohs(v6->sin6_port));
    }
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    return {};
}

net::SocketAddress peer_address_of(int fd) noexcept {
    return name_of(fd, false);
}

net::SocketAddress local_address_of(int fd) noexcept {
    return name_of(fd, true);
}

net::SocketAddress fixed_local_address(int listen_fd) noexcept {
    const net::SocketAddress address = local_address_of(listen_fd);
    constexpr std::array<std::uint8_t, 16> kUnspecified{};
    return address.bytes == kUnspecified ? net::SocketAddress{} : address;
}

}  // namespace tpserve::platform
