// Conditional requests (RFC 9110 §13.2.2): If-Match and If-Unmodified-Since
// -> 412, If-None-Match (weak comparison, lists, *) and If-Modified-Since ->
// 304, evaluated in the RFC's order, on GET and HEAD.
#include "ServerFixture.h"
#include "TestData.h"

namespace tpserve::integration {
namespace {

constexpr std::time_t kMtime = 1600000000;  // Sun, 13 Sep 2020 12:26:40 GMT

class Conditional : public ServerFixture {
protected:
    void SetUp() override {
        tree.set_mtime("www/b.txt", kMtime);
        ASSERT_TRUE(start());
        const HttpResponse r = get("/b.txt");
        ASSERT_TRUE(well_framed(r));
        ASSERT_EQ(r.status, 200);
        etag = r.header("ETag").value_or("");
        ASSERT_TRUE(etag.size() >= 3 && etag.front() == '"') << "need a strong ETag: " << etag;
        ASSERT_EQ(r.header("Last-Modified").value_or(""), http_date(kMtime));
    }

    HttpResponse cond(std::string_view method, const std::string& headers,
                      std::string_view path = "/b.txt") {
        return fetch(make_request(method, path, headers), method == "HEAD");
    }

    void expect_200(const HttpResponse& r) {
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_EQ(r.body, site.content("/b.txt"));
    }

    // 304: no body (nothing follows the head on the connection), the
    // validators and Date, and no Content-Length other than the
    // representation's own (RFC 9110 §15.4.5, §8.6).
    void expect_304(std::string_view method, const std::string& headers) {
        HttpClient c = connect();
        const HttpResponse r = c.request(make_request(method, "/b.txt", headers), true);
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.status, 304) << method << " with\n" << headers << r.head;
        EXPECT_EQ(r.header("ETag").value_or("<none>"), etag) << r.head;
        EXPECT_EQ(r.header("Last-Modified").value_or("<none>"), http_date(kMtime)) << r.head;
        EXPECT_TRUE(r.header("Date")) << r.head;
        if (const auto cl = r.header("Content-Length")) {
            EXPECT_EQ(*cl, std::to_string(site.content("/b.txt").size()))
                << "a 304's Content-Length may only be the representation's";
        }
        EXPECT_FALSE(r.header("Content-Range")) << r.head;
        EXPECT_FALSE(c.data_pending(150ms))
            << "bytes after a 304: " << printable(c.read_some(200, 0ms));
        // The connection goes on.
        const HttpResponse next = c.request(make_request("GET", "/a.txt"));
        ASSERT_TRUE(well_framed(next));
        EXPECT_EQ(next.body, site.content("/a.txt"));
    }

    void expect_412(std::string_view method, const std::string& headers) {
        HttpClient c = connect();
        const bool head = method == "HEAD";
        const HttpResponse r = c.request(make_request(method, "/b.txt", headers), head);
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.status, 412) << method << " with\n" << headers << r.head;
        if (!head) {
            ASSERT_TRUE(well_framed(r));
            EXPECT_EQ(r.body.find(site.content("/b.txt")), std::string::npos);
        }
        EXPECT_FALSE(c.data_pending(150ms)) << "bytes after the 412";
    }

    std::string etag;
};

TEST_F(Conditional, IfMatchMismatchIs412) {
    expect_412("GET", "If-Match: \"something-else\"\r\n");
    expect_412("HEAD", "If-Match: \"something-else\"\r\n");
}

TEST_F(Conditional, IfMatchUsesStrongComparison) {
    expect_412("GET", "If-Match: W/" + etag + "\r\n");
}

TEST_F(Conditional, IfMatchSuccesses) {
    expect_200(cond("GET", "If-Match: " + etag + "\r\n"));
    expect_200(cond("GET", "If-Match: \"a\", " + etag + ", \"b\"\r\n"));
    expect_200(cond("GET", "If-Match: *\r\n"));
}

TEST_F(Conditional, IfMatchStarOnAMissingFileIsNot200) {
    const HttpResponse r = cond("GET", "If-Match: *\r\n", "/no-such-file");
    ASSERT_TRUE(well_framed(r));
    EXPECT_TRUE(r.status == 404 || r.status == 412) << r.head;
}

TEST_F(Conditional, IfUnmodifiedSinceInThePastIs412) {
    expect_412("GET", "If-Unmodified-Since: " + http_date(kMtime - 1) + "\r\n");
    expect_412("HEAD", "If-Unmodified-Since: " + http_date(kMtime - 86400) + "\r\n");
}

