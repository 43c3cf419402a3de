// The "addr:port" text the Linux backends give the core for the access log.
#include "platform/linux/PeerAddress.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace tpserve::platform {
namespace {

std::string text_of(const sockaddr_storage& address, std::size_t size = 80) {
    char out[80];
    std::memset(out, 'z', sizeof out);
    format_sockaddr(address, out, size);
    return out;
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

TEST(PeerAddress, TruncatesToTheGivenSizeAndUnknownFamiliesGiveNothing) {
    EXPECT_EQ(text_of(v4("127.0.0.1", 50412), 6), "127.0");
    sockaddr_storage unknown{};
    unknown.ss_family = AF_UNIX;
    EXPECT_EQ(text_of(unknown), "");
}

}  // namespace
}  // namespace tpserve::platform
