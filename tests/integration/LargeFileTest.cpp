// A 50 MiB file: exact bytes by our client and by curl, and a graceful
// SIGTERM while it is still being sent to a slow reader.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "ServerFixture.h"
#include "TestData.h"
#include "WaitUntil.h"

namespace tpserve::integration {
namespace {

constexpr std::size_t kBigSize = 50u << 20;

class LargeFile : public ServerFixture {
protected:
    void SetUp() override { site.add("big.bin", random_bytes(kBigSize, 0x5eed)); }
    const std::string& big() const { return site.content("/big.bin"); }
};

TEST_F(LargeFile, FiftyMebibytesByteExact) {
    ASSERT_TRUE(start());
    HttpClient c = connect();
    const HttpResponse r = c.request(make_request("GET", "/big.bin"), false, 10s);
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    ASSERT_EQ(r.body.size(), kBigSize);
    EXPECT_TRUE(r.body == big()) << compare_bytes(big(), r.body);
    // The connection stays usable after a large body.
    const HttpResponse next = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(next));
    EXPECT_EQ(next.body, site.content("/a.txt"));
}

TEST_F(LargeFile, FiftyMebibytesByCurl) {
    if (::access("/usr/bin/curl", X_OK) != 0) GTEST_SKIP() << "no /usr/bin/curl";
    ASSERT_TRUE(start());
    const std::string out = (tree.path() / "curl-big.out").string();
    const std::string cmd =
        "/usr/bin/curl -s --max-time 30 -o '" + out + "' -w '%{http_code}' " + url("/big.bin");
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    char code[16] = {};
    const std::size_t n = std::fread(code, 1, sizeof code - 1, p);
    const int status = ::pclose(p);
    EXPECT_EQ(std::string(code, n), "200");
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << cmd << ": " << describe_wait_status(status);
    std::ifstream in(out, std::ios::binary);
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_TRUE(got.str() == big()) << compare_bytes(big(), got.str());
}

TEST_F(LargeFile, SigtermDrainsAnInFlightResponse) {
    ASSERT_TRUE(start("timeouts:\n  drain: 10s\n"));
    HttpClient c = connect(64 * 1024);  // a small window keeps most of the body in the server
    ASSERT_TRUE(c.send(make_request("GET", "/big.bin")));
    std::string received;
    const auto slow_until = std::chrono::steady_clock::now() + 500ms;
    while (std::chrono::steady_clock::now() < slow_until) {
        received += c.read_some(16 * 1024, 50ms);
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_FALSE(received.empty()) << "nothing arrived in 0.5 s";
    ASSERT_LT(received.size(), kBigSize / 2) << "the reader was not slow enough to test a drain";
    server.signal(ServerProcess::stop_signal());
    // Stopping closes the listeners: wait for a refused connection (judged
    // below either way), not a fixed time.
    support::wait_until(
        [&] {
            HttpClient probe;
            return !probe.connect(server.host(), server.port(), 2s) &&
                   probe.connect_errno() == ECONNREFUSED;
        },
        10s, 20ms);

    // New connections are refused (listener closed) or closed without an answer.
    HttpClient late;
    if (late.connect(server.host(), server.port(), 2s)) {
        late.send(make_request("GET", "/a.txt"));
        const CloseResult r = late.read_until_close(3s);
        EXPECT_TRUE(r.closed) << "a connection made after SIGTERM stayed open";
        EXPECT_EQ(r.data.rfind("HTTP/1.1 200", 0), std::string::npos)
            << "a connection made after SIGTERM was served:\n"
            << printable(r.data);
    } else {
        EXPECT_EQ(late.connect_errno(), ECONNREFUSED) << late.error();
    }

    // The in-flight response still arrives whole.
    while (received.find("\r\n\r\n") == std::string::npos) {
        const std::string more = c.read_some(64 * 1024, 5s);
        ASSERT_FALSE(more.empty()) << "the head never completed: " << printable(received);
        received += more;
    }
    const std::size_t head_end = received.find("\r\n\r\n") + 4;
    const std::string head = received.substr(0, head_end);
    ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << printable(head);
    std::string body = received.substr(head_end);
    if (body.size() < kBigSize) {
        auto rest = c.read_exact(kBigSize - body.size(), 10s);
        ASSERT_TRUE(rest) << "the body stopped after " << body.size() + c.buffered() << " of "
                          << kBigSize << " bytes once SIGTERM was sent\n"
                          << server.stderr_text();
        body += *rest;
    }
    EXPECT_TRUE(body == big()) << compare_bytes(big(), body);

    const auto status = server.wait_exit(12s);
    stopped = true;
    ASSERT_TRUE(status) << "the server did not exit within the 10 s drain timeout\n"
                        << server.stderr_text();
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << describe_wait_status(*status) << "\n"
        << server.stderr_text();
}

}  // namespace
}  // namespace tpserve::integration