TEST_F(Conditional, IfUnmodifiedSinceAtOrAfterTheMtimeIs200) {
    expect_200(cond("GET", "If-Unmodified-Since: " + http_date(kMtime) + "\r\n"));
    expect_200(cond("GET", "If-Unmodified-Since: " + http_date(kMtime + 3600) + "\r\n"));
}

TEST_F(Conditional, IfUnmodifiedSinceIsIgnoredWhenIfMatchIsPresent) {
    // §13.2.2 step 2 applies only without If-Match.
    expect_200(cond("GET", "If-Match: " + etag +
                               "\r\nIf-Unmodified-Since: " + http_date(kMtime - 86400) + "\r\n"));
}

TEST_F(Conditional, IfMatchIsEvaluatedBeforeIfNoneMatch) {
    expect_412("GET", "If-Match: \"other\"\r\nIf-None-Match: " + etag + "\r\n");
}

TEST_F(Conditional, IfNoneMatchIs304) {
    expect_304("GET", "If-None-Match: " + etag + "\r\n");
    expect_304("HEAD", "If-None-Match: " + etag + "\r\n");
}

TEST_F(Conditional, IfNoneMatchListWeakAndStar) {
    expect_304("GET", "If-None-Match: \"x\", \"y\", " + etag + "\r\n");
    expect_304("GET", "If-None-Match: \"x\",W/" + etag + "\r\n");  // weak comparison
    expect_304("GET", "If-None-Match: W/" + etag + "\r\n");
    expect_304("GET", "If-None-Match: *\r\n");
    expect_304("GET", "If-None-Match: \"x\"\r\nIf-None-Match: " + etag + "\r\n");  // two lines
}

TEST_F(Conditional, IfNoneMatchMismatchIs200) {
    expect_200(cond("GET", "If-None-Match: \"x\", W/\"y\"\r\n"));
}

TEST_F(Conditional, IfModifiedSince) {
    expect_304("GET", "If-Modified-Since: " + http_date(kMtime) + "\r\n");
    expect_304("GET", "If-Modified-Since: " + http_date(kMtime + 60) + "\r\n");
    expect_304("HEAD", "If-Modified-Since: " + http_date(kMtime) + "\r\n");
    expect_200(cond("GET", "If-Modified-Since: " + http_date(kMtime - 1) + "\r\n"));
}

TEST_F(Conditional, InvalidIfModifiedSinceIsIgnored) {
    expect_200(cond("GET", "If-Modified-Since: yesterday\r\n"));
    expect_200(
        cond("GET", "If-Modified-Since: " + http_date(kMtime) + ", " + http_date(kMtime) + "\r\n"));
}

TEST_F(Conditional, IfNoneMatchTakesPrecedenceOverIfModifiedSince) {
    // A mismatching If-None-Match wins over a matching date...
    expect_200(cond(
        "GET", "If-None-Match: \"x\"\r\nIf-Modified-Since: " + http_date(kMtime + 60) + "\r\n"));
    // ...and a matching one over an old date.
    expect_304("GET", "If-None-Match: " + etag +
                          "\r\nIf-Modified-Since: " + http_date(kMtime - 86400) + "\r\n");
}

TEST_F(Conditional, ConditionalsComeBeforeRange) {
    expect_304("GET", "If-None-Match: " + etag + "\r\nRange: bytes=0-9\r\n");
    expect_412("GET", "If-Match: \"x\"\r\nRange: bytes=0-9\r\n");
    // A passing If-Match keeps the range.
    const HttpResponse r = cond("GET", "If-Match: " + etag + "\r\nRange: bytes=0-9\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 206) << r.head;
    EXPECT_EQ(r.body, site.content("/b.txt").substr(0, 10));
}

TEST_F(Conditional, ANotFoundIsNeverA304) {
    const HttpResponse r = cond("GET", "If-None-Match: *\r\n", "/no-such-file");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 404) << r.head;
}

TEST_F(Conditional, IfNoneMatchOnADirectoryIndex) {
    const HttpResponse first = get("/docs/");
    ASSERT_TRUE(well_framed(first));
    const auto tag = first.header("ETag");
    ASSERT_TRUE(tag) << first.head;
    const HttpResponse r = fetch(make_request("GET", "/docs/", "If-None-Match: " + *tag + "\r\n"));
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 304) << r.head;
}

}  // namespace
}  // namespace tpserve::integration
