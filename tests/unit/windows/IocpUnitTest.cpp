// The IOCP backend's pure pieces: the offer FIFO, the accepted socket's
// addresses and the strategy / socket-reuse decision.
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "net/AddressText.h"
#include "platform/common/OfferQueue.h"
#include "platform/windows/IocpStrategy.h"
#include "platform/windows/PeerAddress.h"
#include "platform/windows/Win32.h"

namespace tpserve::platform {
namespace {

using namespace std::chrono_literals;

TEST(OfferQueue, OldestOfferFirstAndBounded) {
    OfferQueue queue(3);
    EXPECT_TRUE(queue.empty());
    EXPECT_TRUE(queue.push({4, 1}));
    EXPECT_TRUE(queue.push({2, 7}));
    EXPECT_TRUE(queue.push({0, 3}));
    EXPECT_FALSE(queue.push({1, 1}));  // full
    EXPECT_EQ(queue.size(), 3u);
    EXPECT_EQ(queue.pop(), (conn::ConnId{4, 1}));
    EXPECT_TRUE(queue.push({1, 2}));  // wraps around
    EXPECT_EQ(queue.front(), (conn::ConnId{2, 7}));
    EXPECT_EQ(queue.pop(), (conn::ConnId{2, 7}));
    EXPECT_EQ(queue.pop(), (conn::ConnId{0, 3}));
    EXPECT_EQ(queue.pop(), (conn::ConnId{1, 2}));
    EXPECT_TRUE(queue.empty());
}

std::string endpoint(const net::SocketAddress& address) {
    std::array<char, net::kMaxEndpointText> out{};
    return std::string(net::endpoint_text(address, out));
}

TEST(PeerAddress, Ipv4AndIpv6) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = ::htons(50412);
    ::inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
    EXPECT_EQ(endpoint(socket_address(reinterpret_cast<const sockaddr*>(&v4), sizeof v4)),
              "127.0.0.1:50412");

    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = ::htons(8080);
    ::inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
    EXPECT_EQ(endpoint(socket_address(reinterpret_cast<const sockaddr*>(&v6), sizeof v6)),
              "[2001:db8::1]:8080");
}

TEST(PeerAddress, ShortNullOrForeignAddressesAreUnknown) {
    EXPECT_FALSE(socket_address(nullptr, 0).known());
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    EXPECT_FALSE(socket_address(reinterpret_cast<const sockaddr*>(&v4), 4).known());
    sockaddr other{};
    other.sa_family = AF_UNIX;
    EXPECT_FALSE(socket_address(&other, sizeof other).known());
}

TEST(IocpStrategy, WineGetsTransmitFileAndNoReuse) {
    const IocpStrategy s = choose_iocp_strategy(SocketReuse::Auto, false, WSAEINVAL, true, "8.0");
    EXPECT_FALSE(s.transmit_packets);
    EXPECT_FALSE(s.reuse);
    EXPECT_EQ(s.note,
              "TransmitFile (TransmitPackets unavailable: WSA error 10022); socket reuse off "
              "(Wine 8.0)");
}

TEST(IocpStrategy, AutoReusesOnlyWithTransmitPacketsAndDisconnectExOutsideWine) {
    EXPECT_TRUE(choose_iocp_strategy(SocketReuse::Auto, true, 0, true, nullptr).reuse);
    EXPECT_EQ(choose_iocp_strategy(SocketReuse::Auto, true, 0, true, nullptr).note,
              "TransmitPackets; socket reuse on (auto)");
    EXPECT_FALSE(choose_iocp_strategy(SocketReuse::Auto, true, 0, false, nullptr).reuse);
    EXPECT_FALSE(choose_iocp_strategy(SocketReuse::Auto, false, WSAEINVAL, true, nullptr).reuse);
    EXPECT_FALSE(choose_iocp_strategy(SocketReuse::Auto, true, 0, true, "9.0").reuse);
}

TEST(IocpStrategy, ExplicitPolicies) {
    EXPECT_FALSE(choose_iocp_strategy(SocketReuse::Off, true, 0, true, nullptr).reuse);
    EXPECT_TRUE(choose_iocp_strategy(SocketReuse::On, true, 0, true, "8.0").reuse);
    const IocpStrategy without =
        choose_iocp_strategy(SocketReuse::On, false, WSAEINVAL, true, nullptr);
    EXPECT_FALSE(without.reuse);
    EXPECT_NE(without.note.find("socket reuse off (TransmitPackets unavailable)"),
              std::string::npos)
        << without.note;
}

}  // namespace
}  // namespace tpserve::platform
