#include "platform/linux/Listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace tpserve::platform {

namespace {

// sockaddr_storage holds whichever sockaddr_* its family says; the sockets API
// is used through casts between them, and these two are the only ones here.
template <class T>
T* as(sockaddr_storage& storage) noexcept {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    return reinterpret_cast<T*>(&storage);
}
template <class T>
const T* as(const sockaddr_storage& storage) noexcept {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    return reinterpret_cast<const T*>(&storage);
}

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    [[nodiscard]] int family() const { return storage.ss_family; }
};

bool parse_address(const config::ListenAddress& address, SocketAddress& out) {
    out = {};
    auto* v4 = as<sockaddr_in>(out.storage);
    if (::inet_pton(AF_INET, address.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(address.port);
        out.length = sizeof(sockaddr_in);
        return true;
    }
    // Accept the bracketed form too ("[::1]"), as URLs write it.
    std::string host = address.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    auto* v6 = as<sockaddr_in6>(out.storage);
    if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(address.port);
        out.length = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

std::string describe(const config::ListenAddress& address) {
    const bool v6 = address.host.find(':') != std::string::npos && address.host.front() != '[';
    return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::string errno_text(const char* what, int err) {
    return std::string(what) + ": " + std::strerror(err);
}

// Returns the socket or -1 with `error` set.
int open_listener(const SocketAddress& address, std::string& error) {
    const int fd = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = errno_text("socket", errno);
        return -1;
    }
    UniqueFd guard(fd);
    const int one = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
        error = errno_text("setsockopt(SO_REUSEPORT)", errno);
        return -1;
    }
    // Without V6ONLY, "::" would also take the IPv4 port and collide with an
    // explicit 0.0.0.0 entry on the same port.
    if (address.family() == AF_INET6 &&
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) {
        error = errno_text("setsockopt(IPV6_V6ONLY)", errno);
        return -1;
    }
    if (::bind(fd, as<sockaddr>(address.storage), address.length) != 0) {
        error = errno_text("bind", errno);
        return -1;
    }
    if (::listen(fd, SOMAXCONN) != 0) {
        error = errno_text("listen", errno);
        return -1;
    }
    // nginx's "deferred": a connection is accepted when its first bytes are
    // in, so accept and the first read need one wake-up, not two. A client
    // that connects and stays silent is still accepted, about a second later,
    // and then meets the header timeout. Best effort.
    const int defer_seconds = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds, sizeof defer_seconds);
    return guard.release();
}

std::uint16_t bound_port(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getsockname(fd, as<sockaddr>(storage), &length) != 0) return 0;
    if (storage.ss_family == AF_INET) {
        return ntohs(as<sockaddr_in>(storage)->sin_port);
    }
    return ntohs(as<sockaddr_in6>(storage)->sin6_port);
}

std::string url_for(const SocketAddress& address, std::uint16_t port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.family() == AF_INET) {
        ::inet_ntop(AF_INET, &as<sockaddr_in>(address.storage)->sin_addr, text, sizeof text);
        return "http://" + std::string(text) + ":" + std::to_string(port) + "/";
    }
    ::inet_ntop(AF_INET6, &as<sockaddr_in6>(address.storage)->sin6_addr, text, sizeof text);
    return "http://[" + std::string(text) + "]:" + std::to_string(port) + "/";
}

void set_port(SocketAddress& address, std::uint16_t port) {
    if (address.family() == AF_INET) {
        as<sockaddr_in>(address.storage)->sin_port = htons(port);
    } else {
        as<sockaddr_in6>(address.storage)->sin6_port = htons(port);
    }
}

}  // namespace

bool bind_listeners(const std::vector<config::ListenAddress>& addresses, unsigned workers,
                    BoundListeners& out, std::string& error) {
    out = {};
    if (workers == 0) workers = 1;
    BoundListeners result;
    result.per_worker.resize(workers);
    for (const config::ListenAddress& address : addresses) {
        SocketAddress socket_address;
        if (!parse_address(address, socket_address)) {
            error = "listen " + describe(address) + ": not a numeric IPv4 or IPv6 address";
            return false;
        }
        std::uint16_t port = address.port;
        for (unsigned worker = 0; worker < workers; ++worker) {
            std::string why;
            const int fd = open_listener(socket_address, why);
            if (fd < 0) {
                config::ListenAddress shown = address;
                shown.port = port;
                error = "listen " + describe(shown) + ": " + why;
                return false;
            }
            result.per_worker[worker].emplace_back(fd);
            if (worker == 0 && port == 0) {
                // The other workers must join the same ephemeral port.
                port = bound_port(fd);
                set_port(socket_address, port);
            }
        }
        result.urls.push_back(url_for(socket_address, port));
    }
    out = std::move(result);
    return true;
}

}  // namespace tpserve::platform
