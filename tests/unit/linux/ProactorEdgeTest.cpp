// Contract edge cases run against every backend: short reads, a FIN that
// arrives with the data, and a file that shrinks under a planned range.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include "ProactorTestSupport.h"

namespace tpserve::platform::test {
namespace {

using conn::IoStatus;
using conn::OpKind;

TEST_P(ProactorContract, RequestLargerThanTheBufferArrivesInSeveralReceives) {
    // 40 KB before the blank line: at least three receives into 16 KiB, and the
    // backend must not wait for a new event while unread bytes remain.
    const std::string request = "GET / HTTP/1.1\r\nX-Pad: " + std::string(40'000, 'q') + "\r\n\r\n";
    std::size_t seen = 0;
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string& got) {
        seen = got.size();
        plan.add(std::string_view("HTTP/1.1 204 No Content\r\n\r\n"));
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    send_all(client.get(), request);
    EXPECT_EQ(read_exact(client.get(), 27), "HTTP/1.1 204 No Content\r\n\r\n");
    EXPECT_EQ(seen, request.size());
    EXPECT_GE(sink.count(OpKind::Receive, IoStatus::Ok), 3u);
}

TEST_P(ProactorContract, FinWithTheRequestGivesResponseThenPeerClosed) {
    // The FIN is queued behind the request before the server reads anything:
    // after the response, the next receive must see it at once (no new
    // readiness event will announce it), not wait for its deadline.
    TestSink sink;
    sink.receive_timeout = 5000ms;
    sink.respond = [](plan::TransmitPlan& plan, const std::string&) {
        plan.add(std::string_view("HTTP/1.1 204 No Content\r\n\r\n"));
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    ::shutdown(client.get(), SHUT_WR);
    const auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(read_exact(client.get(), 27), "HTTP/1.1 204 No Content\r\n\r\n");
    ASSERT_TRUE(
        wait_until([&] { return sink.count(OpKind::Receive, IoStatus::PeerClosed) == 1; }, 2s));
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
    EXPECT_EQ(sink.count(OpKind::Receive, IoStatus::TimedOut), 0u);
    EXPECT_EQ(read_to_eof(client.get()), "");  // the sink closed it
}

TEST_P(ProactorContract, FileShrunkBelowItsRangeFailsTheTransmit) {
    TempFile file(1u << 20);
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n";
    constexpr std::size_t kLeft = 100'000;
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        // Truncated after the response was planned for the full size.
        ASSERT_EQ(::ftruncate(static_cast<int>(file.file->native()), kLeft), 0);
        plan.copy(head);
        plan.add(file.file, 0, file.bytes.size());
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    // The client gets what existed, then the connection ends: never a hang
    // waiting for bytes that cannot come.
    const std::string got = read_to_eof(client.get());
    EXPECT_EQ(got, head + file.bytes.substr(0, kLeft));
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Failed) == 1; }));
    for (const Recorded& e : sink.events()) {
        if (e.kind != OpKind::Transmit) continue;
        EXPECT_EQ(e.os_error, ENODATA);
        EXPECT_EQ(e.bytes, head.size() + kLeft);
        EXPECT_FALSE(e.closed);
    }
}

// A client that sends a request and never reads: the transmit ends TimedOut
// at its deadline, whether it waits in a sendmsg (memory) or for POLLOUT
// between sendfile calls (file).
void expect_transmit_times_out(const Backend& backend, bool from_file) {
    static const std::vector<std::byte> memory(32u << 20, std::byte{'m'});
    TempFile file(32u << 20);
    TestSink sink;
    sink.transmit_timeout = 300ms;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        plan.copy("HTTP/1.1 200 OK\r\nContent-Length: 33554432\r\n\r\n");
        if (from_file) {
            plan.add(file.file, 0, file.bytes.size());
        } else {
            plan.add(std::span<const std::byte>(memory));
        }
    };
    TestServer server(backend, sink);
    if (server.proactor == nullptr) GTEST_SKIP() << backend.name << ": " << server.error;
    server.start();
    UniqueFd client = connect_to(server.port);
    const int small = 64 * 1024;
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::TimedOut) == 1; }));
    const auto events = sink.events();
    const Recorded* received = find_last(events, OpKind::Receive);
    const Recorded* timed_out = find_last(events, OpKind::Transmit);
    ASSERT_NE(received, nullptr);
    ASSERT_NE(timed_out, nullptr);
    const auto waited = timed_out->at - received->at;
    EXPECT_GE(waited, 250ms);
    EXPECT_LT(waited, 3s);
    EXPECT_LT(timed_out->bytes, memory.size()) << "the client read nothing";
}

TEST_P(ProactorContract, TransmitFromMemoryToAStalledClientTimesOut) {
    expect_transmit_times_out(backend(), false);
}

TEST_P(ProactorContract, TransmitFromAFileToAStalledClientTimesOut) {
    expect_transmit_times_out(backend(), true);
}

TEST_P(ProactorContract, ManyConnectionsWithStaggeredDeadlinesTimeOutInOrder) {
    // Several receive deadlines pending at once: each fires on time, earliest first.
    TestSink sink;
    std::uint32_t accepted = 0;
    sink.hook = [&](TestSink& s, const conn::Completion& c) {
        if (c.kind != OpKind::Accept || c.status != IoStatus::Ok) return;
        ++accepted;
        s.conns[c.conn.slot].live = true;
        s.conns[c.conn.slot].busy = true;
        // Later connections get earlier deadlines.
        s.proactor_->receive(c.conn, s.conns[c.conn.slot].buffer,
                             conn::Clock::now() + std::chrono::milliseconds(400 - 60 * accepted));
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    // Silent clients: the listener defers accepting them (TCP_DEFER_ACCEPT)
    // until its first SYN-ACK retransmit, about a second, the same for all
    // four, so they are connected together and accepted within milliseconds.
    std::vector<UniqueFd> clients;
    for (int i = 0; i < 4; ++i)
        clients.push_back(connect_to(server.port));
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 4; }));
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::TimedOut) == 4; }));
    std::vector<std::uint32_t> order;
    for (const Recorded& e : sink.events()) {
        if (e.kind == OpKind::Receive) order.push_back(e.conn.slot);
    }
    std::vector<std::uint32_t> accept_order;
    for (const Recorded& e : sink.events()) {
        if (e.kind == OpKind::Accept && e.status == IoStatus::Ok)
            accept_order.push_back(e.conn.slot);
    }
    ASSERT_EQ(order.size(), 4u);
    ASSERT_EQ(accept_order.size(), 4u);
    EXPECT_EQ(order, std::vector<std::uint32_t>(accept_order.rbegin(), accept_order.rend()));
}

}  // namespace
}  // namespace tpserve::platform::test
