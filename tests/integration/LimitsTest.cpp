// Size limits from the config file, request bodies on GET, Expect: 100-continue.
#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

constexpr const char* kLimits =
    "limits:\n"
    "  request_line_bytes: 1024\n"
    "  header_bytes: 4096\n"
    "  header_count: 20\n"
    "  body_bytes: 1000\n";

class Limits : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start(kLimits)); }
};

TEST_F(Limits, TooLongTargetIs414) {
    const HttpResponse r = get("/" + std::string(2000, 'a'));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 414) << r.head;
}

TEST_F(Limits, TargetJustUnderTheLimitIsServed) {
    // "GET " + target + " HTTP/1.1" stays under 1024 bytes: an ordinary 404.
    const HttpResponse r = get("/" + std::string(900, 'a'));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 404) << r.head;
}

TEST_F(Limits, TooManyHeadersIs431) {
    std::string extra;
    for (int i = 0; i < 30; ++i)
        extra += "X-Field-" + std::to_string(i) + ": v\r\n";
    const HttpResponse r = get("/a.txt", extra);
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 431) << r.head;
}

TEST_F(Limits, TooLargeHeaderBlockIs431) {
    std::string extra;
    for (int i = 0; i < 3; ++i)
        extra += "X-Big-" + std::to_string(i) + ": " + std::string(1500, 'v') + "\r\n";
    const HttpResponse r = get("/a.txt", extra);
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 431) << r.head;
}

TEST_F(Limits, GetWithTooLargeContentLengthIs413) {
    // The body is never sent: the server must answer from the head alone.
    const HttpResponse r = fetch(make_request("GET", "/a.txt", "Content-Length: 5000\r\n"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 413) << r.head;
}

TEST_F(Limits, GetWithASmallBodyIsServedAndTheBodySkipped) {
    HttpClient c = connect();
    const HttpResponse r =
        c.request(make_request("GET", "/a.txt", "Content-Length: 500\r\n") + std::string(500, 'z'));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/a.txt"));
    const HttpResponse next = c.request(make_request("GET", "/c.txt"));
    ASSERT_TRUE(well_framed(next)) << "the 500-byte body was not skipped";
    EXPECT_EQ(next.status, 200);
    EXPECT_EQ(next.body, site.content("/c.txt"));
}

TEST_F(Limits, ExpectContinueGets100ThenTheResponse) {
    HttpClient c = connect();
    ASSERT_TRUE(
        c.send(make_request("GET", "/a.txt", "Content-Length: 10\r\nExpect: 100-continue\r\n")));
    const HttpResponse interim = c.read_response();
    ASSERT_TRUE(interim.ok()) << interim.error;
    EXPECT_EQ(interim.head.rfind("HTTP/1.1 100 Continue\r\n", 0), 0u) << printable(interim.head);
    ASSERT_TRUE(c.send("0123456789"));
    const HttpResponse r = c.read_response();
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, site.content("/a.txt"));
    const HttpResponse next = c.request(make_request("GET", "/c.txt"));
    ASSERT_TRUE(well_framed(next));
    EXPECT_EQ(next.body, site.content("/c.txt"));
}

}  // namespace
}  // namespace tpserve::integration
