#include "platform/linux/SystemdNotify.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "platform/linux/Fd.h"

namespace tpserve::platform {

bool notify_socket_send(std::string_view socket_name, std::string_view state, std::string& error) {
    if (socket_name.empty()) return true;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const bool abstract = socket_name.front() == '@';
    if (!abstract && socket_name.front() != '/') {
        error = "NOTIFY_SOCKET " + std::string(socket_name) +
                ": only AF_UNIX sockets (a path or @abstract) are supported";
        return false;
    }
    // A path needs its terminating NUL inside sun_path; an abstract name does not.
    if (socket_name.size() + (abstract ? 0 : 1) > sizeof address.sun_path) {
        error = "NOTIFY_SOCKET " + std::string(socket_name) + ": name too long";
        return false;
    }
    std::memcpy(address.sun_path, socket_name.data(), socket_name.size());
    if (abstract) address.sun_path[0] = '\0';
    const auto length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size());

    const UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) {
        error = "NOTIFY_SOCKET: socket: " + std::string(std::strerror(errno));
        return false;
    }
    // The sockets API's own cast: sockaddr_un is passed as a sockaddr.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    const auto* generic = reinterpret_cast<const sockaddr*>(&address);
    const ssize_t sent =
        ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL, generic, length);
    if (sent < 0 || static_cast<std::size_t>(sent) != state.size()) {
        error = "NOTIFY_SOCKET " + std::string(socket_name) + ": " +
                (sent < 0 ? std::string(std::strerror(errno)) : std::string("short send"));
        return false;
    }
    return true;
}

bool systemd_notify(std::string_view state, std::string& error) {
    // getenv is only unsafe against a concurrent setenv, which tpserve never does.
    const char* name = std::getenv("NOTIFY_SOCKET");  // NOLINT(concurrency-mt-unsafe)
    return notify_socket_send(name == nullptr ? "" : name, state, error);
}

}  // namespace tpserve::platform
