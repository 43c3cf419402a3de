// Socket activation: sd_listen_fds(3)'s reading of LISTEN_PID/LISTEN_FDS,
// the matching of passed sockets to listen: addresses, and open_listeners
// with real passed sockets (in a child process, where descriptor 3 can be
// made the passed one).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "platform/linux/Fd.h"
#include "platform/linux/PeerAddress.h"
#include "platform/linux/SystemdListeners.h"

namespace tpserve::platform {
namespace {

TEST(ParseListenFds, FollowsSdListenFds) {
    unsigned count = 99;
    std::string error;
    EXPECT_TRUE(parse_listen_fds(nullptr, "2", 42, count, error));
    EXPECT_EQ(count, 0u) << "no LISTEN_PID: nothing passed";
    EXPECT_TRUE(parse_listen_fds("41", "2", 42, count, error));
    EXPECT_EQ(count, 0u) << "inherited by another process: not ours";
    EXPECT_TRUE(parse_listen_fds("42", nullptr, 42, count, error));
    EXPECT_EQ(count, 0u);
    EXPECT_TRUE(parse_listen_fds("42", "2", 42, count, error));
    EXPECT_EQ(count, 2u);
    EXPECT_TRUE(error.empty());
}

TEST(ParseListenFds, RefusesMalformedValues) {
    unsigned count = 0;
    for (const char* pid : {"", "x", "42x", "-42", "0"}) {
        std::string error;
        EXPECT_FALSE(parse_listen_fds(pid, "1", 42, count, error)) << pid;
        EXPECT_NE(error.find("LISTEN_PID"), std::string::npos) << error;
    }
    for (const char* fds : {"", "one", "1 ", "-1", "65537"}) {
        std::string error;
        EXPECT_FALSE(parse_listen_fds("42", fds, 42, count, error)) << fds;
        EXPECT_NE(error.find("LISTEN_FDS"), std::string::npos) << error;
    }
}

const net::SocketAddress kLoopback4 = net::SocketAddress::v4({127, 0, 0, 1}, 8080);
const net::SocketAddress kLoopback6 =
    net::SocketAddress::v6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 8080);

TEST(MatchPassedListeners, ByAddressAndPortInAnyOrder) {
    const std::vector<config::ListenAddress> configured = {
        {"0.0.0.0", 80}, {"::1", 8080}, {"127.0.0.1", 8080}};
    std::vector<int> matched;
    std::string error;
    ASSERT_TRUE(
        match_passed_listeners(std::vector{kLoopback4, kLoopback6}, configured, matched, error))
        << error;
    EXPECT_EQ(matched, (std::vector<int>{-1, 1, 0}));
    // The bracketed form of the config matches too.
    ASSERT_TRUE(match_passed_listeners(std::vector{kLoopback6},
                                       std::vector<config::ListenAddress>{{"[::1]", 8080}}, matched,
                                       error));
    EXPECT_EQ(matched, (std::vector<int>{0}));
}

TEST(MatchPassedListeners, RefusesASocketNoAddressNames) {
    std::vector<int> matched;
    std::string error;
    // Same address, another port; and [::]:80 is not the config's 0.0.0.0:80.
    EXPECT_FALSE(match_passed_listeners(std::vector{kLoopback4},
                                        std::vector<config::ListenAddress>{{"127.0.0.1", 8081}},
                                        matched, error));
    EXPECT_NE(error.find("descriptor 3 is bound to 127.0.0.1:8080, which is not a listen: address"),
              std::string::npos)
        << error;
    const net::SocketAddress any6 = net::SocketAddress::v6({}, 80);
    error.clear();
    EXPECT_FALSE(match_passed_listeners(
        std::vector{any6}, std::vector<config::ListenAddress>{{"0.0.0.0", 80}}, matched, error));
    EXPECT_NE(error.find("[::]:80"), std::string::npos) << error;
    error.clear();
    EXPECT_FALSE(match_passed_listeners(std::vector{kLoopback4, kLoopback4},
                                        std::vector<config::ListenAddress>{{"127.0.0.1", 8080}},
                                        matched, error));
    EXPECT_NE(error.find("both bound to 127.0.0.1:8080"), std::string::npos) << error;
}

// A loopback TCP socket on an ephemeral port; listening or not.
UniqueFd loopback_socket(bool listening, std::uint16_t& port) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) return {};
    if (listening && ::listen(fd.get(), 8) != 0) return {};
    ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port = ntohs(address.sin_port);
    return fd;
}

