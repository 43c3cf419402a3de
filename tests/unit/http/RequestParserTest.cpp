#include "http/RequestParser.h"

#include <gtest/gtest.h>

#include <string>

#include "http/ParserHarness.h"

namespace tpserve::http {
namespace {

using test::Conn;
using test::Outcome;

const std::string kGet =
    "GET /index.html?q=1 HTTP/1.1\r\n"
    "Host: example.com\r\n"
    "Accept: */*\r\n"
    "X-Pad:   padded value \t \r\n"
    "Empty:\r\n"
    "\r\n";

void expect_get(const test::Seen& s) {
    EXPECT_EQ(s.method, Method::Get);
    EXPECT_EQ(s.method_text, "GET");
    EXPECT_EQ(s.target, "/index.html?q=1");
    EXPECT_EQ(s.major, 1);
    EXPECT_EQ(s.minor, 1);
    ASSERT_EQ(s.headers.size(), 4u);
    EXPECT_EQ(s.headers[0], (std::pair<std::string, std::string>{"Host", "example.com"}));
    EXPECT_EQ(s.headers[1], (std::pair<std::string, std::string>{"Accept", "*/*"}));
    EXPECT_EQ(s.headers[2], (std::pair<std::string, std::string>{"X-Pad", "padded value"}));
    EXPECT_EQ(s.headers[3], (std::pair<std::string, std::string>{"Empty", ""}));
    EXPECT_TRUE(s.keep_alive);
    EXPECT_FALSE(s.has_body);
}

TEST(RequestParser, ParsesAWholeRequest) {
    Conn c;
    ASSERT_EQ(c.feed(kGet), ParseEvent::Request);
    expect_get(test::snapshot(c.parser().request()));
    // Until next(), the same request is answered again and nothing is consumed.
    EXPECT_EQ(c.parse(), ParseEvent::Request);
    EXPECT_EQ(c.parser().droppable(), 0u);
    c.parser().next();
    EXPECT_EQ(c.parser().droppable(), kGet.size());
    EXPECT_EQ(c.parse(), ParseEvent::NeedMore);
}

TEST(RequestParser, EverySplitPointOfTwoReads) {
    for (std::size_t split = 0; split <= kGet.size(); ++split) {
        for (bool compact : {false, true}) {
            SCOPED_TRACE(testing::Message() << "split " << split << " compact " << compact);
            Conn c;
            const ParseEvent first = c.feed(std::string_view(kGet).substr(0, split));
            if (split < kGet.size()) {
                ASSERT_EQ(first, ParseEvent::NeedMore);
                if (compact) {
                    c.compact();
                }
                ASSERT_EQ(c.feed(std::string_view(kGet).substr(split)), ParseEvent::Request);
            } else {
                ASSERT_EQ(first, ParseEvent::Request);
            }
            expect_get(test::snapshot(c.parser().request()));
        }
    }
}

TEST(RequestParser, OneByteAtATime) {
    for (bool compact : {false, true}) {
        Conn c;
        const Outcome out = c.run(kGet + kGet, 1, compact);
        EXPECT_EQ(out.status, 0);
        ASSERT_EQ(out.requests.size(), 2u);
        expect_get(out.requests[0]);
        expect_get(out.requests[1]);
    }
}

TEST(RequestParser, ThreePipelinedRequestsInOneWindow) {
    const std::string a = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string b = "HEAD /b HTTP/1.1\r\nHost: y\r\n\r\n";
    const std::string d = "GET /c HTTP/1.1\r\nHost: z\r\n\r\n";
    Conn c;
    c.append(a + b + d);
    ASSERT_EQ(c.parse(), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().target, "/a");
    EXPECT_EQ(c.parser().request().header("host"), "x");
    EXPECT_EQ(c.parser().droppable(), 0u);
    c.parser().next();
    EXPECT_EQ(c.parser().droppable(), a.size());

    ASSERT_EQ(c.parse(), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().method, Method::Head);
    EXPECT_EQ(c.parser().request().target, "/b");
    EXPECT_EQ(c.parser().droppable(), a.size());  // the head of /b is still in use
    c.parser().next();
    EXPECT_EQ(c.parser().droppable(), a.size() + b.size());
    c.compact();  // the caller frees /a and /b before parsing /c
    EXPECT_EQ(c.filled(), d.size());

    ASSERT_EQ(c.parse(), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().target, "/c");
    EXPECT_EQ(c.parser().request().header("Host"), "z");
    c.parser().next();
    EXPECT_EQ(c.parse(), ParseEvent::NeedMore);
    EXPECT_EQ(c.parser().droppable(), d.size());
}

TEST(RequestParser, PipelinedRequestsInAnyChunking) {
    std::string all;
    for (int i = 0; i < 3; ++i) {
        all += "GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n";
    }
    all += "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
    all += "GET /after HTTP/1.1\r\n\r\n";
    for (std::size_t chunk = 1; chunk <= all.size(); ++chunk) {
        SCOPED_TRACE(chunk);
        Conn c;
        const Outcome out = c.run(all, chunk);
        ASSERT_EQ(out.status, 0);
        ASSERT_EQ(out.requests.size(), 5u);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(out.requests[static_cast<std::size_t>(i)].target, "/" + std::to_string(i));
        }
        EXPECT_EQ(out.requests[3].target, "/p");
        EXPECT_TRUE(out.requests[3].has_body);
        EXPECT_EQ(out.requests[4].target, "/after");
    }
}

TEST(RequestParser, LeadingEmptyLinesAreSkippedAndDroppable) {
    Conn c;
    ASSERT_EQ(c.feed("\r\n\r\n"), ParseEvent::NeedMore);
    EXPECT_EQ(c.parser().droppable(), 4u);
    c.compact();
    ASSERT_EQ(c.feed("GET / HTTP/1.1\r\n\r\n"), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().target, "/");
}

TEST(RequestParser, HeadersKeepOrderDuplicatesAndTrimming) {
    Conn c;
    ASSERT_EQ(c.feed("GET / HTTP/1.1\r\n"
                     "Accept: a\r\n"
                     "accept:\t b \t\r\n"
                     "Connection: Keep-Alive ,  Upgrade\r\n"
                     "Connection: foo\r\n"
                     "Upgrade: websocket\r\n"
                     "\r\n"),
              ParseEvent::Request);
    const Request& r = c.parser().request();
    ASSERT_EQ(r.headers.size(), 5u);
    EXPECT_EQ(r.headers[0].value, "a");
    EXPECT_EQ(r.headers[1].name, "accept");
    EXPECT_EQ(r.headers[1].value, "b");
    EXPECT_EQ(r.header("ACCEPT"), "a");
    EXPECT_EQ(r.header("Missing"), "");
    EXPECT_TRUE(r.has_token("connection", "keep-alive"));
    EXPECT_TRUE(r.has_token("Connection", "UPGRADE"));
    EXPECT_TRUE(r.has_token("Connection", "foo"));  // the second field counts too
    EXPECT_FALSE(r.has_token("Connection", "close"));
    EXPECT_FALSE(r.has_token("Connection", "keep"));
    EXPECT_FALSE(r.has_token("Missing", "x"));
    // An Upgrade is not performed: the request is an ordinary one.
    EXPECT_TRUE(r.keep_alive);
    c.parser().next();
    EXPECT_EQ(c.feed("GET /next HTTP/1.1\r\n\r\n"), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().target, "/next");
}

TEST(RequestParser, ConnectIsAnOrdinaryRequest) {
    Conn c;
    ASSERT_EQ(c.feed("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nGET / "
                     "HTTP/1.1\r\n\r\n"),
              ParseEvent::Request);
    EXPECT_EQ(c.parser().request().method, Method::Connect);
    EXPECT_EQ(c.parser().request().target, "example.com:443");
    c.parser().next();
    EXPECT_EQ(c.parse(), ParseEvent::Request);
    EXPECT_EQ(c.parser().request().method, Method::Get);
}

struct KeepAliveCase {
    const char* request;
    bool keep_alive;
};

TEST(RequestParser, KeepAliveTable) {
    const KeepAliveCase cases[] = {
        {"GET / HTTP/1.1\r\n\r\n", true},
        {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", false},
        {"GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\n\r\n", false},
        {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
        {"GET / HTTP/1.0\r\nConnection: close\r\n\r\n", false},
    };
    for (const auto& kc : cases) {
        SCOPED_TRACE(kc.request);
        Conn c;
        ASSERT_EQ(c.feed(kc.request), ParseEvent::Request);
        EXPECT_EQ(c.parser().request().keep_alive, kc.keep_alive);
    }
}

TEST(RequestParser, BytesAfterAClosingRequestAreIgnored) {
    Conn c;
    ASSERT_EQ(c.feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET /x HTTP/1.1\r\n\r\n"),
              ParseEvent::Request);
    c.parser().next();
    EXPECT_EQ(c.parse(), ParseEvent::NeedMore);
    EXPECT_EQ(c.parser().droppable(), c.filled());
}

struct MethodCase {
    const char* text;
    Method method;
    int status;  // 0: parsed
};

TEST(RequestParser, MethodTable) {
    const MethodCase cases[] = {
        {"GET", Method::Get, 0},          {"HEAD", Method::Head, 0},
        {"POST", Method::Post, 0},        {"PUT", Method::Put, 0},
        {"DELETE", Method::Delete, 0},    {"OPTIONS", Method::Options, 0},
        {"TRACE", Method::Trace, 0},      {"PATCH", Method::Patch, 0},
        {"PROPFIND", Method::Other, 0},   {"MKCOL", Method::Other, 0},
        {"FOO", Method::Other, 501},      {"BREW", Method::Other, 501},
        {"GETX", Method::Other, 501},     {"get", Method::Other, 501},
        {"DESCRIBE", Method::Other, 501}, {"G@T", Method::Other, 400},
        {"GET\t", Method::Other, 400},    {"\x01GET", Method::Other, 400},
        {"PRI", Method::Other, 400},
    };
    for (const auto& mc : cases) {
        const std::string req = std::string(mc.text) + " / HTTP/1.1\r\nHost: h\r\n\r\n";
        for (std::size_t chunk : {req.size(), std::size_t{1}}) {
            SCOPED_TRACE(testing::Message() << mc.text << " chunk " << chunk);
            Conn c;
            const Outcome out = c.run(req, chunk);
            EXPECT_EQ(out.status, mc.status);
            if (mc.status == 0) {
                ASSERT_EQ(out.requests.size(), 1u);
                EXPECT_EQ(out.requests[0].method, mc.method);
                EXPECT_EQ(out.requests[0].method_text, mc.text);
            }
        }
    }
}

TEST(RequestParser, UnknownMethodAfterAGoodRequest) {
    Conn c;
    const Outcome out = c.run("GET / HTTP/1.1\r\n\r\n\r\nBREW /pot HTTP/1.1\r\n\r\n", 3);
    EXPECT_EQ(out.requests.size(), 1u);
    EXPECT_EQ(out.status, 501);
}

struct VersionCase {
    const char* line;
    int status;
};

TEST(RequestParser, VersionTable) {
    const VersionCase cases[] = {
        {"GET / HTTP/1.1", 0},    {"GET / HTTP/1.0", 0},    {"GET / HTTP/2.0", 505},
        {"GET / HTTP/3.0", 505},  {"GET / HTTP/0.9", 505},  {"GET / HTTP/2.1", 505},
        {"GET / HTTP/1.2", 0},    {"GET / HTTP/1.9", 0},    {"GET / HTTP/9.9", 505},
        {"GET / HTTP/11.1", 400}, {"GET / HTTP/1", 400},    {"GET / HTTP/1.a", 400},
        {"GET / http/1.1", 400},  {"GET / HTTP/1.1 ", 400}, {"GET /", 400},
        {"GET / HTTX/1.1", 400},  {"PRI * HTTP/2.0", 505},
    };
    for (const auto& vc : cases) {
        const std::string req = std::string(vc.line) + "\r\n\r\n";
        for (std::size_t chunk : {req.size(), std::size_t{1}}) {
            SCOPED_TRACE(testing::Message() << vc.line << " chunk " << chunk);
            Conn c;
            const Outcome out = c.run(req, chunk);
            EXPECT_EQ(out.status, vc.status);
            EXPECT_EQ(out.requests.size(), vc.status == 0 ? 1u : 0u);
        }
    }
}

TEST(RequestParser, ALaterMinorVersionIsHandledAs11) {
    // RFC 9110 §2.5: a higher minor version of HTTP/1 is processed as 1.1,
    // with 1.1's rules (persistent by default, Host required).
    Conn c;
    const Outcome out = c.run("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 1000);
    ASSERT_EQ(out.requests.size(), 1u);
    EXPECT_EQ(out.requests[0].major, 1);
    EXPECT_EQ(out.requests[0].minor, 1);
    EXPECT_TRUE(out.requests[0].keep_alive);
}

TEST(RequestParser, Http09RequestIsRejectedWithoutWaitingForHeaders) {
    Conn c;
    EXPECT_EQ(c.feed("GET /\r\n"), ParseEvent::Error);
    EXPECT_EQ(c.parser().error_status(), 400);
}

TEST(RequestParser, ErrorIsStickyUntilReset) {
    Conn c;
    ASSERT_EQ(c.feed("G@T / HTTP/1.1\r\n\r\n"), ParseEvent::Error);
    EXPECT_EQ(c.parser().error_status(), 400);
    EXPECT_FALSE(c.parser().error_reason().empty());
    EXPECT_EQ(c.parse(), ParseEvent::Error);
    EXPECT_EQ(c.parser().error_status(), 400);
    // A fresh connection on the same parser, with its own window.
    c.parser().reset();
    EXPECT_EQ(c.parser().error_status(), 0);
    EXPECT_EQ(c.parser().droppable(), 0u);
    const std::string bytes = kGet;
    EXPECT_EQ(c.parser().parse(std::as_bytes(std::span(bytes.data(), bytes.size()))),
              ParseEvent::Request);
    expect_get(test::snapshot(c.parser().request()));
}

}  // namespace
}  // namespace tpserve::http
