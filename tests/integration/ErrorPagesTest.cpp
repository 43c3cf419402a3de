// Custom error pages (the file's bytes and type, the status unchanged; a
// missing page falls back to the built-in one) and the single-page-app
// fallback for unknown paths requested as HTML.
#include "ServerFixture.h"
#include "TestData.h"

namespace tpserve::integration {
namespace {

class ErrorPages : public ServerFixture {
protected:
    void SetUp() override {
        site.add("errors/404.html", "<!doctype html><title>custom 404</title><p>lost</p>\n");
        site.add("errors/404.txt", "plain custom 404\n");
        ASSERT_TRUE(
            start("error_pages:\n"
                  "  404: /errors/404.html\n"
                  "  403: /errors/missing-403.html\n"));
    }
};

TEST_F(ErrorPages, Custom404BodyWith404Status) {
    const HttpResponse r = get("/no/such/page");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 404) << r.head;
    EXPECT_EQ(r.body, site.content("/errors/404.html"));
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/html", 0), 0u) << r.head;
}

TEST_F(ErrorPages, HeadOfACustom404) {
    HttpClient c = connect();
    const HttpResponse r = c.request(make_request("HEAD", "/no/such/page"), true);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.header("Content-Length").value_or(""),
              std::to_string(site.content("/errors/404.html").size()));
    EXPECT_FALSE(c.data_pending(150ms)) << "a body after HEAD";
}

TEST_F(ErrorPages, ACustom404IsNeverPartialOrNotModified) {
    const auto page = get("/errors/404.html");
    ASSERT_TRUE(well_framed(page));
    const std::string tag = page.header("ETag").value_or("\"x\"");
    const std::vector<std::string> extras = {
        "Range: bytes=0-3\r\n", "If-None-Match: " + tag + "\r\n", "If-Match: \"nope\"\r\n",
        "If-Modified-Since: " + http_date(std::time(nullptr) + 3600) + "\r\n"};
    for (const std::string& extra : extras) {
        SCOPED_TRACE(extra);
        const HttpResponse r = get("/no-such", extra);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 404) << r.head;
        EXPECT_EQ(r.body, site.content("/errors/404.html"));
        EXPECT_FALSE(r.header("Content-Range"));
    }
}

TEST_F(ErrorPages, MissingErrorPageFallsBackToTheBuiltInOne) {
    const HttpResponse r = get("/empty/");  // a directory without an index: 403
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 403) << r.head;
    EXPECT_FALSE(r.body.empty());
    EXPECT_EQ(r.body.find("lost"), std::string::npos);
    EXPECT_NE(r.body.find("403"), std::string::npos) << r.body;
}

TEST_F(ErrorPages, OtherStatusesKeepTheBuiltInPage) {
    const HttpResponse r = fetch(make_request("POST", "/a.txt", "Content-Length: 0\r\n"));
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 405) << r.head;
    EXPECT_EQ(r.body.find("lost"), std::string::npos);
}

TEST_F(ErrorPages, TheServerKeepsGoingAfterErrorPages) {
    HttpClient c = connect();
    for (int i = 0; i < 3; ++i) {
        const HttpResponse miss = c.request(make_request("GET", "/missing-" + std::to_string(i)));
        ASSERT_TRUE(well_framed(miss));
        EXPECT_EQ(miss.status, 404);
        const HttpResponse hit = c.request(make_request("GET", "/a.txt"));
        ASSERT_TRUE(well_framed(hit));
        EXPECT_EQ(hit.body, site.content("/a.txt"));
    }
}

class ErrorPagesPlain : public ServerFixture {
protected:
    void SetUp() override {
        site.add("errors/404.txt", "plain custom 404\n");
        ASSERT_TRUE(start("error_pages: {404: /errors/404.txt}\n"));
    }
};

TEST_F(ErrorPagesPlain, TheErrorPageKeepsItsOwnType) {
    const HttpResponse r = get("/nothing-here.html");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "plain custom 404\n");
    EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/plain", 0), 0u) << r.head;
}

class SpaFallback : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start("fallback: /index.html\n")); }
};

TEST_F(SpaFallback, UnknownPathsRequestedAsHtmlGetTheIndex) {
    for (const char* accept :
         {"text/html", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}) {
        SCOPED_TRACE(accept);
        const HttpResponse r = get("/app/users/42", std::string("Accept: ") + accept + "\r\n");
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        EXPECT_EQ(r.body, site.content("/index.html"));
        EXPECT_EQ(r.header("Content-Type").value_or("").rfind("text/html", 0), 0u);
    }
}

TEST_F(SpaFallback, HeadAlsoFallsBack) {
    const HttpResponse r = fetch(make_request("HEAD", "/app/route", "Accept: text/html\r\n"), true);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.header("Content-Length").value_or(""),
              std::to_string(site.content("/index.html").size()));
}

TEST_F(SpaFallback, OtherAcceptsGet404) {
    for (const char* extra :
         {"Accept: application/json\r\n", "Accept: image/png\r\n", "Accept: */*\r\n", ""}) {
        SCOPED_TRACE(extra);
        const HttpResponse r = get("/app/missing.js", extra);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 404) << r.head;
        EXPECT_NE(r.body, site.content("/index.html"));
    }
}

TEST_F(SpaFallback, ExistingFilesAndOtherMethodsAreUnaffected) {
    const HttpResponse css = get("/style.css", "Accept: text/html\r\n");
    ASSERT_TRUE(well_framed(css));
    EXPECT_EQ(css.body, site.content("/style.css"));
    const HttpResponse post =
        fetch(make_request("POST", "/app/route", "Accept: text/html\r\nContent-Length: 0\r\n"));
    ASSERT_TRUE(well_framed(post));
    EXPECT_EQ(post.status, 405) << post.head;
}

TEST_F(SpaFallback, HiddenAndEscapingPathsDoNotFallBack) {
    // A path the server refuses for safety stays refused, not "found".
    for (const char* target : {"/.git/config", "/../outside/secret.txt"}) {
        SCOPED_TRACE(target);
        const HttpResponse r = get(target, "Accept: text/html\r\n");
        ASSERT_TRUE(r.ok()) << r.error;
        EXPECT_EQ(r.body.find(site.marker), std::string::npos);
        EXPECT_NE(r.body, site.content("/.git/config"));
    }
}

}  // namespace
}  // namespace tpserve::integration
