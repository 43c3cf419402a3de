// The conn::Proactor contract on the IOCP backend, over real loopback
// sockets (under Wine: AcceptEx, TransmitFile + WSASend, no socket reuse).
#include <gtest/gtest.h>

#include "IocpTestSupport.h"

namespace tpserve::platform::test {
namespace {

using conn::IoStatus;
using conn::OpKind;

std::string head_for(std::size_t length) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(length) + "\r\n\r\n";
}

const Recorded* find_last(const std::vector<Recorded>& events, OpKind kind) {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
        if (it->kind == kind) return &*it;
    }
    return nullptr;
}

#define START_OR_FAIL(server)                                    \
    do {                                                         \
        ASSERT_NE((server).proactor, nullptr) << (server).error; \
        (server).start();                                        \
    } while (false)

TEST(IocpContract, HeaderFileTrailerCloseIsByteExact) {
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
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
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
    EXPECT_GE(server.counters.transmit_file_calls + server.counters.transmit_packets_calls, 1u);
    EXPECT_EQ(server.counters.lingers, 1u);
    EXPECT_EQ(server.accept_outstanding, 0u) << server.counter_line;
}

TEST(IocpContract, KeepAliveServesSeveralResponsesOnOneConnection) {
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
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    for (int i = 1; i <= 3; ++i) {
        send_all(client.get(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        const std::string body = "body #" + std::to_string(i) + ";";
        const std::string expected = head_for(body.size() + 5000) + body +
                                     file.bytes.substr(static_cast<std::size_t>(i) * 10, 5000);
        const std::string got = read_exact(client.get(), expected.size());
        ASSERT_EQ(got.size(), expected.size()) << "response " << i;
        EXPECT_TRUE(got == expected) << "response " << i;
    }
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 3; }));
    for (const Recorded& r : sink.events()) {
        if (r.kind == OpKind::Transmit) {
            EXPECT_FALSE(r.closed);
        }
    }
    server.stop();
    EXPECT_EQ(server.counters.accepted, 1u);
    EXPECT_EQ(server.counters.transmits, 3u);
}

TEST(IocpContract, MultipartAndMemoryOnlyPlansAreByteExact) {
    TempFile file(100'000);
    TestSink sink;
    int served = 0;
    std::string expected_first, expected_second;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        if (++served == 1) {
            // mem, mem, file, mem, file, mem: WSASend, then chained TransmitFile calls.
            const std::string a = "--part a--\r\n", b = "--part b--\r\n", c = "--end--\r\n";
            const std::string head = head_for(a.size() + 300 + b.size() + 70'000 + c.size());
            plan.copy(head);
            plan.add(std::string_view("--part a--\r\n"));
            plan.add(file.file, 10, 300);
            plan.add(std::string_view("--part b--\r\n"));
            plan.add(file.file, 20'000, 70'000);
            plan.add(std::string_view("--end--\r\n"));
            expected_first =
                head + a + file.bytes.substr(10, 300) + b + file.bytes.substr(20'000, 70'000) + c;
        } else {
            const std::string text = "only memory";
            plan.copy(head_for(text.size()));
            plan.add(std::string_view("only memory"));
            expected_second = head_for(text.size()) + text;
        }
    };
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    send_all(client.get(), "GET /1 HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(wait_until([&] { return !expected_first.empty(); }));
    const std::string first = read_exact(client.get(), expected_first.size());
    EXPECT_TRUE(first == expected_first) << first.size() << " vs " << expected_first.size();
    send_all(client.get(), "GET /2 HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(wait_until([&] { return !expected_second.empty(); }));
    const std::string second = read_exact(client.get(), expected_second.size());
    EXPECT_EQ(second, expected_second);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 2; }));
    server.stop();
    EXPECT_GE(server.counters.wsasend_calls, 2u) << server.counter_line;
    if (server.counters.transmit_packets_calls == 0) {
        EXPECT_GE(server.counters.transmit_file_calls, 2u) << server.counter_line;
    }
}

TEST(IocpContract, ReceiveDeadlineCompletesTimedOut) {
    TestSink sink;
    sink.receive_timeout = 300ms;
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    const auto accepted_at = std::chrono::steady_clock::now();
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::TimedOut) == 1; }));
    const auto waited = std::chrono::steady_clock::now() - accepted_at;
    EXPECT_GE(waited, 200ms);
    EXPECT_LT(waited, 3s);
    // The sink closed it: the client sees the end of the stream.
    EXPECT_EQ(read_to_eof(client.get()), "");
    server.stop();
    EXPECT_EQ(server.counters.deadlines_fired, 1u);
}

