// SocketAddress as text: the table of cases inet_ntop decides (RFC 5952 and
// glibc's embedded IPv4); tests/unit/linux/PeerAddressTest.cpp compares the
// formatter with inet_ntop itself for many more addresses.
#include "net/AddressText.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>

namespace tpserve::net {
namespace {

std::string text(const SocketAddress& address) {
    std::array<char, kMaxAddressText> out{};
    return std::string(address_text(address, out));
}

std::string endpoint(const SocketAddress& address) {
    std::array<char, kMaxEndpointText> out{};
    return std::string(endpoint_text(address, out));
}

// Eight groups, as the address is written in full.
SocketAddress groups(std::array<std::uint16_t, 8> g, std::uint16_t port = 0) {
    std::array<std::uint8_t, 16> bytes{};
    for (std::size_t i = 0; i < g.size(); ++i) {
        bytes[2 * i] = static_cast<std::uint8_t>(g[i] >> 8U);
        bytes[2 * i + 1] = static_cast<std::uint8_t>(g[i] & 0xFFU);
    }
    return SocketAddress::v6(bytes, port);
}

TEST(AddressText, Ipv4IsDottedDecimalWithoutLeadingZeros) {
    EXPECT_EQ(text(SocketAddress::v4({127, 0, 0, 1}, 80)), "127.0.0.1");
    EXPECT_EQ(text(SocketAddress::v4({0, 0, 0, 0}, 0)), "0.0.0.0");
    EXPECT_EQ(text(SocketAddress::v4({255, 255, 255, 255}, 0)), "255.255.255.255");
    EXPECT_EQ(text(SocketAddress::v4({0, 90, 199, 7}, 0)), "0.90.199.7");
    EXPECT_EQ(text(SocketAddress::v4({10, 100, 9, 200}, 0)), "10.100.9.200");
}

TEST(AddressText, Ipv6FollowsRfc5952) {
    struct Case {
        std::array<std::uint16_t, 8> groups;
        const char* text;
    };
    const Case cases[] = {
        {{0, 0, 0, 0, 0, 0, 0, 0}, "::"},
        {{0, 0, 0, 0, 0, 0, 0, 1}, "::1"},
        {{1, 0, 0, 0, 0, 0, 0, 0}, "1::"},
        {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}, "2001:db8::1"},
        // Lower case, leading zeros dropped (§4.1, §4.3).
        {{0x2001, 0x0DB8, 0x00AB, 0x000C, 0xABCD, 0xEF01, 0x2345, 0x6789},
         "2001:db8:ab:c:abcd:ef01:2345:6789"},
        // A single zero group is not compressed (§4.2.2).
        {{0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, "2001:db8:0:1:1:1:1:1"},
        // The longest run (§4.2.3) ...
        {{0x2001, 0, 0, 1, 0, 0, 0, 1}, "2001:0:0:1::1"},
        // ... the first of equal runs.
        {{0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}, "2001:db8::1:0:0:1"},
        {{0, 0, 1, 0, 0, 1, 0, 0}, "::1:0:0:1:0:0"},
        // A run at the end, and one of exactly two groups.
        {{0xfe80, 1, 2, 3, 4, 5, 0, 0}, "fe80:1:2:3:4:5::"},
        {{0xfe80, 0, 0, 0, 0, 0, 0, 0x1234}, "fe80::1234"},
        {{0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff},
         "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
        // IPv4-mapped (§5) and, as inet_ntop writes it, IPv4-compatible.
        {{0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}, "::ffff:192.0.2.1"},
        {{0, 0, 0, 0, 0, 0xffff, 0, 0}, "::ffff:0.0.0.0"},
        {{0, 0, 0, 0, 0, 0, 0xc000, 0x0201}, "::192.0.2.1"},
        {{0, 0, 0, 0, 0, 0, 0x0102, 0}, "::1.2.0.0"},
        // Only with the zeros in front: anything else stays hex.
        {{0, 0, 0, 0, 1, 0xffff, 0xc000, 0x0201}, "::1:ffff:c000:201"},
        {{0, 0, 0, 0, 0, 0xfffe, 0xc000, 0x0201}, "::fffe:c000:201"},
        {{1, 0, 0, 0, 0, 0, 0xc000, 0x0201}, "1::c000:201"},
    };
    for (const Case& c : cases)
        EXPECT_EQ(text(groups(c.groups)), c.text);
}

TEST(AddressText, EndpointsBracketIpv6AndAddThePort) {
    EXPECT_EQ(endpoint(SocketAddress::v4({127, 0, 0, 1}, 50412)), "127.0.0.1:50412");
    EXPECT_EQ(endpoint(SocketAddress::v4({10, 0, 0, 1}, 0)), "10.0.0.1:0");
    EXPECT_EQ(endpoint(groups({0, 0, 0, 0, 0, 0, 0, 1}, 8080)), "[::1]:8080");
    EXPECT_EQ(endpoint(groups({0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201}, 443)),
              "[::ffff:192.0.2.1]:443");
}

TEST(AddressText, TheLongestTextsFitTheirBuffers) {
    const SocketAddress full =
        groups({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}, 65535);
    EXPECT_EQ(text(full).size(), kMaxAddressText);
    EXPECT_EQ(endpoint(full).size(), kMaxEndpointText);
}

TEST(AddressText, AnUnknownAddressIsEmpty) {
    EXPECT_EQ(text(SocketAddress{}), "");
    EXPECT_EQ(endpoint(SocketAddress{}), "");
    EXPECT_FALSE(SocketAddress{}.known());
}

}  // namespace
}  // namespace tpserve::net