// Runs `body` in a child in which `passed` is descriptor 3 and LISTEN_PID /
// LISTEN_FDS say so; the child's exit status is the number of the first
// check that failed (0: all passed). No gtest macro runs in the child.
template <class Body>
int in_activated_child(const UniqueFd& passed, Body body) {
    const pid_t child = ::fork();
    if (child == 0) {
        if (::dup2(passed.get(), kFirstPassedFd) != kFirstPassedFd) ::_exit(100);
        ::setenv("LISTEN_PID", std::to_string(::getpid()).c_str(), 1);
        ::setenv("LISTEN_FDS", "1", 1);
        ::setenv("LISTEN_FDNAMES", "tpserve.socket", 1);
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 200;
}

TEST(OpenListeners, UsesThePassedSocketForEveryWorkerAndBindsTheRest) {
    std::uint16_t port = 0;
    const UniqueFd passed = loopback_socket(true, port);
    ASSERT_TRUE(passed.valid());
    const int failed = in_activated_child(passed, [port] {
        BoundListeners out;
        std::string error;
        if (!open_listeners({{"127.0.0.1", 0}, {"127.0.0.1", port}}, 2, out, error)) return 1;
        if (std::getenv("LISTEN_PID") || std::getenv("LISTEN_FDS") || std::getenv("LISTEN_FDNAMES"))
            return 2;  // a child of ours would inherit them
        if (out.per_worker.size() != 2 || out.urls.size() != 2) return 3;
        if (out.per_worker[0][1].get() != kFirstPassedFd) return 4;
        const int copy = out.per_worker[1][1].get();
        if (copy == kFirstPassedFd || local_address_of(copy) != local_address_of(kFirstPassedFd))
            return 5;  // worker 1 has its own descriptor for the same socket
        for (const int fd : {kFirstPassedFd, copy}) {
            if ((::fcntl(fd, F_GETFL) & O_NONBLOCK) == 0) return 6;
            if ((::fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0) return 7;
        }
        if (out.urls[1] != "http://127.0.0.1:" + std::to_string(port) + "/") return 8;
        // The other address was bound by tpserve: a socket per worker.
        if (out.per_worker[0][0].get() == out.per_worker[1][0].get()) return 9;
        if (local_address_of(out.per_worker[0][0].get()).port == port) return 10;
        return 0;
    });
    EXPECT_EQ(failed, 0);
}

TEST(OpenListeners, RefusesAPassedSocketNoAddressNamesOrThatDoesNotListen) {
    std::uint16_t port = 0;
    const UniqueFd listening = loopback_socket(true, port);
    ASSERT_TRUE(listening.valid());
    EXPECT_EQ(in_activated_child(
                  listening,
                  [port] {
                      BoundListeners out;
                      std::string error;
                      if (open_listeners({{"127.0.0.1", std::uint16_t(port + 1)}}, 1, out, error))
                          return 1;
                      if (error.find("not a listen: address") == std::string::npos) return 2;
                      // Refused: closed, not kept open.
                      return ::fcntl(kFirstPassedFd, F_GETFD) == -1 ? 0 : 3;
                  }),
              0);
    const UniqueFd bound_only = loopback_socket(false, port);
    ASSERT_TRUE(bound_only.valid());
    EXPECT_EQ(in_activated_child(bound_only,
                                 [port] {
                                     BoundListeners out;
                                     std::string error;
                                     if (open_listeners({{"127.0.0.1", port}}, 1, out, error))
                                         return 1;
                                     return error.find(
                                                "descriptor 3 is not a listening TCP "
                                                "socket") == std::string::npos
                                                ? 2
                                                : 0;
                                 }),
              0);
}

}  // namespace
}  // namespace tpserve::platform
