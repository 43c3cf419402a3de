#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "http/ParserHarness.h"

namespace tpserve::http {
namespace {

using test::Conn;
using test::Outcome;

std::string chunked(std::size_t total, std::size_t piece) {
    std::string out;
    char size_line[32];
    for (std::size_t done = 0; done < total;) {
        const std::size_t n = std::min(piece, total - done);
        std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
        out += size_line;
        out += std::string(n, 'b');
        out += "\r\n";
        done += n;
    }
    return out + "0\r\n\r\n";
}

TEST(Body, OneMebibyteContentLengthStreamsThroughSixteenKibibytes) {
    const config::Limits l;  // body 1 MiB, head 16 KiB
    const std::string input = "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 1048576\r\n\r\n" +
                              std::string(1 << 20, 'x') + "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
    for (std::size_t chunk : {std::size_t{4096}, std::size_t{16384}, std::size_t{999}}) {
        SCOPED_TRACE(chunk);
        Conn c(l, 16384);
        const Outcome out = c.run(input, chunk);
        EXPECT_EQ(out.status, 0);
        EXPECT_FALSE(out.buffer_full);
        ASSERT_EQ(out.requests.size(), 2u);
        EXPECT_EQ(out.requests[0].target, "/up");
        EXPECT_TRUE(out.requests[0].has_body);
        EXPECT_EQ(out.requests[0].headers.size(), 2u);
        EXPECT_EQ(out.requests[1].target, "/next");
        EXPECT_FALSE(out.requests[1].has_body);
        EXPECT_LE(out.max_filled, 16384u);
    }
}

TEST(Body, ChunkedBodyStreamsAndTrailersAreDropped) {
    const config::Limits l;
    const std::string input = "GET /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                              chunked(1 << 20, 3000) + "GET /next HTTP/1.1\r\n\r\n";
    Conn c(l, 16384);
    const Outcome out = c.run(input, 1500);
    EXPECT_EQ(out.status, 0);
    // A chunked request ends the connection (llhttp's chunk framing is
    // lenient about bare CR), so the pipelined GET is never parsed.
    ASSERT_EQ(out.requests.size(), 1u);
    EXPECT_TRUE(out.requests[0].has_body);
    EXPECT_FALSE(out.requests[0].keep_alive);

    Conn t;
    const Outcome trailers = t.run(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nA: 1\r\n\r\n"
        "3;ext=1\r\nabc\r\n0\r\nTrailer-Field: x\r\n\r\n",
        2);
    EXPECT_EQ(trailers.status, 0);
    ASSERT_EQ(trailers.requests.size(), 1u);
    ASSERT_EQ(trailers.requests[0].headers.size(), 2u);
    EXPECT_EQ(trailers.requests[0].headers[1].first, "A");
}

// Smuggling through lenient chunk framing: whatever llhttp makes of a bare CR,
// no second request may be read from the same connection.
TEST(Body, BareCrInChunkedFramingNeverYieldsASecondRequest) {
    const std::string head = "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const std::string& body : {std::string("0\r\n\rXGET /b HTTP/1.1\r\nHost: h\r\n\r\n"),
                                    std::string("5\r\nhello\rX0\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
                                    std::string("0\r\n\rGET /b HTTP/1.1\r\nHost: h\r\n\r\n")}) {
        SCOPED_TRACE(body);
        Conn c;
        const Outcome out = c.run(head + body, 3);
        for (const auto& request : out.requests)
            EXPECT_NE(request.target, "/b");
        EXPECT_LE(out.requests.size(), 1u);
    }
}

// Chunk extensions count against the body limit (else one request streams forever).
TEST(Body, ChunkExtensionsCountAgainstTheLimit) {
    config::Limits l;
    l.body_bytes = 1000;
    Conn c(l);
    const std::string input = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                              std::string(5000, 'e') + "\r\na\r\n0\r\n\r\n";
    EXPECT_EQ(c.run(input, 512).status, 413);
}

TEST(Body, BodyLimit) {
    config::Limits l;
    l.body_bytes = 100;
    // Content-Length known up front: 413 with only the head received.
    Conn c(l);
    EXPECT_EQ(c.feed("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"), ParseEvent::Error);
    EXPECT_EQ(c.parser().error_status(), 413);
    Conn ok(l);
    EXPECT_EQ(ok.run("POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x'), 7)
                  .requests.size(),
              1u);
    // Chunked: counted as it arrives.
    const std::string head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    Conn at(l);
    const Outcome at_limit = at.run(head + chunked(100, 30), 4);
    EXPECT_EQ(at_limit.status, 0);
    EXPECT_EQ(at_limit.requests.size(), 1u);
    Conn over(l);
    EXPECT_EQ(over.run(head + chunked(101, 30), 4).status, 413);
    Conn endless(l);
    EXPECT_EQ(endless.run(head + "ffffff\r\n" + std::string(5000, 'z'), 64).status, 413);
}

TEST(Body, HeadOfABodyRequestSurvivesDroppingTheWindow) {
    Conn c(config::Limits{}, 256);
    ASSERT_EQ(c.feed("PUT /file HTTP/1.1\r\nHost: example\r\nContent-Length: 10\r\n\r\n01234"),
              ParseEvent::NeedMore);
    EXPECT_EQ(c.parser().droppable(), c.filled());  // head copied, body consumed
    c.compact();
    EXPECT_EQ(c.filled(), 0u);
    ASSERT_EQ(c.feed("56789"), ParseEvent::Request);
    const Request& r = c.parser().request();
    EXPECT_EQ(r.method, Method::Put);
    EXPECT_EQ(r.target, "/file");
    EXPECT_EQ(r.header("host"), "example");
    EXPECT_EQ(r.header("content-length"), "10");
    EXPECT_TRUE(r.has_body);
    c.compact();  // the head lives in the parser, not the window
    EXPECT_EQ(c.parser().request().target, "/file");
}

TEST(Body, ZeroContentLengthIsNoBody) {
    Conn c;
    ASSERT_EQ(c.feed("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"), ParseEvent::Request);
    EXPECT_FALSE(c.parser().request().has_body);
}

TEST(ExpectContinue, SignalledOnceWhenTheBodyIsMissing) {
    Conn c;
    ASSERT_EQ(c.feed("POST /u HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n\r\n"),
              ParseEvent::ExpectContinue);
    EXPECT_EQ(c.parser().request().target, "/u");
    EXPECT_TRUE(c.parser().request().has_body);
    EXPECT_EQ(c.parse(), ParseEvent::NeedMore);  // once only
    c.compact();
    EXPECT_EQ(c.feed("ab"), ParseEvent::NeedMore);
    EXPECT_EQ(c.feed("cd"), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().target, "/u");
}

TEST(ExpectContinue, BodyPartlyPresentStillSignals) {
    Conn c;
    EXPECT_EQ(
        c.feed(
            "POST / HTTP/1.1\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab"),
        ParseEvent::ExpectContinue);
    EXPECT_EQ(c.feed("\r\n0\r\n\r\n"), ParseEvent::Request);
}

TEST(ExpectContinue, NotSignalledWhenNotNeeded) {
    // The whole body is already here.
    Conn a;
    const Outcome whole =
        a.run("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nab", 1000);
    EXPECT_EQ(whole.continues, 0);
    EXPECT_EQ(whole.requests.size(), 1u);
    // No body at all.
    Conn b;
    EXPECT_EQ(b.feed("GET / HTTP/1.1\r\nExpect: 100-continue\r\n\r\n"), ParseEvent::Request);
    // HTTP/1.0 clients do not wait for 100 (RFC 9110 §10.1.1).
    Conn d;
    EXPECT_EQ(d.feed("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"),
              ParseEvent::NeedMore);
    // Byte by byte, the signal comes exactly once.
    Conn e;
    const Outcome slow =
        e.run("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc", 1);
    EXPECT_EQ(slow.continues, 1);
    EXPECT_EQ(slow.requests.size(), 1u);
}

TEST(ExpectContinue, OncePerPipelinedRequest) {
    const std::string one =
        "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc";
    Conn c;
    const Outcome out = c.run(one + one, 1);
    EXPECT_EQ(out.continues, 2);
    EXPECT_EQ(out.requests.size(), 2u);
}

TEST(ExpectContinue, OtherExpectationsAre417) {
    for (const char* value : {"foo", "100-continue, foo", "200-ok", ""}) {
        SCOPED_TRACE(value);
        Conn c;
        EXPECT_EQ(c.feed(std::string("POST / HTTP/1.1\r\nExpect: ") + value +
                         "\r\nContent-Length: 2\r\n\r\n"),
                  ParseEvent::Error);
        EXPECT_EQ(c.parser().error_status(), 417);
    }
}

TEST(ExpectContinue, BodyLimitWinsOverContinue) {
    config::Limits l;
    l.body_bytes = 10;
    Conn c(l);
    EXPECT_EQ(c.feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"),
              ParseEvent::Error);
    EXPECT_EQ(c.parser().error_status(), 413);
}

}  // namespace
}  // namespace tpserve::http
