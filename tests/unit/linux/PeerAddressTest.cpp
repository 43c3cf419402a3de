// The addresses the Linux backends give the core (net::SocketAddress), and
// the core's formatter (net/AddressText.h) against inet_ntop, whose text the
// access log showed before the core formatted it.
#include "platform/linux/PeerAddress.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "net/AddressText.h"

namespace tpserve::platform {
namespace {

std::string text_of(const sockaddr_storage& address) {
    std::array<char, net::kMaxEndpointText> out{};
    return std::string(net::endpoint_text(socket_address(address), out));
}

sockaddr_storage v4(const char* ip, std::uint16_t port) {
    sockaddr_storage storage{};
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);  // NOLINT
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &a->sin_addr);
    return storage;
}

sockaddr_storage v6(const char* ip, std::uint16_t port) {
    sockaddr_storage storage{};
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);  // NOLINT
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    ::inet_pton(AF_INET6, ip, &a->sin6_addr);
    return storage;
}

TEST(PeerAddress, FormatsBothFamiliesWithTheirPorts) {
    EXPECT_EQ(text_of(v4("127.0.0.1", 50412)), "127.0.0.1:50412");
    EXPECT_EQ(text_of(v4("255.255.255.255", 65535)), "255.255.255.255:65535");
    EXPECT_EQ(text_of(v4("10.0.0.1", 0)), "10.0.0.1:0");
    EXPECT_EQ(text_of(v4("0.90.199.7", 80)), "0.90.199.7:80");
    EXPECT_EQ(text_of(v6("::1", 8080)), "[::1]:8080");
    EXPECT_EQ(text_of(v6("2001:db8::ffff:1", 1)), "[2001:db8::ffff:1]:1");
    EXPECT_EQ(text_of(v6("::ffff:192.0.2.1", 443)), "[::ffff:192.0.2.1]:443");
}

TEST(PeerAddress, UnknownFamiliesGiveNothing) {
    sockaddr_storage unknown{};
    unknown.ss_family = AF_UNIX;
    EXPECT_FALSE(socket_address(unknown).known());
    EXPECT_EQ(text_of(unknown), "");
}

TEST(PeerAddress, AWildcardListenerHasNoFixedLocalAddress) {
    for (const bool any : {true, false}) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0);
        sockaddr_storage address = v4(any ? "0.0.0.0" : "127.0.0.1", 0);
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(sockaddr_in)),  // NOLINT
                  0);
        const net::SocketAddress fixed = fixed_local_address(fd);
        EXPECT_EQ(fixed.known(), !any);
        if (!any) {
            EXPECT_EQ(fixed, local_address_of(fd));
            EXPECT_NE(fixed.port, 0);
        }
        ::close(fd);
    }
}

// What inet_ntop writes for `bytes` (16 of them for IPv6, 4 for IPv4).
std::string inet_ntop_text(int family, const std::uint8_t* bytes) {
    char out[INET6_ADDRSTRLEN] = {};
    EXPECT_NE(::inet_ntop(family, bytes, out, sizeof out), nullptr);
    return out;
}

std::string core_text(const net::SocketAddress& address) {
    std::array<char, net::kMaxAddressText> out{};
    return std::string(net::address_text(address, out));
}

// IPv6 addresses built from groups that are zero, 0xffff or random, in
// every pattern of zero runs (and the IPv4-mapped / -compatible prefixes
// among them), plus random bytes.
TEST(PeerAddress, TheCoreFormatterWritesWhatInetNtopWrites) {
    std::mt19937 random(20261207);
    std::size_t compared = 0;
    for (unsigned pattern = 0; pattern < (1U << 16U); ++pattern) {
        std::array<std::uint8_t, 16> bytes{};
        for (std::size_t group = 0; group < 8; ++group) {
            // Two bits a group: zero, 0xffff, a small value, a random one.
            const unsigned kind = (pattern >> (2 * group)) & 3U;
            const std::uint16_t value = kind == 0   ? 0
                                        : kind == 1 ? 0xffff
                                        : kind == 2 ? static_cast<std::uint16_t>(random() % 16)
                                                    : static_cast<std::uint16_t>(random());
            bytes[2 * group] = static_cast<std::uint8_t>(value >> 8U);
            bytes[2 * group + 1] = static_cast<std::uint8_t>(value & 0xffU);
        }
        ASSERT_EQ(core_text(net::SocketAddress::v6(bytes, 0)),
                  inet_ntop_text(AF_INET6, bytes.data()))
            << "pattern " << pattern;
        ++compared;
    }
    for (int i = 0; i < 100'000; ++i) {
        std::array<std::uint8_t, 16> bytes{};
        for (std::uint8_t& byte : bytes)
            byte = static_cast<std::uint8_t>(random());
        ASSERT_EQ(core_text(net::SocketAddress::v6(bytes, 0)),
                  inet_ntop_text(AF_INET6, bytes.data()));
        const std::array<std::uint8_t, 4> quad{bytes[0], bytes[1], bytes[2], bytes[3]};
        ASSERT_EQ(core_text(net::SocketAddress::v4(quad, 0)), inet_ntop_text(AF_INET, quad.data()));
        compared += 2;
    }
    EXPECT_EQ(compared, 65'536U + 200'000U);
}

}  // namespace
}  // namespace tpserve::platform
