// The connection state machine, driven through every (state x completion)
// pair that matters, with no sockets: FakeProactor completes operations
// only when the test says so.
#include <gtest/gtest.h>

#include "FakeProactor.h"
#include "MemoryFileSystem.h"
#include "conn/TestSites.h"
#include "conn/Worker.h"
#include "files/MimeTable.h"

namespace tpserve::testing {
namespace {

using conn::Clock;
using conn::IoStatus;
using conn::OpKind;

class ConnectionTest : public ::testing::Test {
protected:
    ConnectionTest() {
        fs.add_dir("");
        fs.add_file("a.txt", 10);
        fs.add_file("b.css", 20);
        fs.add_file("index.html", 30);
        fs.add_dir("docs");
        fs.add_file("docs/index.html", 40);
        config.limits.keepalive_requests = 5;
    }

    void start() {
        sites = std::make_unique<testing::TestSites>(config, fs);
        worker = std::make_unique<conn::Worker>(config, proactor, *sites->table, mime, 8);
        worker->start();
    }

    std::uint32_t connect() {
        auto slot = proactor.connect();
        EXPECT_TRUE(slot.has_value());
        proactor.step(*worker);
        return *slot;
    }

    // Delivers bytes and returns the wire image of the transmit they cause.
    std::string exchange(std::uint32_t slot, std::string_view request) {
        proactor.deliver(slot, request);
        proactor.step(*worker);
        const auto* pending = proactor.pending(slot);
        if (pending == nullptr || pending->kind != OpKind::Transmit) return {};
        std::string wire = proactor.finish_transmit(slot);
        proactor.step(*worker);
        return wire;
    }

    void TearDown() override { EXPECT_TRUE(proactor.violations.empty()) << proactor.violations[0]; }

