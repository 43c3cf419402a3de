// Inputs on which two HTTP parsers may disagree about where a request ends.
// Each must be refused (and the connection closed), whole or byte by byte.
#include <gtest/gtest.h>

#include <string>

#include "http/ParserHarness.h"

namespace tpserve::http {
namespace {

struct Case {
    const char* name;
    std::string request;
    int status;  // 0: accepted
};

std::string req(const std::string& fields, const std::string& rest = "") {
    return "POST / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n" + rest;
}

const Case kCases[] = {
    // Framing.
    {"TE then CL", req("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "0\r\n\r\n"), 400},
    {"CL then TE", req("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
    {"CL twice differing", req("Content-Length: 3\r\nContent-Length: 4\r\n", "abcd"), 400},
    {"CL twice equal", req("Content-Length: 3\r\nContent-Length: 3\r\n", "abc"), 400},
    {"CL list", req("Content-Length: 3, 3\r\n", "abc"), 400},
    {"CL negative", req("Content-Length: -1\r\n"), 400},
    {"CL plus sign", req("Content-Length: +3\r\n", "abc"), 400},
    {"CL hex", req("Content-Length: 0x3\r\n", "abc"), 400},
    {"CL empty", req("Content-Length:\r\n"), 400},
    {"CL trailing junk", req("Content-Length: 3x\r\n", "abc"), 400},
    {"CL inner space", req("Content-Length: 1 2\r\n"), 400},
    {"CL overflow", req("Content-Length: 99999999999999999999999\r\n"), 400},
    {"CL ok", req("Content-Length: 3\r\n", "abc"), 0},
    {"CL with OWS ok", req("Content-Length:  3 \r\n", "abc"), 0},
    {"TE identity", req("Transfer-Encoding: identity\r\n"), 400},
    {"TE gzip only", req("Transfer-Encoding: gzip\r\n"), 400},
    {"TE chunked, identity", req("Transfer-Encoding: chunked, identity\r\n"), 400},
    {"TE chunked, gzip", req("Transfer-Encoding: chunked, gzip\r\n"), 400},
    {"TE chunked twice",
     req("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"), 400},
    {"TE xchunked", req("Transfer-Encoding: xchunked\r\n"), 400},
    {"TE empty", req("Transfer-Encoding:\r\n"), 400},
    {"TE empty with CL", req("Transfer-Encoding: \r\nContent-Length: 3\r\n", "abc"), 400},
    {"TE blank with CL", req("Transfer-Encoding: \t\r\nContent-Length: 3\r\n", "abc"), 400},
    {"TE comma only", req("Transfer-Encoding: ,\r\n"), 400},
    {"TE empty on GET", "GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n", 400},
    {"TE chunked then empty field ok",
     req("Transfer-Encoding: chunked\r\nTransfer-Encoding:\r\n", "0\r\n\r\n"), 0},
    {"TE chunked ok", req("Transfer-Encoding: chunked\r\n", "0\r\n\r\n"), 0},
    {"TE CHUNKED ok", req("Transfer-Encoding: CHUNKED\r\n", "0\r\n\r\n"), 0},
    {"TE gzip, chunked ok", req("Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n"), 0},
    {"TE on GET ok", "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 0},
    // Chunk framing.
    {"chunk size not hex", req("Transfer-Encoding: chunked\r\n", "zz\r\n"), 400},
    {"chunk size negative", req("Transfer-Encoding: chunked\r\n", "-1\r\na\r\n0\r\n\r\n"), 400},
    {"chunk size space", req("Transfer-Encoding: chunked\r\n", "1 \r\na\r\n0\r\n\r\n"), 400},
    {"chunk size overflow", req("Transfer-Encoding: chunked\r\n", "fffffffffffffffffffff\r\n"),
     400},
    {"chunk longer than size", req("Transfer-Encoding: chunked\r\n", "1\r\nab\r\n0\r\n\r\n"), 400},
    {"chunk bare LF", req("Transfer-Encoding: chunked\r\n", "1\na\n0\n\n"), 400},
    {"chunk extension ok", req("Transfer-Encoding: chunked\r\n", "1;a=b\r\na\r\n0\r\n\r\n"), 0},
    // Field syntax.
    {"obs-fold", req("X-A: b\r\n c\r\n"), 400},
    {"obs-fold tab", req("X-A: b\r\n\tc\r\n"), 400},
    {"space before colon", req("X-A : b\r\n"), 400},
    {"space before colon on Content-Length", req("Content-Length : 3\r\n", "abc"), 400},
    {"tab before colon", req("X-A\t: b\r\n"), 400},
    {"leading space on first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n", 400},
    {"empty name", req(": x\r\n"), 400},
    {"no colon", req("Host h\r\n"), 400},
    {"bad name char", req("Ho(st: h\r\n"), 400},
    {"bad name char @", req("X@Y: h\r\n"), 400},
    {"NUL in name", req(std::string("X\0Y: h\r\n", 8)), 400},
    {"NUL in value", req(std::string("X: a\0b\r\n", 8)), 400},
    {"CTL in value",
     req("X: a\x01"
         "b\r\n"),
     400},
    {"DEL in value",
     req("X: a\x7f"
         "b\r\n"),
     400},
    {"obs-text in value ok", req("X: caf\xc3\xa9\r\n"), 0},
    {"tab in value ok", req("X: a\tb\r\n"), 0},
    // Line endings.
    {"bare LF after request line", "GET / HTTP/1.1\nHost: h\r\n\r\n", 400},
    {"bare LF only", "GET / HTTP/1.1\n\n", 400},
    {"bare LF after field", "GET / HTTP/1.1\r\nHost: h\n\r\n", 400},
    {"bare LF ending head", "GET / HTTP/1.1\r\nHost: h\r\n\n", 400},
    {"bare CR in value", "GET / HTTP/1.1\r\nHost: h\rx\r\n\r\n", 400},
    {"bare CR after request line", "GET / HTTP/1.1\rHost: h\r\n\r\n", 400},
    {"CR CR LF ending head", "GET / HTTP/1.1\r\nHost: h\r\n\r\r\n", 400},
    {"CR in target", "GET /a\rb HTTP/1.1\r\n\r\n", 400},
    // Request line.
    {"two spaces before target", "GET  / HTTP/1.1\r\n\r\n", 400},
    {"two spaces before version", "GET /  HTTP/1.1\r\n\r\n", 400},
    {"tab separator", "GET\t/ HTTP/1.1\r\n\r\n", 400},
    {"space in target", "GET /a b HTTP/1.1\r\n\r\n", 400},
    {"no target", "GET HTTP/1.1\r\n\r\n", 400},
};

TEST(Smuggling, Table) {
    for (const Case& c : kCases) {
        for (std::size_t chunk : {c.request.size(), std::size_t{1}}) {
            SCOPED_TRACE(testing::Message() << c.name << " chunk " << chunk);
            test::Conn conn;
            // A pipelined request after it must not be reached on error.
            const test::Outcome out = conn.run(c.request + "GET /smuggled HTTP/1.1\r\n\r\n", chunk);
            EXPECT_EQ(out.status, c.status);
            if (c.status == 0 && c.request.find("Transfer-Encoding") != std::string::npos) {
                // Accepted, but a chunked request closes the connection.
                ASSERT_EQ(out.requests.size(), 1u);
                EXPECT_FALSE(out.requests[0].keep_alive);
            } else if (c.status == 0) {
                ASSERT_EQ(out.requests.size(), 2u);
                EXPECT_EQ(out.requests[1].target, "/smuggled");
            } else {
                for (const auto& r : out.requests) {
                    EXPECT_NE(r.target, "/smuggled");
                }
            }
        }
    }
}

}  // namespace
}  // namespace tpserve::http
