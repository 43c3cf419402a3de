// OPTIONS (a path and `OPTIONS *`) -> 204 with Allow; TRACE and the other
// known methods -> 405 with the same Allow; asterisk-form only for OPTIONS.
#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

constexpr const char* kAllow = "GET, HEAD, OPTIONS";

class Options : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }

    // A 204: Allow, no Content-Length (RFC 9110 §8.6), no body on the wire,
    // and the connection stays usable.
    void expect_204(const std::string& raw) {
        HttpClient c = connect();
        const HttpResponse r = c.request(raw);
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.status, 204) << printable(raw) << "\n" << r.head;
        EXPECT_EQ(r.header("Allow").value_or("<none>"), kAllow);
        EXPECT_FALSE(r.header("Content-Length")) << "Content-Length on a 204";
        EXPECT_FALSE(r.header("Transfer-Encoding"));
        EXPECT_FALSE(c.data_pending(150ms))
            << "bytes after a 204: " << printable(c.read_some(200, 0ms));
        const HttpResponse next = c.request(make_request("GET", "/a.txt"));
        ASSERT_TRUE(well_framed(next));
        EXPECT_EQ(next.body, site.content("/a.txt"));
    }
};

TEST_F(Options, OptionsOnAPath) {
    expect_204(make_request("OPTIONS", "/a.txt"));
    expect_204(make_request("OPTIONS", "/"));
    expect_204(make_request("OPTIONS", "/no-such-file"));
}

TEST_F(Options, OptionsAsterisk) {
    expect_204(make_request("OPTIONS", "*"));
    expect_204(make_request("OPTIONS", "*", "Content-Length: 0\r\n"));
}

TEST_F(Options, TraceIsRefusedAndNotEchoed) {
    const HttpResponse r =
        fetch(make_request("TRACE", "/a.txt", "X-Secret-Cookie: trace-marker-81723\r\n"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 405) << r.head;
    EXPECT_EQ(r.header("Allow").value_or("<none>"), kAllow);
    EXPECT_EQ(r.raw().find("trace-marker-81723"), std::string::npos) << "TRACE echoed the request";
    EXPECT_NE(r.header("Content-Type").value_or(""), "message/http");
}

TEST_F(Options, OtherKnownMethodsAre405WithTheSameAllow) {
    for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
        SCOPED_TRACE(method);
        const HttpResponse r = fetch(make_request(method, "/a.txt", "Content-Length: 0\r\n"));
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 405) << r.head;
        EXPECT_EQ(r.header("Allow").value_or("<none>"), kAllow);
        EXPECT_FALSE(r.body.empty()) << "a 405 needs a body";
    }
}

TEST_F(Options, UnknownMethodIs501WithABody) {
    const HttpResponse r = fetch(make_request("BREW", "/a.txt"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 501) << r.head;
    EXPECT_FALSE(r.body.empty());
}

TEST_F(Options, AsteriskFormIsTheAsteriskAlone) {
    // RFC 9112 §3.2.4: "*" exactly; "*x" is neither asterisk- nor origin-form.
    for (const char* target : {"*x", "**", "*?a", "*a.txt", "a.txt"}) {
        SCOPED_TRACE(target);
        const HttpResponse r = fetch(make_request("OPTIONS", target));
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 400) << r.head;
    }
}

TEST_F(Options, AsteriskIsOnlyForOptions) {
    for (const char* method : {"GET", "HEAD"}) {
        SCOPED_TRACE(method);
        const HttpResponse r = fetch(make_request(method, "*"), std::string(method) == "HEAD");
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.status, 400) << r.head;
    }
}

}  // namespace
}  // namespace tpserve::integration
