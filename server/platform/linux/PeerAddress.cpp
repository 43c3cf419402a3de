#include "platform/linux/PeerAddress.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>

namespace tpserve::platform {

namespace {

void format_address(int fd, bool local, char* out, std::size_t size) noexcept {
    if (size == 0) return;
    out[0] = '\0';
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    auto* const raw = reinterpret_cast<sockaddr*>(&address);
    if ((local ? ::getsockname(fd, raw, &length) : ::getpeername(fd, raw, &length)) != 0) return;
    format_sockaddr(address, out, size);
}

}  // namespace

void format_sockaddr(const sockaddr_storage& address, char* out, std::size_t size) noexcept {
    if (size == 0) return;
    out[0] = '\0';
    // The sockets API is used through casts between the sockaddr_* types; the
    // family says which one `address` holds.
    // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast)
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
        (void)std::snprintf(out, size, "%s:%u", text, unsigned{ntohs(v4->sin_port)});
    } else if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
        (void)std::snprintf(out, size, "[%s]:%u", text, unsigned{ntohs(v6->sin6_port)});
    }
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
}

void format_peer(int fd, char* out, std::size_t size) noexcept {
    format_address(fd, false, out, size);
}

void format_local(int fd, char* out, std::size_t size) noexcept {
    format_address(fd, true, out, size);
}

std::string fixed_local_address(int listen_fd) {
    // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast)
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(listen_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return {};
    if (address.ss_family == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        if (v4->sin_addr.s_addr == htonl(INADDR_ANY)) return {};
    } else if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        if (IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr)) return {};
    } else {
        return {};
    }
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    char text[80] = {};
    format_address(listen_fd, true, text, sizeof text);
    return text;
}

}  // namespace tpserve::platform
