#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <deque>
#include <optional>

#include "ProactorTestSupport.h"

namespace tpserve::platform::test {
namespace {

using conn::IoStatus;
using conn::OpKind;

std::string head_for(std::size_t length) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

std::span<const std::byte> bytes_of(const std::string& text) {
    return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

TEST_P(ProactorContract, HeaderFileTrailerCloseIsByteExact) {
    TempFile file(3u << 20);
    const std::string trailer = "\r\n--trailer--\r\n";
    const std::uint64_t offset = 1000, length = file.bytes.size() - 1000;
    const std::string head = head_for(length + trailer.size());
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string& request) {
        EXPECT_EQ(request.rfind("GET ", 0), 0u);
        plan.copy(head);
        plan.add(file.file, offset, length);
        plan.add(std::string_view(trailer));
        plan.disposition = plan::Disposition::Close;
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    send_all(client.get(), "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string got = read_to_eof(client.get());
    const std::string expected = head + file.bytes.substr(offset) + trailer;
    ASSERT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected) << "payload differs";
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 1; }));
    const auto events = sink.events();
    const Recorded* transmit = find_last(events, OpKind::Transmit);
    ASSERT_NE(transmit, nullptr);
    EXPECT_TRUE(transmit->closed);
    EXPECT_EQ(transmit->bytes, expected.size());
    const Recorded* accepted = find_last(events, OpKind::Accept);
    ASSERT_NE(accepted, nullptr);
    EXPECT_EQ(accepted->peer.rfind("127.0.0.1:", 0), 0u) << accepted->peer;
    server.stop();
    EXPECT_EQ(server.counters.accepted, 1u);
    EXPECT_EQ(server.counters.bytes_sent, expected.size());
}

TEST_P(ProactorContract, KeepAliveServesSeveralResponsesOnOneConnection) {
    TempFile file(200'000);
    int served = 0;
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        ++served;
        const std::string body = "body #" + std::to_string(served) + ";";
        plan.copy(head_for(body.size() + 5000));
        plan.copy(body);
        plan.add(file.file, static_cast<std::uint64_t>(served) * 10, 5000);
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    for (int i = 1; i <= 5; ++i) {
        send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
        const std::string body = "body #" + std::to_string(i) + ";";
        const std::string expected = head_for(body.size() + 5000) + body +
                                     file.bytes.substr(static_cast<std::size_t>(i) * 10, 5000);
        EXPECT_EQ(read_exact(client.get(), expected.size()), expected) << "response " << i;
    }
    client.reset();
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::PeerClosed) == 1; }));
    EXPECT_EQ(sink.count(OpKind::Transmit, IoStatus::Ok), 5u);
    for (const Recorded& e : sink.events()) {
        if (e.kind == OpKind::Transmit) {
            EXPECT_FALSE(e.closed);
        }
    }
}

TEST_P(ProactorContract, MemoryPlanOfHundredIovecs) {
    std::deque<std::string> pieces;  // separate heap blocks: never merged into one part
    std::string expected;
    for (int i = 0; i < 100; ++i) {
        pieces.push_back("piece " + std::to_string(i) + std::string(40 + i, 'x') + "|");
        expected += pieces.back();
    }
    std::size_t parts = 0;
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        for (const std::string& piece : pieces)
            plan.add(bytes_of(piece));
        parts = plan.pending().size();
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    const std::string got = read_exact(client.get(), expected.size());
    EXPECT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 1; }));
    EXPECT_EQ(parts, 100u);
    EXPECT_EQ(find_last(sink.events(), OpKind::Transmit)->bytes, expected.size());
}

TEST_P(ProactorContract, ReceiveDeadlineGivesTimedOut) {
    TestSink sink;
    sink.receive_timeout = 100ms;
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);  // and stays silent
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::TimedOut) == 1; }));
    const auto events = sink.events();
    const Recorded* accepted = find_last(events, OpKind::Accept);
    const Recorded* timed_out = find_last(events, OpKind::Receive);
    const auto waited = timed_out->at - accepted->at;
    EXPECT_GE(waited, 90ms);
    EXPECT_LT(waited, 2s);
    // The sink closed it: the client sees the end of the stream.
    EXPECT_EQ(read_to_eof(client.get()), "");
}

