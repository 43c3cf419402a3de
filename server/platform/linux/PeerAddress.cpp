#include "platform/linux/PeerAddress.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <iterator>

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
    // Built by hand: snprintf (and inet_ntop's, for IPv4) showed up in the
    // accept path's profile.
    char text[INET6_ADDRSTRLEN + 16] = {};
    std::size_t at = 0;
    unsigned port = 0;
    if (address.ss_family == AF_INET) {
        // inet_ntop formats IPv4 with sprintf: the dotted quad by hand.
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        const auto* octets = reinterpret_cast<const unsigned char*>(&v4->sin_addr);
        for (std::size_t i = 0; i < 4; ++i) {
            // (The bound is never reached; it tells GCC's -O3 overflow check so.)
            if (i > 0 && at < sizeof text) text[at++] = '.';
            at = static_cast<std::size_t>(
                std::to_chars(text + at, std::end(text), unsigned{octets[i]}).ptr - text);
        }
        port = ntohs(v4->sin_port);
    } else if (address.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        text[0] = '[';
        if (::inet_ntop(AF_INET6, &v6->sin6_addr, text + 1, INET6_ADDRSTRLEN) == nullptr) return;
        at = std::strlen(text);
        text[at++] = ']';
        port = ntohs(v6->sin6_port);
    } else {
        return;
    }
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    text[at++] = ':';
    at = static_cast<std::size_t>(std::to_chars(text + at, std::end(text), port).ptr - text);
    const std::size_t n = std::min(at, size - 1);
    std::memcpy(out, text, n);
    out[n] = '\0';
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
