// Response headers by rule: globs on the path set Cache-Control, Expires
// (Date + max-age) and extra fields, in order with the later rule winning;
// on 2xx, 304 and 3xx, never on errors.
#include "ServerFixture.h"
#include "TestData.h"

namespace tpserve::integration {
namespace {

constexpr const char* kRules =
    "headers:\n"
    "  - match: \"*\"\n"
    "    set: {X-Content-Type-Options: nosniff, X-Frame-Options: DENY}\n"
    "  - match: \"*.{css,js}\"\n"
    "    max_age: 7d\n"
    "  - match: \"/app.js\"\n"
    "    cache_control: \"public, immutable\"\n"
    "  - match: \"/index.html\"\n"
    "    cache_control: no-cache\n"
    "  - match: \"/docs/**\"\n"
    "    set: {Access-Control-Allow-Origin: \"*\"}\n"
    "  - match: \"f?.txt\"\n"
    "    set: {X-Small: \"yes\"}\n"
    "  - match: \"*.txt\"\n"
    "    set: {X-Order: first}\n"
    "  - match: \"a.txt\"\n"
    "    set: {X-Order: second}\n";

constexpr long kWeek = 7 * 24 * 3600;

class HeaderRules : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start(kRules)); }

    static void expect_expires(const HttpResponse& r, long max_age) {
        const auto date = parse_http_date(r.header("Date").value_or(""));
        const auto expires = parse_http_date(r.header("Expires").value_or(""));
        ASSERT_TRUE(date && expires) << "Date and Expires must be IMF-fixdates\n" << r.head;
        EXPECT_LE(std::abs(static_cast<long>(*expires - *date) - max_age), 1L) << r.head;
        EXPECT_EQ(r.header_count("Expires"), 1u);
    }

    static void expect_no_rule_headers(const HttpResponse& r) {
        for (const char* name :
             {"X-Frame-Options", "Expires", "X-Order", "X-Small", "Access-Control-Allow-Origin"}) {
            EXPECT_FALSE(r.header(name)) << name << " on a " << r.status << "\n" << r.head;
        }
        EXPECT_NE(r.header("Cache-Control").value_or(""), "max-age=604800") << r.head;
    }
};

TEST_F(HeaderRules, MaxAgeSetsCacheControlAndExpires) {
    const HttpResponse r = get("/style.css");
    ASSERT_TRUE(well_framed(r));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Cache-Control").value_or("<none>"), "max-age=604800");
    EXPECT_EQ(r.header_count("Cache-Control"), 1u);
    expect_expires(r, kWeek);
    EXPECT_EQ(r.header("X-Content-Type-Options").value_or("<none>"), "nosniff");
    EXPECT_EQ(r.header("X-Frame-Options").value_or("<none>"), "DENY");
    EXPECT_FALSE(r.header("Access-Control-Allow-Origin"));
    EXPECT_EQ(r.body, site.content("/style.css"));
}

TEST_F(HeaderRules, RawCacheControlWinsButExpiresStays) {
    const HttpResponse r = get("/app.js");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.header("Cache-Control").value_or("<none>"), "public, immutable");
    EXPECT_EQ(r.header_count("Cache-Control"), 1u);
    expect_expires(r, kWeek);
}

TEST_F(HeaderRules, CacheControlWithoutMaxAgeHasNoExpires) {
    const HttpResponse r = get("/index.html");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.header("Cache-Control").value_or("<none>"), "no-cache");
    EXPECT_FALSE(r.header("Expires")) << r.head;
}

TEST_F(HeaderRules, WholePathGlobWithDoubleStar) {
    for (const char* path : {"/docs/guide.html", "/docs/index.html"}) {
        const HttpResponse r = get(path);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.header("Access-Control-Allow-Origin").value_or("<none>"), "*") << path;
    }
    const HttpResponse other = get("/a.txt");
    ASSERT_TRUE(well_framed(other));
    EXPECT_FALSE(other.header("Access-Control-Allow-Origin"));
}

