#include "platform/linux/SystemdListeners.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <system_error>

#include "net/AddressText.h"
#include "platform/linux/PeerAddress.h"

namespace tpserve::platform {

namespace {

// sd_listen_fds(3) refuses more; so does this.
constexpr unsigned kMaxPassed = 65536;

bool parse_number(const char* text, long& value) {
    const char* end = text + std::strlen(text);
    const auto [at, ec] = std::from_chars(text, end, value);
    return ec == std::errc{} && at == end && at != text;
}

// The config's host ("127.0.0.1", "::1", "[::1]") as a value; Family::None
// when it is not numeric.
net::SocketAddress configured_address(const config::ListenAddress& address) {
    std::string host = address.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    std::array<std::uint8_t, 16> bytes{};
    if (::inet_pton(AF_INET, host.c_str(), bytes.data()) == 1) {
        return net::SocketAddress::v4({bytes[0], bytes[1], bytes[2], bytes[3]}, address.port);
    }
    if (::inet_pton(AF_INET6, host.c_str(), bytes.data()) == 1) {
        return net::SocketAddress::v6(bytes, address.port);
    }
    return {};
}

std::string endpoint(const net::SocketAddress& address) {
    std::array<char, net::kMaxEndpointText> text{};
    return std::string(net::endpoint_text(address, text));
}

std::string passed_name(unsigned index) {
    return "systemd passed descriptor " + std::to_string(kFirstPassedFd + index);
}

// The passed descriptor's address; Family::None + error unless it is a
// listening TCP socket. Makes it nonblocking and close-on-exec.
net::SocketAddress inspect_passed(int fd, std::string& error) {
    int type = 0;
    int listening = 0;
    socklen_t length = sizeof type;
    const bool stream =
        ::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 && type == SOCK_STREAM;
    length = sizeof listening;
    const bool accepts =
        ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening == 1;
    const net::SocketAddress address = local_address_of(fd);
    if (!stream || !accepts || !address.known()) {
        error = "is not a listening TCP socket (ListenStream= with an IP address and port)";
        return {};
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0 ||
        ::fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        error = std::string("fcntl: ") + std::strerror(errno);
        return {};
    }
    return address;
}

// Reads the variables and unsets them, whatever they say.
bool take_passed_count(unsigned& count, std::string& error) {
    const bool ok = parse_listen_fds(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"),
                                     static_cast<long>(::getpid()), count, error);
    ::unsetenv("LISTEN_PID");
    ::unsetenv("LISTEN_FDS");
    ::unsetenv("LISTEN_FDNAMES");
    return ok;
}

}  // namespace

bool parse_listen_fds(const char* listen_pid, const char* listen_fds, long self, unsigned& count,
                      std::string& error) {
    count = 0;
    if (listen_pid == nullptr) return true;
    long pid = 0;
    if (!parse_number(listen_pid, pid) || pid <= 0) {
        error =
            "socket activation: LISTEN_PID is not a process id: '" + std::string(listen_pid) + "'";
        return false;
    }
    if (pid != self || listen_fds == nullptr) return true;
    long fds = 0;
    if (!parse_number(listen_fds, fds) || fds < 0 || fds > static_cast<long>(kMaxPassed)) {
        error = "socket activation: LISTEN_FDS is not a count of descriptors: '" +
                std::string(listen_fds) + "'";
        return false;
    }
    count = static_cast<unsigned>(fds);
    return true;
}

bool match_passed_listeners(std::span<const net::SocketAddress> passed,
                            std::span<const config::ListenAddress> configured,
                            std::vector<int>& passed_for_address, std::string& error) {
    passed_for_address.assign(configured.size(), -1);
    for (std::size_t index = 0; index < passed.size(); ++index) {
        bool matched = false;
        for (std::size_t address = 0; address < configured.size(); ++address) {
            if (configured_address(configured[address]) != passed[index]) continue;
            if (passed_for_address[address] >= 0) {
                error = passed_name(static_cast<unsigned>(index)) + " and " +
                        passed_name(static_cast<unsigned>(passed_for_address[address])) +
                        " are both bound to " + endpoint(passed[index]);
                return false;
            }
            passed_for_address[address] = static_cast<int>(index);
            matched = true;
        }
        if (!matched) {
            error = passed_name(static_cast<unsigned>(index)) + " is bound to " +
                    endpoint(passed[index]) +
                    ", which is not a listen: address of the configuration (the socket unit's "
                    "ListenStream= and listen: must name the same addresses)";
            return false;
        }
    }
    return true;
}

bool open_listeners(const std::vector<config::ListenAddress>& addresses, unsigned workers,
                    BoundListeners& out, std::string& error) {
    out = {};
    if (workers == 0) workers = 1;
    unsigned count = 0;
    if (!take_passed_count(count, error)) return false;
    if (count == 0) return bind_listeners(addresses, workers, out, error);

    // Owned from here on, so that every return closes them.
    std::vector<UniqueFd> passed_fds;
    std::vector<net::SocketAddress> passed;
    for (unsigned index = 0; index < count; ++index) {
        passed_fds.emplace_back(kFirstPassedFd + static_cast<int>(index));
        std::string why;
        passed.push_back(inspect_passed(passed_fds.back().get(), why));
        if (!passed.back().known()) {
            error = passed_name(index) + " " + why;
            return false;
        }
    }
    std::vector<int> passed_for_address;
    if (!match_passed_listeners(passed, addresses, passed_for_address, error)) return false;

    std::vector<config::ListenAddress> own;  // the addresses tpserve binds itself
    for (std::size_t address = 0; address < addresses.size(); ++address) {
        if (passed_for_address[address] < 0) own.push_back(addresses[address]);
    }
    BoundListeners bound;
    if (!bind_listeners(own, workers, bound, error)) return false;

    BoundListeners result;
    result.per_worker.resize(workers);
    std::size_t next_own = 0;
    for (std::size_t address = 0; address < addresses.size(); ++address) {
        const int index = passed_for_address[address];
        if (index < 0) {
            for (unsigned worker = 0; worker < workers; ++worker) {
                result.per_worker[worker].push_back(std::move(bound.per_worker[worker][next_own]));
            }
            result.urls.push_back(bound.urls[next_own++]);
            continue;
        }
        UniqueFd& original = passed_fds[static_cast<std::size_t>(index)];
        for (unsigned worker = 1; worker < workers; ++worker) {
            UniqueFd copy(::fcntl(original.get(), F_DUPFD_CLOEXEC, 0));
            if (!copy) {
                error =
                    passed_name(static_cast<unsigned>(index)) + ": dup: " + std::strerror(errno);
                return false;
            }
            result.per_worker[worker].push_back(std::move(copy));
        }
        result.per_worker[0].push_back(std::move(original));
        result.urls.push_back("http://" + endpoint(passed[static_cast<std::size_t>(index)]) + "/");
    }
    out = std::move(result);
    return true;
}

}  // namespace tpserve::platform
