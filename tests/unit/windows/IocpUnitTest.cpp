// The IOCP backend's pure pieces: the offer FIFO, peer
// formatting and the strategy / socket-reuse decision.
#include <gtest/gtest.h>

#include <cstring>

#include "platform/common/OfferQueue.h"
#include "platform/windows/IocpStrategy.h"
#include "platform/windows/PeerFormat.h"
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

TEST(PeerFormat, Ipv4AndIpv6) {
    char out[64];
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = ::htons(50412);
    ::inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
    format_peer(reinterpret_cast<const sockaddr*>(&v4), sizeof v4, out, sizeof out);
    EXPECT_STREQ(out, "127.0.0.1:50412");

    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = ::htons(8080);
    ::inet_pton(AF_INET6, "2001:db8::1", &v6.sin6_addr);
    format_peer(reinterpret_cast<const sockaddr*>(&v6), sizeof v6, out, sizeof out);
    EXPECT_STREQ(out, "[2001:db8::1]:8080");
}

TEST(PeerFormat, ShortNullOrForeignAddressesGiveEmptyText) {
    char out[64] = "x";
    format_peer(nullptr, 0, out, sizeof out);
    EXPECT_STREQ(out, "");
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    std::strcpy(out, "x");
    format_peer(reinterpret_cast<const sockaddr*>(&v4), 4, out, sizeof out);
    EXPECT_STREQ(out, "");
    sockaddr other{};
    other.sa_family = AF_UNIX;
    std::strcpy(out, "x");
    format_peer(&other, sizeof other, out, sizeof out);
    EXPECT_STREQ(out, "");
}

TEST(PeerFormat, TruncatesToTheBuffer) {
    char out[8];
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = ::htons(50412);
    ::inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
    format_peer(reinterpret_cast<const sockaddr*>(&v4), sizeof v4, out, sizeof out);
    EXPECT_STREQ(out, "127.0.0");
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
