// Persistent connections, HTTP/1.0, Connection: close and pipelining.
#include <thread>

#include "ServerFixture.h"
#include "TestData.h"

namespace tpserve::integration {
namespace {

bool has_token(const HttpResponse& r, std::string_view name, std::string_view token) {
    std::string v = r.header(name).value_or("");
    for (auto& ch : v)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return v.find(token) != std::string::npos;
}

class KeepAlive : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }
};

TEST_F(KeepAlive, HundredSequentialRequestsOnOneConnection) {
    HttpClient c = connect();
    for (int i = 0; i < 100; ++i) {
        const std::string path = "/small/f" + std::to_string(i % 10) + ".txt";
        const HttpResponse r = c.request(make_request("GET", path));
        ASSERT_TRUE(well_framed(r)) << "request " << i;
        ASSERT_EQ(r.status, 200) << "request " << i;
        ASSERT_EQ(r.body, site.content(path)) << "request " << i;
        ASSERT_FALSE(has_token(r, "Connection", "close")) << "request " << i << "\n" << r.head;
    }
    EXPECT_TRUE(c.connected());
}

TEST_F(KeepAlive, Http10WithoutKeepAliveCloses) {
    HttpClient c = connect();
    const HttpResponse r = c.request(make_request("GET", "/a.txt", "", "HTTP/1.0"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/a.txt"));
    EXPECT_FALSE(has_token(r, "Connection", "keep-alive")) << r.head;
    const CloseResult closed = c.read_until_close(3s);
    EXPECT_TRUE(closed.closed) << "the server kept an HTTP/1.0 connection open";
    EXPECT_EQ(closed.data, "") << "bytes after the response";
}

TEST_F(KeepAlive, Http10WithKeepAliveStaysOpen) {
    HttpClient c = connect();
    for (int i = 0; i < 3; ++i) {
        const HttpResponse r =
            c.request(make_request("GET", "/a.txt", "Connection: keep-alive\r\n", "HTTP/1.0"));
        ASSERT_TRUE(well_framed(r)) << "request " << i;
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(has_token(r, "Connection", "keep-alive")) << r.head;
        EXPECT_EQ(r.body, site.content("/a.txt"));
    }
}

TEST_F(KeepAlive, Http11ConnectionCloseIsHonoured) {
    HttpClient c = connect();
    const HttpResponse r = c.request(make_request("GET", "/a.txt", "Connection: close\r\n"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(has_token(r, "Connection", "close")) << r.head;
    const CloseResult closed = c.read_until_close(3s);
    EXPECT_TRUE(closed.closed) << "the server did not close after Connection: close";
    EXPECT_EQ(closed.data, "");
}

TEST_F(KeepAlive, ThreePipelinedRequestsInOneWrite) {
    HttpClient c = connect();
    ASSERT_TRUE(c.send(make_request("GET", "/a.txt") + make_request("HEAD", "/b.txt") +
                       make_request("GET", "/c.txt")));
    const HttpResponse a = c.read_response();
    const HttpResponse b = c.read_response(true);
    const HttpResponse cc = c.read_response();
    ASSERT_TRUE(well_framed(a));
    ASSERT_TRUE(b.ok()) << b.error;
    ASSERT_TRUE(well_framed(cc));
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, site.content("/a.txt"));
    EXPECT_EQ(b.status, 200);
    EXPECT_EQ(b.header("Content-Length").value_or(""),
              std::to_string(site.content("/b.txt").size()));
    EXPECT_EQ(cc.status, 200);
    EXPECT_EQ(cc.body, site.content("/c.txt")) << "a HEAD body leaked into the stream?";
    EXPECT_FALSE(c.data_pending(200ms)) << "extra bytes: " << printable(c.read_some(200, 0ms));
}

TEST_F(KeepAlive, PipelinedWithA404InTheMiddle) {
    HttpClient c = connect();
    ASSERT_TRUE(c.send(make_request("GET", "/a.txt") + make_request("GET", "/missing.txt") +
                       make_request("GET", "/c.txt")));
    const HttpResponse a = c.read_response();
    const HttpResponse missing = c.read_response();
    const HttpResponse cc = c.read_response();
    ASSERT_TRUE(well_framed(a));
    ASSERT_TRUE(well_framed(missing));
    ASSERT_TRUE(well_framed(cc));
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, site.content("/a.txt"));
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(cc.status, 200);
    EXPECT_EQ(cc.body, site.content("/c.txt"));
}

TEST_F(KeepAlive, RequestSplitAcrossManyWrites) {
    HttpClient c = connect();
    const std::string req = make_request("GET", "/c.txt", "User-Agent: split-test\r\n");
    for (char ch : req) {
        ASSERT_TRUE(c.send(std::string_view(&ch, 1)));
        std::this_thread::sleep_for(1ms);
    }
    const HttpResponse r = c.read_response();
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/c.txt"));
}

}  // namespace
}  // namespace tpserve::integration