TEST_F(HeaderRules, QuestionMarkMatchesOneCharacterOfTheLastSegment) {
    for (const char* path : {"/small/f0.txt", "/small/f9.txt"}) {
        const HttpResponse r = get(path);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.header("X-Small").value_or("<none>"), "yes") << path;
    }
    for (const char* path : {"/c.txt", "/a.txt"}) {
        const HttpResponse r = get(path);
        ASSERT_TRUE(well_framed(r));
        EXPECT_FALSE(r.header("X-Small")) << path;
    }
}

TEST_F(HeaderRules, TheLaterRuleWinsForTheSameField) {
    const HttpResponse a = get("/a.txt");
    ASSERT_TRUE(well_framed(a));
    EXPECT_EQ(a.header("X-Order").value_or("<none>"), "second");
    EXPECT_EQ(a.header_count("X-Order"), 1u) << a.head;
    const HttpResponse c = get("/c.txt");
    ASSERT_TRUE(well_framed(c));
    EXPECT_EQ(c.header("X-Order").value_or("<none>"), "first");
}

TEST_F(HeaderRules, TheQueryIsNotPartOfThePathAndEscapesAreDecoded) {
    for (const char* target : {"/style.css?v=2", "/sty%6Ce.css"}) {
        const HttpResponse r = get(target);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << target;
        EXPECT_EQ(r.header("Cache-Control").value_or("<none>"), "max-age=604800") << target;
    }
}

TEST_F(HeaderRules, NotOnErrors) {
    const HttpResponse missing = get("/no-such.css");
    ASSERT_TRUE(well_framed(missing));
    EXPECT_EQ(missing.status, 404);
    expect_no_rule_headers(missing);
    const HttpResponse forbidden = get("/empty/");
    ASSERT_TRUE(well_framed(forbidden));
    EXPECT_EQ(forbidden.status, 403);
    expect_no_rule_headers(forbidden);
    const HttpResponse unsatisfiable = get("/style.css", "Range: bytes=9999-\r\n");
    ASSERT_TRUE(well_framed(unsatisfiable));
    EXPECT_EQ(unsatisfiable.status, 416);
    expect_no_rule_headers(unsatisfiable);
}

TEST_F(HeaderRules, On304And206AndHead) {
    const auto tag = get("/style.css").header("ETag");
    ASSERT_TRUE(tag);
    HttpClient c = connect();
    const HttpResponse nm =
        c.request(make_request("GET", "/style.css", "If-None-Match: " + *tag + "\r\n"), true);
    ASSERT_TRUE(nm.ok()) << nm.error;
    EXPECT_EQ(nm.status, 304);
    EXPECT_EQ(nm.header("Cache-Control").value_or("<none>"), "max-age=604800") << nm.head;
    expect_expires(nm, kWeek);
    EXPECT_EQ(nm.header("X-Frame-Options").value_or("<none>"), "DENY");

    const HttpResponse part = get("/style.css", "Range: bytes=0-3\r\n");
    ASSERT_TRUE(well_framed(part));
    EXPECT_EQ(part.status, 206);
    EXPECT_EQ(part.header("Cache-Control").value_or("<none>"), "max-age=604800");

    const HttpResponse head = fetch(make_request("HEAD", "/style.css"), true);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head.header("Cache-Control").value_or("<none>"), "max-age=604800");
    expect_expires(head, kWeek);
}

TEST_F(HeaderRules, OnRedirects) {
    const HttpResponse r = get("/docs");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("X-Frame-Options").value_or("<none>"), "DENY") << r.head;
}

class DefaultHeaderRules : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }
};

TEST_F(DefaultHeaderRules, NosniffByDefault) {
    for (const char* path : {"/a.txt", "/index.html", "/logo.png"}) {
        const HttpResponse r = get(path);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.header("X-Content-Type-Options").value_or("<none>"), "nosniff") << path;
        EXPECT_EQ(r.header_count("X-Content-Type-Options"), 1u);
    }
}

}  // namespace
}  // namespace tpserve::integration