    config::Config config;
    MemoryFileSystem fs;
    files::MimeTable mime{{}, "application/octet-stream"};
    FakeProactor proactor;
    std::unique_ptr<testing::TestSites> sites;
    std::unique_ptr<conn::Worker> worker;
};

std::size_t count(std::string_view haystack, std::string_view needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string_view::npos;
         pos = haystack.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

TEST_F(ConnectionTest, OffersAcceptsAndReceivesAfterConnect) {
    start();
    EXPECT_GT(proactor.offered(), 0u);
    const auto slot = connect();
    const auto* pending = proactor.pending(slot);
    ASSERT_NE(pending, nullptr);
    EXPECT_EQ(pending->kind, OpKind::Receive);
    EXPECT_EQ(worker->live_connections(), 1u);
}

TEST_F(ConnectionTest, GetAnswersHeadersThenFileRangeAndKeepsAlive) {
    start();
    const auto slot = connect();
    const std::string wire = exchange(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << wire;
    EXPECT_NE(wire.find("Content-Length: 10\r\n"), std::string::npos);
    EXPECT_NE(wire.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
    EXPECT_NE(wire.find("\r\n\r\n<file:0+10>"), std::string::npos) << wire;
    EXPECT_EQ(wire.find("Connection: close"), std::string::npos);
    const auto* pending = proactor.pending(slot);
    ASSERT_NE(pending, nullptr);
    EXPECT_EQ(pending->kind, OpKind::Receive);
    // The idle wait is the keep-alive timeout, not the header timeout.
    EXPECT_GT(pending->deadline, Clock::now() + config.timeouts.header);
}

TEST_F(ConnectionTest, RequestSplitAcrossManyReads) {
    start();
    const auto slot = connect();
    const std::string request = "GET /b.css HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n";
    for (std::size_t i = 0; i + 1 < request.size(); ++i) {
        proactor.deliver(slot, request.substr(i, 1));
        proactor.step(*worker);
        ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Receive) << "at byte " << i;
    }
    const std::string wire = exchange(slot, request.substr(request.size() - 1));
    EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    EXPECT_NE(wire.find("<file:0+20>"), std::string::npos);
}

TEST_F(ConnectionTest, PipelinedRequestsGoOutAsOneTransmitInOrder) {
    start();
    const auto slot = connect();
    const std::string wire = exchange(slot,
                                      "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "HEAD /b.css HTTP/1.1\r\nHost: x\r\n\r\n"
                                      "GET /missing HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(proactor.operations, 3u);  // receive, one transmit, receive
    const auto first = wire.find("<file:0+10>");
    const auto second = wire.find("Content-Length: 20");
    const auto third = wire.find("HTTP/1.1 404");
    ASSERT_NE(first, std::string::npos) << wire;
    ASSERT_NE(second, std::string::npos);
    ASSERT_NE(third, std::string::npos);
    EXPECT_LT(first, second);
    EXPECT_LT(second, third);
    EXPECT_EQ(count(wire, "<file:"), 1u);  // HEAD sends no body
}

TEST_F(ConnectionTest, PartialPipelinedRequestWaitsForTheRest) {
    start();
    const auto slot = connect();
    std::string wire = exchange(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /b.c");
    EXPECT_EQ(count(wire, "HTTP/1.1 200"), 1u);
    // The partial second request is on the header clock now.
    ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Receive);
    EXPECT_LE(proactor.pending(slot)->deadline, Clock::now() + config.timeouts.header);
    wire = exchange(slot, "ss HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(wire.find("<file:0+20>"), std::string::npos) << wire;
}

TEST_F(ConnectionTest, EmptyLinesDoNotPostponeTheWaitForARequest) {
    // RFC 9112 §2.2 lets a client send empty lines before a request; they
    // must not restart the header (or keep-alive) timeout, or two bytes a
    // period hold a connection forever.
    start();
    const auto slot = connect();
    const auto first_wait = proactor.pending(slot)->deadline;
    for (int i = 0; i < 3; ++i) {
        proactor.deliver(slot, i % 2 == 0 ? "\r\n" : "\n");
        proactor.step(*worker);
        ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Receive);
        EXPECT_EQ(proactor.pending(slot)->deadline, first_wait) << "after empty line " << i;
    }
    const std::string wire = exchange(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << wire;
    const auto keepalive_wait = proactor.pending(slot)->deadline;
    EXPECT_GT(keepalive_wait, first_wait);
    proactor.deliver(slot, "\r\n");
    proactor.step(*worker);
    ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Receive);
    EXPECT_EQ(proactor.pending(slot)->deadline, keepalive_wait);
}

TEST_F(ConnectionTest, HeaderTimeoutClosesAndFreesTheSlot) {
    start();
    const auto slot = connect();
    proactor.deliver(slot, "GET /a.t");
    proactor.step(*worker);
    proactor.fail(slot, IoStatus::TimedOut);
    proactor.step(*worker);
    EXPECT_TRUE(proactor.closed(slot));
    EXPECT_EQ(worker->live_connections(), 0u);
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, KeepAliveIdleTimeoutCloses) {
    start();
    const auto slot = connect();
    exchange(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    proactor.fail(slot, IoStatus::TimedOut);
    proactor.step(*worker);
    EXPECT_TRUE(proactor.closed(slot));
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, PeerResetDuringTransmitClosesWithoutAnotherOp) {
    start();
    const auto slot = connect();
    proactor.deliver(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    proactor.step(*worker);
    const auto ops = proactor.operations;
    proactor.finish_transmit(slot, IoStatus::Reset);
    proactor.step(*worker);
    EXPECT_TRUE(proactor.closed(slot));
    EXPECT_EQ(proactor.operations, ops);
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, PeerClosedWhileIdleFreesTheSlotForANewClient) {
    start();
    const auto slot = connect();
    proactor.peer_close(slot);
    proactor.step(*worker);
    EXPECT_TRUE(worker->idle());
    // The freed slot comes back to the accept pool under a new generation.
    for (int i = 0; i < 8; ++i) {
        if (!proactor.connect()) break;
        proactor.step(*worker);
    }
    EXPECT_EQ(worker->live_connections(), 8u);
}

TEST_F(ConnectionTest, ConnectionCloseMakesAClosePlan) {
    start();
    const auto slot = connect();
    proactor.deliver(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    proactor.step(*worker);
    ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Transmit);
    EXPECT_EQ(proactor.pending(slot)->plan->disposition, plan::Disposition::Close);
    const std::string wire = proactor.finish_transmit(slot);
    proactor.step(*worker);
    EXPECT_NE(wire.find("Connection: close\r\n"), std::string::npos);
    EXPECT_TRUE(worker->idle());
    EXPECT_EQ(proactor.pending(slot), nullptr);
}

TEST_F(ConnectionTest, PipelinedRequestsAfterACloseAreNotAnswered) {
    start();
    const auto slot = connect();
    const std::string wire = exchange(slot,
                                      "GET /a.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                                      "GET /b.css HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(count(wire, "HTTP/1.1 "), 1u);
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, Http10ClosesUnlessKeepAliveIsAsked) {
    start();
    auto slot = connect();
    std::string wire = exchange(slot, "GET /a.txt HTTP/1.0\r\n\r\n");
    EXPECT_NE(wire.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(worker->idle());

    slot = connect();
    wire = exchange(slot, "GET /a.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_NE(wire.find("Connection: keep-alive\r\n"), std::string::npos) << wire;
    EXPECT_EQ(proactor.pending(slot)->kind, OpKind::Receive);
}

TEST_F(ConnectionTest, MalformedRequestGets400AndClose) {
    start();
    const auto slot = connect();
    const std::string wire = exchange(slot, "GARBAGE\r\n\r\n");
    EXPECT_EQ(wire.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << wire;
    EXPECT_NE(wire.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, KeepAliveRequestBudgetEndsWithClose) {
    start();
    const auto slot = connect();
    for (std::uint32_t i = 1; i < config.limits.keepalive_requests; ++i) {
        const std::string wire = exchange(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        ASSERT_EQ(wire.find("Connection: close"), std::string::npos) << "request " << i;
    }
    const std::string last = exchange(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(last.find("Connection: close"), std::string::npos);
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, ExpectContinueSendsInterimThenFinalResponse) {
    start();
    const auto slot = connect();
    const std::string interim = exchange(
        slot,
        "GET /a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
    const std::string wire = exchange(slot, "body");
    EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << wire;
}

TEST_F(ConnectionTest, StopClosesIdleConnectionsAndLetsBusyOnesFinish) {
    start();
    const auto idle_slot = connect();
    const auto busy_slot = connect();
    proactor.deliver(busy_slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    proactor.step(*worker);
    worker->on_stop();
    proactor.step(*worker);  // the idle connection's cancelled receive
    EXPECT_TRUE(proactor.closed(idle_slot));
    EXPECT_FALSE(worker->idle());
    proactor.finish_transmit(busy_slot);
    proactor.step(*worker);
    EXPECT_TRUE(proactor.closed(busy_slot));
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, StopDuringAPartialRequestAnswersItWithClose) {
    start();
    const auto slot = connect();
    proactor.deliver(slot, "GET /a.txt HTTP/1.1\r\n");
    proactor.step(*worker);
    worker->on_stop();
    EXPECT_FALSE(worker->idle());
    const std::string wire = exchange(slot, "Host: x\r\n\r\n");
    EXPECT_NE(wire.find("Connection: close"), std::string::npos) << wire;
    EXPECT_TRUE(worker->idle());
}

TEST_F(ConnectionTest, DirectoryRedirectAndIndex) {
    start();
    const auto slot = connect();
    std::string wire = exchange(slot, "GET /docs?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(wire.rfind("HTTP/1.1 301 Moved Permanently\r\n", 0), 0u) << wire;
    EXPECT_NE(wire.find("Location: /docs/?x=1\r\n"), std::string::npos) << wire;
    wire = exchange(slot, "GET /docs/ HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_NE(wire.find("<file:0+40>"), std::string::npos) << wire;
    EXPECT_NE(wire.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
}

}  // namespace
}  // namespace tpserve::testing

namespace tpserve::testing {
namespace {

TEST_F(ConnectionTest, IdleConnectionsWaitWithoutABufferAndALargeHeadGrowsOne) {
    start();
    const auto slot = connect();
    ASSERT_NE(proactor.pending(slot), nullptr);
    EXPECT_TRUE(proactor.pending(slot)->into.empty()) << "a new connection holds no buffer";
    // A 10 KiB head arrives in pieces no larger than what each receive offers.
    const std::string head =
        "GET /a.txt HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10'000, 'b') +
        "\r\n\r\nGET /b.css HTTP/1.1\r\nHost: x\r\n\r\n";
    std::size_t sent = 0;
    std::size_t receives = 0;
    while (sent < head.size()) {
        const auto* pending = proactor.pending(slot);
        ASSERT_NE(pending, nullptr);
        if (pending->kind != OpKind::Receive) break;
        const std::size_t room =
            pending->into.empty() ? conn::kReceiveAnyBytes : pending->into.size();
        if (receives > 0) {
            EXPECT_FALSE(pending->into.empty()) << "a partial head stays in a buffer";
        }
        const std::size_t n = std::min(room, head.size() - sent);
        proactor.deliver(slot, std::string_view(head).substr(sent, n));
        proactor.step(*worker);
        sent += n;
        ++receives;
    }
    EXPECT_EQ(sent, head.size());
    EXPECT_EQ(proactor.receives_any, 1u);
    const auto* pending = proactor.pending(slot);
    ASSERT_NE(pending, nullptr);
    ASSERT_EQ(pending->kind, OpKind::Transmit);
    const std::string wire = proactor.finish_transmit(slot);
    EXPECT_NE(wire.find("<file:0+10>"), std::string::npos) << wire;
    EXPECT_NE(wire.find("Content-Length: 20"), std::string::npos) << wire;
    proactor.step(*worker);
    // Answered and nothing left over: idle again, without a buffer.
    pending = proactor.pending(slot);
    ASSERT_NE(pending, nullptr);
    EXPECT_EQ(pending->kind, OpKind::Receive);
    EXPECT_TRUE(pending->into.empty());
}

TEST_F(ConnectionTest, BytesFromTheBackendsMemoryAreCopiedBeforeItIsReused) {
    start();
    const auto slot = connect();
    // The fake scribbles over its memory after each step, as a real backend's
    // next receive would: a request split after the first receive must still parse.
    proactor.deliver(slot, "GET /a.txt HTTP/1.1\r\nHo");
    proactor.step(*worker);
    const auto* pending = proactor.pending(slot);
    ASSERT_NE(pending, nullptr);
    ASSERT_EQ(pending->kind, OpKind::Receive);
    EXPECT_FALSE(pending->into.empty());
    proactor.deliver(slot, "st: x\r\n\r\n");
    proactor.step(*worker);
    pending = proactor.pending(slot);
    ASSERT_NE(pending, nullptr);
    ASSERT_EQ(pending->kind, OpKind::Transmit);
    const std::string wire = proactor.finish_transmit(slot);
    EXPECT_EQ(wire.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << wire;
    EXPECT_TRUE(proactor.violations.empty());
}

TEST_F(ConnectionTest, AKeepAliveConnectionWaitsWithoutABufferBetweenRequests) {
    start();
    const auto slot = connect();
    for (int i = 0; i < 3; ++i) {
        proactor.deliver(slot, "GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        proactor.step(*worker);
        ASSERT_NE(proactor.pending(slot), nullptr);
        ASSERT_EQ(proactor.pending(slot)->kind, OpKind::Transmit);
        EXPECT_NE(proactor.finish_transmit(slot).find("200 OK"), std::string::npos);
        proactor.step(*worker);
        ASSERT_NE(proactor.pending(slot), nullptr);
        EXPECT_TRUE(proactor.pending(slot)->into.empty()) << "request " << i;
    }
    EXPECT_EQ(proactor.receives_any, 3u);
}

}  // namespace
}  // namespace tpserve::testing
