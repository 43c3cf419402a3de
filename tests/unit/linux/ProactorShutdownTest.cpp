#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ProactorTestSupport.h"

namespace tpserve::platform::test {
namespace {

using conn::IoStatus;
using conn::OpKind;

// Bytes the client can read now.
int readable(int fd) {
    int n = 0;
    return ::ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

// Bytes the client sent that the server's kernel has not acknowledged yet.
int unacknowledged(int fd) {
    int n = 0;
    return ::ioctl(fd, TIOCOUTQ, &n) == 0 ? n : -1;
}

TEST_P(ProactorContract, HugeFileToSlowReaderIsResumedUntilComplete) {
    TempFile file(32u << 20);
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 33554432\r\n\r\n";
    TestSink sink;
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        plan.copy(head);
        plan.add(file.file, 0, file.bytes.size());
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    const int small = 64 * 1024;
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    send_all(client.get(), "GET /huge HTTP/1.1\r\n\r\n");
    // The server fills every buffer and must wait: the response has begun
    // and the worker sleeps in its wait.
    ASSERT_TRUE(wait_until([&] { return readable(client.get()) > 0 && server.worker_waits(); }));
    EXPECT_EQ(sink.count(OpKind::Transmit, IoStatus::Ok), 0u);
    std::string got;
    got.reserve(head.size() + file.bytes.size());
    char buffer[256 * 1024];
    int reads = 0;
    while (got.size() < head.size() + file.bytes.size()) {
        const ssize_t n = ::recv(client.get(), buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR) continue;
        ASSERT_GT(n, 0);
        got.append(buffer, static_cast<std::size_t>(n));
        if (++reads % 64 == 0) std::this_thread::sleep_for(1ms);  // a slow reader
    }
    EXPECT_TRUE(got == head + file.bytes) << "payload differs";
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 1; }));
    EXPECT_EQ(server.stop() < 5s, true);
    EXPECT_EQ(server.counters.bytes_sent, head.size() + file.bytes.size());
    EXPECT_EQ(server.counters.transmits, 1u);
}

TEST_P(ProactorContract, StopWithIdleConnectionCallsOnStopAndReturnsWhenIdle) {
    TestSink sink;
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    const auto took = server.stop();
    EXPECT_LT(took, 2s);
    EXPECT_EQ(sink.stops.load(), 1);
    // The live connection's receive was cancelled by the sink's close().
    EXPECT_EQ(sink.count(OpKind::Receive, IoStatus::Cancelled), 1u);
    // The other offered slots came back as Accept/Cancelled.
    EXPECT_EQ(sink.count(OpKind::Accept, IoStatus::Cancelled), TestSink::kSlots - 1);
    EXPECT_EQ(read_to_eof(client.get()), "");
    // The listener is closed: new connections are refused.
    UniqueFd late(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_NE(::connect(late.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
}

TEST_P(ProactorContract, DrainTimeoutEndsRunEvenIfNeverIdle) {
    TestSink sink;
    sink.never_idle = true;
    sink.close_on_stop = false;
    TestServer server(backend(), sink, 200ms);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == 1; }));
    const auto took = server.stop();
    EXPECT_GE(took, 180ms);
    EXPECT_LT(took, 3s);
    EXPECT_EQ(sink.stops.load(), 1);
    // The receive still in flight at the drain deadline was cancelled.
    EXPECT_EQ(sink.count(OpKind::Receive, IoStatus::Cancelled), 1u);
}

TEST_P(ProactorContract, CloseDispositionLingersWithoutResettingPipelinedClient) {
    // The client sends two requests at once; the first response closes. The
    // unread second request must not turn our close into an RST that loses the
    // response: the client reads the whole response and then a clean EOF.
    TempFile file(256 * 1024);
    TestSink sink;
    const std::string head = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
    sink.respond = [&](plan::TransmitPlan& plan, const std::string&) {
        plan.copy(head);
        plan.add(file.file, 0, file.bytes.size());
        plan.disposition = plan::Disposition::Close;
    };
    TestServer server(backend(), sink);
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port);
    std::string pipelined = "GET /1 HTTP/1.1\r\n\r\n";
    pipelined += std::string(8000, 'p');  // more bytes the server never reads as a request
    send_all(client.get(), pipelined);
    // The server has done all it can before the client reads: the response
    // has begun and the worker waits (sent all and closed, or buffers full).
    ASSERT_TRUE(wait_until([&] { return readable(client.get()) > 0 && server.worker_waits(); }));
    send_all(client.get(), "GET /2 HTTP/1.1\r\n\r\n");  // arrives after the server's FIN
    // The server's kernel has it, and the worker handled what it woke.
    ASSERT_TRUE(
        wait_until([&] { return unacknowledged(client.get()) == 0 && server.worker_waits(); }));
    const std::string got = read_to_eof(client.get());
    EXPECT_EQ(got.size(), head.size() + file.bytes.size());
    EXPECT_TRUE(got == head + file.bytes);
    ASSERT_TRUE(wait_until([&] { return sink.count(OpKind::Transmit, IoStatus::Ok) == 1; }));
}

TEST_P(ProactorContract, ConnectionWithoutOfferedSlotIsDroppedAndCounted) {
    TestSink sink;
    TestServer server(backend(), sink);
    // Occupy every slot with a silent client first.
    TPSERVE_START_OR_SKIP(server);
    std::vector<UniqueFd> clients;
    for (std::uint32_t i = 0; i < TestSink::kSlots; ++i)
        clients.push_back(connect_to(server.port));
    ASSERT_TRUE(
        wait_until([&] { return sink.count(OpKind::Accept, IoStatus::Ok) == TestSink::kSlots; }));
    UniqueFd extra = connect_to(server.port);
    EXPECT_EQ(read_to_eof(extra.get()), "");  // closed at once by the backend
    server.stop();
    EXPECT_EQ(server.counters.dropped, 1u);
    EXPECT_EQ(server.counters.accepted, TestSink::kSlots);
}

TEST_P(ProactorContract, ServesOnIpv6Loopback) {
    TestSink sink;
    sink.respond = [](plan::TransmitPlan& plan, const std::string&) {
        plan.add(std::string_view("HTTP/1.1 204 No Content\r\n\r\n"));
    };
    TestServer server(backend(), sink, 10'000ms, "::1");
    EXPECT_EQ(server.url, "http://[::1]:" + std::to_string(server.port) + "/");
    TPSERVE_START_OR_SKIP(server);
    UniqueFd client = connect_to(server.port, "::1");
    send_all(client.get(), "GET / HTTP/1.1\r\n\r\n");
    EXPECT_EQ(read_exact(client.get(), 27), "HTTP/1.1 204 No Content\r\n\r\n");
    const auto events = sink.events();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.front().peer.rfind("[::1]:", 0), 0u) << events.front().peer;
}

}  // namespace
}  // namespace tpserve::platform::test
