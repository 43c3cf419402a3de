// Methods other than GET and HEAD, and HTTP versions other than 1.x.
#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

class Methods : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }
};

TEST_F(Methods, WriteMethodsOnAFileAre405WithAllow) {
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "TRACE"}) {
        SCOPED_TRACE(method);
        const HttpResponse r = fetch(make_request(method, "/a.txt", "Content-Length: 0\r\n"));
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 405) << r.head;
        EXPECT_EQ(r.header("Allow").value_or("<none>"), "GET, HEAD, OPTIONS");
    }
}

TEST_F(Methods, ConnectIs405AndTheConnectionGoesOn) {
    // Authority-form ("host:port") is CONNECT's own target form (RFC 9112 §3.2.3).
    HttpClient c = connect();
    const HttpResponse r = c.request(make_request("CONNECT", "example.com:443"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 405) << r.head;
    EXPECT_EQ(r.header("Allow").value_or("<none>"), "GET, HEAD, OPTIONS");
    EXPECT_NE(r.header("Connection").value_or(""), "close");
    const HttpResponse next = c.request(make_request("GET", "/a.txt"));
    ASSERT_TRUE(well_framed(next));
    EXPECT_EQ(next.status, 200);
}

TEST_F(Methods, PostWithABodyIs405AndTheConnectionGoesOn) {
    HttpClient c = connect();
    const HttpResponse r =
        c.request(make_request("POST", "/a.txt", "Content-Length: 5\r\n") + "hello");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 405);
    if (r.header("Connection").value_or("") != "close") {
        const HttpResponse next = c.request(make_request("GET", "/a.txt"));
        ASSERT_TRUE(well_framed(next));
        EXPECT_EQ(next.status, 200);
        EXPECT_EQ(next.body, site.content("/a.txt"));
    }
}

TEST_F(Methods, UnknownMethodBrewIs501) {
    const HttpResponse r = fetch(make_request("BREW", "/"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 501) << r.head;
}

TEST_F(Methods, UnknownMethodPropfindIs501) {
    const HttpResponse r = fetch(make_request("PROPFIND", "/", "Content-Length: 0\r\n"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 501) << r.head;
}

TEST_F(Methods, Http20RequestLineIs505) {
    const HttpResponse r = fetch(make_request("GET", "/", "", "HTTP/2.0"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 505) << r.head;
}

TEST_F(Methods, Http30RequestLineIs505) {
    const HttpResponse r = fetch(make_request("GET", "/", "", "HTTP/3.0"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 505) << r.head;
}

TEST_F(Methods, Http12IsServedAs11) {
    // RFC 9110 §2.5: a later minor version of HTTP/1 is handled as 1.1.
    HttpClient c = connect();
    for (int i = 0; i < 2; ++i) {  // and kept alive, as 1.1 is
        const HttpResponse r = c.request(make_request("GET", "/a.txt", "", "HTTP/1.2"));
        ASSERT_TRUE(well_framed(r)) << "request " << i;
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_EQ(r.head.rfind("HTTP/1.1 200", 0), 0u) << r.head;
    }
}

}  // namespace
}  // namespace tpserve::integration
