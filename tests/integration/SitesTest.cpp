// Several sites in one process, chosen by Host (or an absolute-form target's
// authority): exact names, the longest *.suffix wildcard, the default site;
// each with its own root and settings. HTTP/1.1 without Host -> 400.
#include "ConfigYaml.h"
#include "ServerFixture.h"
#include "TestData.h"

namespace tpserve::integration {
namespace {

class Sites : public ServerFixture {
protected:
    void SetUp() override {
        for (const char* name : {"exact", "wild", "deep", "fallback"}) {
            tree.write(std::string(name) + "/who.txt", std::string(name) + "\n");
        }
        tree.write("exact/only-exact.txt", "only in exact\n");
        tree.write("wild/sub/index.html", "<p>wild sub index</p>\n");
        tree.write("wild/empty/x.txt", "x\n");
        tree.write("deep/empty/x.txt", "x\n");
        const std::string yaml =
            "sites:\n"
            "  - hosts: [example.com, www.example.com]\n"
            "    root: " +
            yaml_quote(tree.path() / "exact") +
            "\n"
            "  - hosts: [\"*.example.com\"]\n"
            "    root: " +
            yaml_quote(tree.path() / "wild") +
            "\n"
            "    listing: true\n"
            "  - hosts: [\"*.deep.example.com\"]\n"
            "    root: " +
            yaml_quote(tree.path() / "deep") +
            "\n"
            "  - hosts: [other.test]\n"
            "    default: true\n"
            "    root: " +
            yaml_quote(tree.path() / "fallback") + "\n";
        ASSERT_TRUE(start(yaml));
    }

