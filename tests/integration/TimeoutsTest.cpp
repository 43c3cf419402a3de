// Header and keep-alive timeouts from the config file.
#include <thread>

#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

class Timeouts : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start("timeouts:\n  header: 1s\n  keepalive: 2s\n")); }
};

TEST_F(Timeouts, StalledRequestLineIsCutOff) {
    HttpClient c = connect();
    ASSERT_TRUE(c.send("GET /a.t"));
    const CloseResult r = c.read_until_close(6s);
    ASSERT_TRUE(r.closed) << "still open after 6 s with a 1 s header timeout";
    EXPECT_GE(r.elapsed, 900ms) << "closed before the header timeout";
    EXPECT_LE(r.elapsed, 3500ms);
    if (!r.data.empty()) {
        EXPECT_EQ(r.data.rfind("HTTP/1.1 408", 0), 0u) << "only a 408 may precede the close:\n"
                                                       << printable(r.data);
    }
}

TEST_F(Timeouts, StalledHeadersAreCutOff) {
    HttpClient c = connect();
    ASSERT_TRUE(c.send("GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    const CloseResult r = c.read_until_close(6s);
    ASSERT_TRUE(r.closed) << "still open after 6 s with a 1 s header timeout";
    EXPECT_GE(r.elapsed, 900ms);
    EXPECT_LE(r.elapsed, 3500ms);
    if (!r.data.empty()) {
        EXPECT_EQ(r.data.rfind("HTTP/1.1 408", 0), 0u) << printable(r.data);
    }
}

TEST_F(Timeouts, IdleKeepAliveIsClosed) {
    HttpClient c = connect();
    const HttpResponse first = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(first));
    const CloseResult r = c.read_until_close(8s);
    ASSERT_TRUE(r.closed) << "idle connection still open after 8 s with a 2 s keep-alive timeout";
    EXPECT_GE(r.elapsed, 1000ms) << "closed before the keep-alive timeout";
    EXPECT_LE(r.elapsed, 5000ms);
    EXPECT_EQ(r.data, "") << "an idle keep-alive close carries no response";
}

// Sends an empty line every 300 ms (RFC 9112 §2.2 lets a client send them
// before a request) until the server closes; how long that took.
std::chrono::milliseconds close_under_empty_lines(HttpClient& c) {
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
    };
    while (elapsed() < 8s) {
        if (!c.send("\r\n") || c.read_until_close(300ms).closed) break;
    }
    return elapsed();
}

TEST_F(Timeouts, EmptyLinesDoNotHoldANewConnection) {
    HttpClient c = connect();
    EXPECT_LE(close_under_empty_lines(c), 3500ms) << "empty lines restarted the 1 s header timeout";
}

TEST_F(Timeouts, EmptyLinesDoNotHoldAKeptAliveConnection) {
    HttpClient c = connect();
    const HttpResponse first = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(first));
    const auto elapsed = close_under_empty_lines(c);
    EXPECT_GE(elapsed, 1000ms) << "closed before the keep-alive timeout";
    EXPECT_LE(elapsed, 5000ms) << "empty lines restarted the 2 s keep-alive timeout";
}

TEST_F(Timeouts, ActiveConnectionOutlivesTheTimeouts) {
    // Requests every 0.5 s for 3 s: longer than both timeouts in total, but
    // never idle for as long as either.
    HttpClient c = connect();
    for (int i = 0; i < 6; ++i) {
        const HttpResponse r = c.request(make_request("GET", "/a.txt"));
        ASSERT_TRUE(well_framed(r)) << "request " << i;
        EXPECT_EQ(r.status, 200);
        std::this_thread::sleep_for(500ms);
    }
}

}  // namespace
}  // namespace tpserve::integration
