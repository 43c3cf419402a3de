// Receives with an empty span on the IOCP backend (an idle keep-alive
// connection holds no buffer): the zero-byte WSARecv, then a read into the
// proactor's scratch, over real loopback sockets.
#include <gtest/gtest.h>

#include <memory>

#include "IocpTestSupport.h"

namespace tpserve::platform::test {
namespace {

using conn::IoStatus;
using conn::OpKind;

const std::string kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

std::vector<Recorded> receives(const TestSink& sink) {
    std::vector<Recorded> out;
    for (const Recorded& r : sink.events()) {
        if (r.kind == OpKind::Receive) out.push_back(r);
    }
    return out;
}

// Each test sets up `sink` (receive-any on), then starts the server over it.
class IocpReceiveAny : public ::testing::Test {
protected:
    IocpReceiveAny() { sink.receive_any = true; }

    // Starts the one-worker server; false (with a failure recorded) if it cannot.
    [[nodiscard]] bool start() {
        server = std::make_unique<TestServer>(sink);
        EXPECT_NE(server->proactor, nullptr) << server->error;
        if (server->proactor == nullptr) return false;
        server->start();
        return true;
    }

    TestSink sink;
    std::unique_ptr<TestServer> server;
};

// Every Ok receive: data matches bytes, within kReceiveAnyBytes; returns them joined.
std::string joined_ok_data(const std::vector<Recorded>& events) {
    std::string all;
    for (const Recorded& r : events) {
        if (r.status != IoStatus::Ok) continue;
        EXPECT_EQ(r.bytes, r.data.size());
        EXPECT_GT(r.bytes, 0u);
        EXPECT_LE(r.bytes, conn::kReceiveAnyBytes);
        all += r.data;
    }
    return all;
}

TEST_F(IocpReceiveAny, DeliversTheClientsBytesOnKeepAlive) {
    sink.respond = [](plan::TransmitPlan& plan, const std::string&) { plan.copy(kResponse); };
    ASSERT_TRUE(start());
    UniqueSocket client = connect_to(server->port);
    const std::string first = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string second = "GET /two HTTP/1.1\r\nHost: y\r\n\r\n";
    send_all(client.get(), first);
    EXPECT_EQ(read_exact(client.get(), kResponse.size()), kResponse);
    send_all(client.get(), second);
    EXPECT_EQ(read_exact(client.get(), kResponse.size()), kResponse);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 2; }));
    EXPECT_EQ(joined_ok_data(receives(sink)), first + second);
    server->stop();
    EXPECT_GE(server->counters.receive_any_reads, 2u) << server->counter_line;
}

TEST_F(IocpReceiveAny, LargeHeadArrivesInPiecesOfAtMostReceiveAnyBytes) {
    sink.respond = [](plan::TransmitPlan& plan, const std::string&) { plan.copy(kResponse); };
    ASSERT_TRUE(start());
    UniqueSocket client = connect_to(server->port);
    std::string request = "GET / HTTP/1.1\r\nX-Pad: ";
    for (std::size_t i = 0; i < 10'000; ++i)
        request += static_cast<char>('a' + i % 26);
    request += "\r\n\r\n";
    send_all(client.get(), request);
    EXPECT_EQ(read_exact(client.get(), kResponse.size()), kResponse);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 1; }));
    const auto events = receives(sink);
    EXPECT_TRUE(joined_ok_data(events) == request) << "received bytes differ";
    EXPECT_GE(sink.count(OpKind::Receive, IoStatus::Ok), 3u);  // 10 KB > 2 * 4096
    server->stop();
}

TEST_F(IocpReceiveAny, PeerCloseAfterDataCompletesPeerClosed) {
    ASSERT_TRUE(start());
    UniqueSocket client = connect_to(server->port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    send_all(client.get(), "partial");
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::Ok) >= 1; }));
    ::shutdown(client.get(), SD_SEND);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::PeerClosed) == 1; }));
    const auto events = receives(sink);
    EXPECT_EQ(joined_ok_data(events), "partial");
    EXPECT_EQ(events.back().status, IoStatus::PeerClosed);
    EXPECT_EQ(events.back().bytes, 0u);
    EXPECT_EQ(read_to_eof(client.get()), "");  // the sink closed its side
    server->stop();
}

TEST_F(IocpReceiveAny, IdleClientThatClosesGivesPeerClosed) {
    ASSERT_TRUE(start());
    {
        UniqueSocket client = connect_to(server->port);
        ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
        // The Accept's handling posted the zero-byte read: it is pending.
        ASSERT_TRUE(wait_until([&] { return sink.handled.load() >= 1; }));
    }
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::PeerClosed) == 1; }));
    EXPECT_EQ(receives(sink).size(), 1u);
    server->stop();
    EXPECT_EQ(server->counters.receive_any_reads, 0u);
}

TEST_F(IocpReceiveAny, AbortiveClientCloseGivesReset) {
    ASSERT_TRUE(start());
    {
        UniqueSocket client = connect_to(server->port);
        ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
        const linger abortive{1, 0};
        ::setsockopt(client.get(), SOL_SOCKET, SO_LINGER, reinterpret_cast<const char*>(&abortive),
                     sizeof abortive);
    }
    ASSERT_TRUE(wait_until([&] { return receives(sink).size() == 1; }));
    EXPECT_EQ(receives(sink)[0].status, IoStatus::Reset) << receives(sink)[0].os_error;
    server->stop();
}

TEST_F(IocpReceiveAny, DeadlineCompletesTimedOutWithoutSpinning) {
    sink.receive_timeout = 300ms;
    ASSERT_TRUE(start());
    UniqueSocket client = connect_to(server->port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    const auto accepted_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::TimedOut) == 1; }));
    const auto waited = std::chrono::steady_clock::now() - accepted_at;
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 3s);
    EXPECT_EQ(receives(sink).size(), 1u);
    EXPECT_EQ(read_to_eof(client.get()), "");
    server->stop();
    EXPECT_EQ(server->counters.deadlines_fired, 1u);
    // A zero-byte read that completed without data would show up as re-arms.
    EXPECT_LE(server->counters.receive_any_rearms, 2u) << server->counter_line;
}

TEST_F(IocpReceiveAny, CloseWhileWaitingCompletesOnceCancelled) {
    // The flag lives in the hook: the sink may call it until the fixture ends.
    sink.hook = [closed_once = false](TestSink& s, const conn::Completion& completion) mutable {
        if (completion.kind == OpKind::Accept && completion.status == IoStatus::Ok &&
            !closed_once) {
            closed_once = true;  // the sink's zero-byte read is in flight now
            s.proactor->close(completion.conn);
        }
    };
    ASSERT_TRUE(start());
    UniqueSocket client = connect_to(server->port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::Cancelled) == 1; }));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(receives(sink).size(), 1u);
    EXPECT_EQ(read_to_eof(client.get()), "");
    server->stop();
}

TEST_F(IocpReceiveAny, StopDuringIdleKeepAliveCancelsAndReturns) {
    sink.respond = [](plan::TransmitPlan& plan, const std::string&) { plan.copy(kResponse); };
    ASSERT_TRUE(start());
    UniqueSocket client = connect_to(server->port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(read_exact(client.get(), kResponse.size()), kResponse);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 1; }));
    const auto took = server->stop();
    EXPECT_LT(took, 3s);
    EXPECT_EQ(sink.count(OpKind::Receive, IoStatus::Cancelled), 1u);
    EXPECT_EQ(read_to_eof(client.get()), "");
}

}  // namespace
}  // namespace tpserve::platform::test