    // The body of /who.txt (or `path`) for a request with exactly these
    // request-line target and header lines.
    HttpResponse raw_get(const std::string& target, const std::string& headers,
                         const std::string& version = "HTTP/1.1") {
        return fetch("GET " + target + " " + version + "\r\n" + headers + "\r\n");
    }
    std::string who(const std::string& host) {
        const HttpResponse r = raw_get("/who.txt", "Host: " + host + "\r\n");
        if (!r.ok()) return "<error: " + r.error + ">";
        if (r.status != 200) return "<status " + std::to_string(r.status) + ">";
        return r.body;
    }
};

TEST_F(Sites, ExactNames) {
    EXPECT_EQ(who("example.com"), "exact\n");
    EXPECT_EQ(who("www.example.com"), "exact\n");
    EXPECT_EQ(who("other.test"), "fallback\n");
}

TEST_F(Sites, NamesAreCaseInsensitiveAndThePortIsIgnored) {
    EXPECT_EQ(who("EXAMPLE.com"), "exact\n");
    EXPECT_EQ(who("example.com:8080"), "exact\n");
    EXPECT_EQ(who("Example.Com:80"), "exact\n");
    EXPECT_EQ(who("a.example.com:1234"), "wild\n");
}

TEST_F(Sites, Wildcards) {
    EXPECT_EQ(who("a.example.com"), "wild\n");
    EXPECT_EQ(who("a.b.example.com"), "wild\n");
    EXPECT_EQ(who("deep.example.com"), "wild\n");    // *.deep... needs a label before "deep"
    EXPECT_EQ(who("x.deep.example.com"), "deep\n");  // the longest suffix wins
    EXPECT_EQ(who("y.x.deep.example.com"), "deep\n");
}

TEST_F(Sites, UnknownHostsGetTheDefaultSite) {
    EXPECT_EQ(who("unknown.test"), "fallback\n");
    EXPECT_EQ(who("127.0.0.1"), "fallback\n");
    EXPECT_EQ(who("example.com.evil.test"), "fallback\n");
    EXPECT_EQ(who("notexample.com"), "fallback\n");  // not *.example.com
}

TEST_F(Sites, EachSiteHasItsOwnRoot) {
    EXPECT_EQ(raw_get("/only-exact.txt", "Host: example.com\r\n").status, 200);
    const HttpResponse r = raw_get("/only-exact.txt", "Host: other.test\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 404) << r.head;
    // Not the top-level --root either.
    const HttpResponse top = raw_get("/a.txt", "Host: other.test\r\n");
    ASSERT_TRUE(well_framed(top));
    EXPECT_EQ(top.status, 404) << top.head;
}

TEST_F(Sites, EachSiteHasItsOwnListingSetting) {
    const HttpResponse wild = raw_get("/empty/", "Host: a.example.com\r\n");
    ASSERT_TRUE(well_framed(wild));
    EXPECT_EQ(wild.status, 200) << wild.head;
    EXPECT_NE(wild.body.find("x.txt"), std::string::npos);
    const HttpResponse deep = raw_get("/empty/", "Host: x.deep.example.com\r\n");
    ASSERT_TRUE(well_framed(deep));
    EXPECT_EQ(deep.status, 403) << deep.head;
}

TEST_F(Sites, AbsoluteFormTargetChoosesTheSite) {
    // RFC 9112 §3.2.2: the target's authority replaces Host.
    HttpResponse r = raw_get("http://a.example.com/who.txt", "Host: other.test\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.body, "wild\n");
    r = raw_get("http://EXAMPLE.COM:8080/who.txt", "Host: other.test\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.body, "exact\n");
    r = raw_get("http://example.com/only-exact.txt?q=1", "Host: example.com\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.body, "only in exact\n");
}

TEST_F(Sites, AbsoluteFormWithoutAHostIs400) {
    // RFC 9110 §4.2.1: an http URI with an empty host MUST be rejected; it
    // must not reach the default site while Host names another.
    for (const char* target : {"http:///who.txt", "http://:8080/who.txt", "https:///who.txt"}) {
        SCOPED_TRACE(target);
        const HttpResponse r = raw_get(target, "Host: a.example.com\r\n");
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 400) << r.head;
    }
}

TEST_F(Sites, AbsoluteFormDirectoryRedirectKeepsThePath) {
    const HttpResponse r = raw_get("http://a.example.com/sub", "Host: a.example.com\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 301) << r.head;
    const std::string location = r.header("Location").value_or("");
    EXPECT_TRUE(location == "/sub/" || location == "http://a.example.com/sub/") << location;
}

TEST_F(Sites, Http11WithoutHostIs400) {
    const HttpResponse r = raw_get("/who.txt", "");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 400) << r.head;
    EXPECT_EQ(r.body.find("fallback"), std::string::npos);
}

TEST_F(Sites, Http11WithTwoHostsIs400) {
    const HttpResponse r = raw_get("/who.txt", "Host: example.com\r\nHost: other.test\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.status, 400) << r.head;
}

TEST_F(Sites, Http10WithoutHostGetsTheDefaultSite) {
    HttpClient c = connect();
    const HttpResponse r = c.request("GET /who.txt HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.status, 200) << r.head;
    EXPECT_EQ(r.body, "fallback\n");
}

TEST_F(Sites, EveryRequestOnAConnectionIsRoutedByItsOwnHost) {
    HttpClient c = connect();
    for (const auto& [host, body] :
         std::vector<std::pair<std::string, std::string>>{{"example.com", "exact\n"},
                                                          {"a.example.com", "wild\n"},
                                                          {"other.test", "fallback\n"},
                                                          {"q.deep.example.com", "deep\n"},
                                                          {"example.com", "exact\n"}}) {
        const HttpResponse r = c.request("GET /who.txt HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.body, body) << host;
    }
}

// Without `default: true` the first site is the default.
class SitesFirstIsDefault : public ServerFixture {
protected:
    void SetUp() override {
        tree.write("one/who.txt", "one\n");
        tree.write("two/who.txt", "two\n");
        const std::string yaml =
            "sites:\n"
            "  - hosts: [one.test]\n"
            "    root: " +
            yaml_quote(tree.path() / "one") +
            "\n"
            "  - hosts: [two.test]\n"
            "    root: " +
            yaml_quote(tree.path() / "two") + "\n";
        ASSERT_TRUE(start(yaml));
    }
};

TEST_F(SitesFirstIsDefault, UnknownHostGetsTheFirstSite) {
    HttpResponse r = fetch("GET /who.txt HTTP/1.1\r\nHost: nobody.test\r\n\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.body, "one\n");
    r = fetch("GET /who.txt HTTP/1.1\r\nHost: two.test\r\n\r\n");
    ASSERT_TRUE(well_framed(r));
    EXPECT_EQ(r.body, "two\n");
}

}  // namespace
}  // namespace tpserve::integration