TEST(IocpContract, CloseWithReceiveInFlightCompletesOnceCancelled) {
    TestSink sink;
    bool closed_once = false;
    sink.hook = [&](TestSink& s, const conn::Completion& completion) {
        if (completion.kind == OpKind::Accept && completion.status == IoStatus::Ok &&
            !closed_once) {
            closed_once = true;  // the sink's receive is in flight now
            s.proactor->close(completion.conn);
        }
    };
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Receive, IoStatus::Cancelled) == 1; }));
    std::this_thread::sleep_for(200ms);
    std::size_t receives = 0;
    for (const Recorded& r : sink.events())
        receives += r.kind == OpKind::Receive ? 1 : 0;
    EXPECT_EQ(receives, 1u);
    EXPECT_EQ(read_to_eof(client.get()), "");
    server.stop();
}

TEST(IocpContract, RangePastEndOfFileFailsTheTransmit) {
    TempFile file(1000);
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        plan.copy(head_for(600));
        plan.add(file.file, 500, 600);
    };
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Failed) == 1; }));
    const auto events = sink.events();
    EXPECT_EQ(find_last(events, OpKind::Transmit)->os_error, WSAEINVAL);
    EXPECT_EQ(read_to_eof(client.get()), "");  // nothing sent, connection closed
    server.stop();
}

TEST(IocpContract, ConnectionWithoutOfferedSlotIsClosedAndCounted) {
    TestSink sink;
    sink.offer_count = 0;
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(read_to_eof(client.get()), "");
    server.stop();
    EXPECT_EQ(server.counters.dropped, 1u);
    EXPECT_EQ(server.counters.accepted, 0u);
}

TEST(IocpContract, StopCancelsOfferedSlotsAndReturnsPromptly) {
    TestSink sink;
    TestServer server(sink);
    START_OR_FAIL(server);
    // Stop once the AcceptEx pool is posted, so that stop has accepts to cancel.
    ASSERT_TRUE(wait_until([&] { return sink.waits.load() > 0; }));
    const auto took = server.stop();
    EXPECT_LT(took, 3s);
    EXPECT_EQ(sink.stops.load(), 1);
    EXPECT_EQ(sink.count(OpKind::Accept, IoStatus::Cancelled), TestSink::kSlots);
    EXPECT_EQ(server.accept_outstanding, 0u) << server.counter_line;
    // The listener is gone: new clients are refused.
    UniqueSocket probe(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = ::htons(server.port);
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_NE(::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address),
              0);
}

TEST(IocpContract, StopDuringIdleKeepAliveClosesAndReturns) {
    TestSink sink;
    TestServer server(sink);
    START_OR_FAIL(server);
    UniqueSocket client = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    const auto took = server.stop();
    EXPECT_LT(took, 3s);
    EXPECT_EQ(sink.count(OpKind::Receive, IoStatus::Cancelled), 1u);
    EXPECT_EQ(read_to_eof(client.get()), "");
}

TEST(IocpContract, ManyShortConnectionsKeepThePoolFull) {
    TempFile file(4000);
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        plan.copy(head_for(4000));
        plan.add(file.file, 0, 4000);
        plan.disposition = plan::Disposition::Close;
    };
    TestServer server(sink);
    START_OR_FAIL(server);
    constexpr int kConnections = 200;
    int good = 0;
    for (int i = 0; i < kConnections; ++i) {
        UniqueSocket client = connect_to(server.port);
        send_all(client.get(), "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
        good += read_to_eof(client.get()).size() == head_for(4000).size() + 4000 ? 1 : 0;
    }
    EXPECT_EQ(good, kConnections);
    ASSERT_TRUE(wait_until(
        [&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == std::size_t{kConnections}; }));
    server.stop();
    EXPECT_EQ(server.counters.accepted, std::uint64_t{kConnections});
    EXPECT_EQ(server.counters.dropped, 0u);
    EXPECT_EQ(server.accept_outstanding, 0u) << server.counter_line;
}

}  // namespace
}  // namespace tpserve::platform::test
