#include <gtest/gtest.h>

#include <string>

#include "http/ParserHarness.h"

namespace tpserve::http {
namespace {

using test::Conn;
using test::Outcome;

config::Limits small_limits() {
    config::Limits l;
    l.request_line_bytes = 64;
    l.header_bytes = 256;
    l.header_count = 3;
    l.body_bytes = 1000;
    return l;
}

constexpr std::size_t kRoomy = 4096;  // buffer far beyond the limits: the limits must stop it

// "GET /aaa… HTTP/1.1" of exactly `len` bytes (CRLF not counted).
std::string line_of(std::size_t len) {
    const std::string fixed = "GET / HTTP/1.1";
    return "GET /" + std::string(len - fixed.size(), 'a') + " HTTP/1.1";
}

// A whole head (request line + fields + empty line) of exactly `len` bytes.
std::string head_of(std::size_t len) {
    const std::string fixed = "GET / HTTP/1.1\r\nX-Pad: \r\n\r\n";
    return "GET / HTTP/1.1\r\nX-Pad: " + std::string(len - fixed.size(), 'p') + "\r\n\r\n";
}

Outcome run(const std::string& input, std::size_t chunk) {
    Conn c(small_limits(), kRoomy);
    return c.run(input, chunk);
}

TEST(Limits, RequestLineAtTheLimitPassesOneMoreIs414) {
    ASSERT_EQ(line_of(64).size(), 64u);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, kRoomy}) {
        SCOPED_TRACE(chunk);
        const Outcome ok = run(line_of(64) + "\r\n\r\n", chunk);
        EXPECT_EQ(ok.status, 0);
        EXPECT_EQ(ok.requests.size(), 1u);
        EXPECT_EQ(run(line_of(65) + "\r\n\r\n", chunk).status, 414);
    }
}

TEST(Limits, EndlessRequestLineStopsAtTheLimit) {
    const std::string endless = "GET /" + std::string(3000, 'a');
    const Outcome out = run(endless, 1);
    EXPECT_EQ(out.status, 414);
    EXPECT_EQ(out.max_filled, 65u);  // not the 4 KiB buffer
    // Crossing the limit inside the version is caught at the byte that crosses it.
    const Outcome version = run(line_of(65) + "\r\n\r\n", 1);
    EXPECT_EQ(version.status, 414);
    EXPECT_EQ(version.max_filled, 65u);
    // And inside a method llhttp does not know.
    const Outcome method = run(std::string(3000, 'A'), 1);
    EXPECT_EQ(method.status, 414);
    EXPECT_EQ(method.max_filled, 65u);
}

TEST(Limits, HeaderCountAtTheLimitPassesOneMoreIs431) {
    const std::string three = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n";
    for (std::size_t chunk : {std::size_t{1}, kRoomy}) {
        const Outcome ok = run(three + "\r\n", chunk);
        EXPECT_EQ(ok.status, 0);
        ASSERT_EQ(ok.requests.size(), 1u);
        EXPECT_EQ(ok.requests[0].headers.size(), 3u);
        EXPECT_EQ(run(three + "D: 4\r\n\r\n", chunk).status, 431);
    }
}

TEST(Limits, HeadAtTheLimitPassesOneMoreIs431) {
    ASSERT_EQ(head_of(256).size(), 256u);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{5}, kRoomy}) {
        SCOPED_TRACE(chunk);
        EXPECT_EQ(run(head_of(256), chunk).status, 0);
        EXPECT_EQ(run(head_of(257), chunk).status, 431);
        // Exactly at the limit twice in a row: the limit is per request.
        const Outcome two = run(head_of(256) + head_of(256), chunk);
        EXPECT_EQ(two.status, 0);
        EXPECT_EQ(two.requests.size(), 2u);
    }
}

TEST(Limits, EndlessHeaderStopsAtTheLimit) {
    const std::string value = "GET / HTTP/1.1\r\nX: " + std::string(3000, 'v');
    Outcome out = run(value, 1);
    EXPECT_EQ(out.status, 431);
    EXPECT_EQ(out.max_filled, 256u);
    out = run("GET / HTTP/1.1\r\nX" + std::string(3000, 'n'), 1);
    EXPECT_EQ(out.status, 431);
    EXPECT_EQ(out.max_filled, 256u);
    // Whitespace llhttp skips without a callback is counted too.
    out = run("GET / HTTP/1.1\r\nX:" + std::string(3000, ' '), 1);
    EXPECT_EQ(out.status, 431);
    EXPECT_EQ(out.max_filled, 256u);
    // And a window holding far more than the limit at once.
    EXPECT_EQ(run(value + "\r\n\r\n", kRoomy).status, 431);
}

TEST(Limits, EmptyLinesBeforeARequestDoNotCount) {
    const Outcome out = run(std::string(600, '\n') + head_of(256), 16);
    EXPECT_EQ(out.status, 0);
    EXPECT_EQ(out.requests.size(), 1u);
}

TEST(Limits, DefaultLimitsMatchConfig) {
    const config::Limits l;
    Conn c(l);
    const Outcome ok = c.run(
        std::string("GET /") + std::string(l.request_line_bytes - 14, 'a') + " HTTP/1.1\r\n\r\n",
        100);
    EXPECT_EQ(ok.status, 0);
    Conn d(l);
    EXPECT_EQ(d.run(std::string("GET /") + std::string(l.request_line_bytes - 13, 'a') +
                        " HTTP/1.1\r\n\r\n",
                    100)
                  .status,
              414);
}

}  // namespace
}  // namespace tpserve::http
