// Requests that are not HTTP/1.1 as RFC 9112 defines it: 400, then close.
#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

struct BadRequest {
    const char* name;
    std::string bytes;
    // Names the case in test listings instead of dumping the struct's bytes.
    friend void PrintTo(const BadRequest& b, std::ostream* os) { *os << b.name; }
};

class Malformed : public ServerFixture, public ::testing::WithParamInterface<BadRequest> {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }
};

TEST_P(Malformed, Is400AndCloses) {
    HttpClient c = connect();
    ASSERT_TRUE(c.send(GetParam().bytes));
    const HttpResponse r = c.read_response();
    ASSERT_TRUE(well_framed(r)) << "request: " << printable(GetParam().bytes);
    EXPECT_EQ(r.status, 400) << "request: " << printable(GetParam().bytes) << "\nresponse:\n"
                             << r.head;
    EXPECT_EQ(r.header("Connection").value_or("<none>"), "close") << r.head;
    const CloseResult closed = c.read_until_close(3s);
    EXPECT_TRUE(closed.closed) << "the connection stayed open after a 400";
    EXPECT_EQ(closed.data, "") << "bytes after the 400";

    // And the server goes on serving others.
    const HttpResponse ok = get("/a.txt");
    ASSERT_TRUE(well_framed(ok));
    EXPECT_EQ(ok.status, 200);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, Malformed,
    ::testing::Values(
        // A TLS ClientHello sent to the plain-text port.
        BadRequest{"TlsHandshake", std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"
                                               "garbage\r\n\r\n",
                                               22)},
        BadRequest{"GarbageLine", "\x01\x02\x03 garbage \x7f\r\n\r\n"},
        BadRequest{"SpaceInHeaderName", "GET / HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n"},
        BadRequest{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"},
        BadRequest{"ContentLengthNotANumber",
                   "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"},
        BadRequest{"ChunkedAndContentLength",
                   "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                   "Content-Length: 5\r\n\r\n0\r\n\r\n"},
        BadRequest{"ChunkedAndContentLengthOnGet",
                   "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
        BadRequest{"ConflictingContentLengths",
                   "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
                   "\r\nab"},
        BadRequest{"MissingHost", "GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n"},
        BadRequest{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"}),
    [](const ::testing::TestParamInfo<BadRequest>& param_info) {
        return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace tpserve::integration