TEST_P(ProactorContract, PeerCloseGivesPeerClosed) {
    TestSink sink;
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    client.reset();
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::PeerClosed) == 1; }));
}

TEST_P(ProactorContract, CloseWithReceiveInFlightCompletesOnceCancelled) {
    TestSink sink;
    std::optional<conn::ConnId> first;
    // The second connection's Accept closes the first while its receive is posted.
    sink.hook = [&](TestSink& s, const conn::Completion& c) {
        if (c.kind != OpKind::Accept || c.status != IoStatus::Ok) return;
        if (!first) {
            first = c.conn;
            return;
        }
        s.conns[first->slot].live = false;
        s.proactor_->close(*first);
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd a = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    // The sink started the receive in the Accept's completion; once the
    // worker sleeps in its wait again, that receive is submitted (armed).
    ASSERT_TRUE(wait_until([&] { return server.worker_waits(); }));
    UniqueFd b = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::Cancelled) >= 1; }));
    send_all(a.get(), "late bytes\r\n");  // to a closed socket: must not revive anything
    // Loopback delivers during the send: whatever it woke is handled once
    // the worker waits again.
    ASSERT_TRUE(wait_until([&] { return server.worker_waits(); }));
    server.stop();
    std::size_t for_first = 0;
    for (const Recorded& e : sink.events()) {
        if (e.conn == *first && e.kind == OpKind::Receive) {
            ++for_first;
            EXPECT_EQ(e.status, IoStatus::Cancelled);
        }
    }
    EXPECT_EQ(for_first, 1u);
}

TEST_P(ProactorContract, CloseRightAfterReceiveCancelsWithoutInlineCompletion) {
    TestSink sink;
    bool inline_completion = false;
    bool in_hook = false;
    sink.hook = [&](TestSink& s, const conn::Completion& c) {
        if (in_hook) inline_completion = true;
        if (c.kind != OpKind::Accept || c.status != IoStatus::Ok) return;
        in_hook = true;
        s.start_receive(c.conn.slot);  // not even submitted yet
        s.proactor_->close(c.conn);
        s.conns[c.conn.slot].live = false;
        in_hook = false;
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd a = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::Cancelled) == 1; }));
    // A second completion would be delivered before the worker waits again.
    ASSERT_TRUE(wait_until([&] { return server.worker_waits(); }));
    server.stop();
    EXPECT_FALSE(inline_completion);
    EXPECT_EQ(sink.count(OpKind::Receive, IoStatus::Cancelled), 1u);
    EXPECT_EQ(read_to_eof(a.get()), "");
}

// close() after transmit() in the same callback: io_uring sends a plan with a
// file part at once, so its result is known (and queued) before close();
// epoll has it in flight. Either way the one completion reports Cancelled.
TEST_P(ProactorContract, CloseAfterTransmitWhoseResultIsKnownReportsCancelled) {
    TempFile file(1000);
    const std::string head = head_for(file.bytes.size());
    TestSink sink;
    bool inline_completion = false;
    bool in_hook = false;
    std::optional<conn::ConnId> closed;
    sink.hook = [&](TestSink& s, const conn::Completion& c) {
        if (in_hook) inline_completion = true;
        if (closed || c.kind != OpKind::Receive || c.status != IoStatus::Ok) return;
        in_hook = true;
        TestSink::Conn& conn = s.conns[c.conn.slot];
        conn.plan.clear();
        conn.plan.copy(head);
        conn.plan.add(file.file, 0, file.bytes.size());
        conn.busy = true;
        s.proactor_->transmit(c.conn, conn.plan, conn::Clock::now() + s.transmit_timeout);
        s.proactor_->close(c.conn);
        conn.live = false;
        closed = c.conn;
        in_hook = false;
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Cancelled) == 1; }));
    // The slot is free again: it is offered and takes the next connection.
    UniqueFd next = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 2; }));
    server.stop();
    EXPECT_FALSE(inline_completion);
    std::size_t transmits = 0;
    for (const Recorded& e : sink.events()) {
        if (e.conn == *closed && e.kind == OpKind::Transmit) {
            ++transmits;
            EXPECT_EQ(e.status, IoStatus::Cancelled);
            EXPECT_FALSE(e.closed);
            EXPECT_EQ(e.os_error, 0);
        }
    }
    EXPECT_EQ(transmits, 1u);
}

}  // namespace
}  // namespace tpserve::platform::test
