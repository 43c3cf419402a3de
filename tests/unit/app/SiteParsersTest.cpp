// SiteParsers: the text checks behind sites, header rules and error pages.
#include "app/SiteParsers.h"

#include <gtest/gtest.h>

#include <string>

namespace tpserve::app {
namespace {

using namespace std::chrono_literals;

bool ok(const std::string& why) {
    return why.empty();
}

TEST(SiteParsers, UrlPaths) {
    for (const char* good : {"/", "/index.html", "/errors/404.html", "/a/b/c", "/.well-known/x",
                             "/a..b", "/...", "/%20x", "/a/./b"}) {
        EXPECT_TRUE(ok(check_url_path(good))) << good << ": " << check_url_path(good);
    }
    EXPECT_NE(check_url_path("index.html").find("must start with '/'"), std::string::npos);
    EXPECT_NE(check_url_path("").find("must start with '/'"), std::string::npos);
    EXPECT_NE(check_url_path("/a?b").find("query"), std::string::npos);
    EXPECT_NE(check_url_path("/a#b").find("fragment"), std::string::npos);
    EXPECT_NE(check_url_path("/a b").find("spaces"), std::string::npos);
    EXPECT_NE(check_url_path("/a\tb").find("control"), std::string::npos);
    EXPECT_NE(check_url_path(std::string("/a\0b", 4)).find("control"), std::string::npos);
    EXPECT_NE(check_url_path("/a\x7f").find("control"), std::string::npos);
    EXPECT_NE(check_url_path("/a\\b").find("'/'"), std::string::npos);
    for (const char* bad : {"/..", "/../x", "/a/../b", "/a/..", "//.."})
        EXPECT_NE(check_url_path(bad).find("'..'"), std::string::npos) << bad;
}

TEST(SiteParsers, Globs) {
    for (const char* good : {"*", "**", "*.css", "/assets/**", "*.{css,js}", "{a,b}.{c,d}", "?.txt",
                             "/index.html", "{}", "app{,.min}.js"}) {
        EXPECT_TRUE(ok(check_glob(good))) << good << ": " << check_glob(good);
    }
    EXPECT_NE(check_glob("").find("cannot be empty"), std::string::npos);
    EXPECT_NE(check_glob("{a,{b,c}}").find("nested"), std::string::npos);
    EXPECT_NE(check_glob("*.{css").find("'{' without '}'"), std::string::npos);
    EXPECT_NE(check_glob("*.css}").find("'}' without '{'"), std::string::npos);
    EXPECT_NE(check_glob("*.css,*.js").find("outside"), std::string::npos);
    EXPECT_NE(check_glob("a\nb").find("control"), std::string::npos);
}

TEST(SiteParsers, FieldNames) {
    for (const char* good :
         {"X-Frame-Options", "Content-Security-Policy", "Strict-Transport-Security",
          "Access-Control-Allow-Origin", "Link", "x-custom", "X_Y", "A~^|`"}) {
        EXPECT_TRUE(ok(check_field_name(good))) << good << ": " << check_field_name(good);
    }
    EXPECT_NE(check_field_name("").find("empty"), std::string::npos);
    for (const char* bad : {"X Y", "X:Y", "X-Ü", "(x)", "a/b", "x\r"})
        EXPECT_NE(check_field_name(bad).find("not a valid header field name"), std::string::npos)
            << bad;
    for (const char* owned :
         {"Content-Length", "content-length", "CONTENT-LENGTH", "Transfer-Encoding", "Connection",
          "Keep-Alive", "Upgrade", "Trailer", "TE", "Content-Range", "Content-Encoding",
          "Content-Type", "Date", "Server", "ETag", "Last-Modified", "Location", "Accept-Ranges"}) {
        EXPECT_NE(check_field_name(owned).find("set by the server"), std::string::npos) << owned;
    }
    for (const char* keyed : {"Cache-Control", "expires", "EXPIRES"})
        EXPECT_NE(check_field_name(keyed).find("cache_control or max_age"), std::string::npos)
            << keyed;
}

TEST(SiteParsers, MaxAges) {
    std::chrono::seconds s{-1};
    EXPECT_TRUE(ok(parse_max_age("0", s)));
    EXPECT_EQ(s, 0s);
    EXPECT_TRUE(ok(parse_max_age("3600", s)));
    EXPECT_EQ(s, 3600s);
    EXPECT_TRUE(ok(parse_max_age("30s", s)));
    EXPECT_EQ(s, 30s);
    EXPECT_TRUE(ok(parse_max_age("10m", s)));
    EXPECT_EQ(s, 600s);
    EXPECT_TRUE(ok(parse_max_age("1h", s)));
    EXPECT_EQ(s, 3600s);
    EXPECT_TRUE(ok(parse_max_age("7d", s)));
    EXPECT_EQ(s, 604800s);
    EXPECT_TRUE(ok(parse_max_age("2w", s)));
    EXPECT_EQ(s, 1209600s);
    EXPECT_TRUE(ok(parse_max_age("1y", s)));
    EXPECT_EQ(s, 31536000s);
    EXPECT_TRUE(ok(parse_max_age("68y", s)));
    EXPECT_EQ(s, std::chrono::seconds(68LL * 31536000));
    EXPECT_TRUE(ok(parse_max_age("2147483647", s)));
    EXPECT_EQ(s, 2147483647s);

    s = 5s;
    for (const char* big : {"2147483648", "69y", "24856d", "99999999999999999999", "9999999999w"}) {
        EXPECT_NE(parse_max_age(big, s).find("too large"), std::string::npos) << big;
    }
    for (const char* bad : {"", "-1", "s", "1.5h", "7 d", " 7d", "7D", "7days", "1ms", "0x10"}) {
        EXPECT_NE(parse_max_age(bad, s).find("expected seconds or a duration"), std::string::npos)
            << bad;
    }
    EXPECT_EQ(s, 5s);  // untouched on failure
}

std::string host(std::string text, std::string& why) {
    why = normalize_site_host(text);
    return text;
}

TEST(SiteParsers, HostsAreNormalized) {
    std::string why;
    EXPECT_EQ(host("Example.COM", why), "example.com");
    EXPECT_EQ(why, "");
    EXPECT_EQ(host("example.com.", why), "example.com");
    EXPECT_EQ(why, "");
    EXPECT_EQ(host("*.Example.com", why), "*.example.com");
    EXPECT_EQ(why, "");
    EXPECT_EQ(host("*.example.com.", why), "*.example.com");
    EXPECT_EQ(why, "");
    for (const char* good : {"localhost", "127.0.0.1", "a-b.c_d.e", "xn--bcher-kva.example",
                             "*.com", "[::1]", "[::]", "[2001:DB8::1]", "[::ffff:1.2.3.4]"}) {
        host(good, why);
        EXPECT_EQ(why, "") << good;
    }
    EXPECT_EQ(host("[2001:DB8::1]", why), "[2001:db8::1]");
    const std::string label63(63, 'a');
    host(label63 + ".com", why);
    EXPECT_EQ(why, "");
}

TEST(SiteParsers, BadHosts) {
    std::string why;
    const auto reason = [&](const std::string& text) {
        host(text, why);
        EXPECT_FALSE(why.empty()) << text;
        return why;
    };
    EXPECT_NE(reason("").find("cannot be empty"), std::string::npos);
    EXPECT_NE(reason("example.com:8080").find("no port"), std::string::npos);
    EXPECT_NE(reason("[::1]:80").find("bracketed IPv6"), std::string::npos);
    EXPECT_NE(reason("[]").find("bracketed IPv6"), std::string::npos);
    EXPECT_NE(reason("[::g]").find("bracketed IPv6"), std::string::npos);
    EXPECT_NE(reason("::1").find("no port"), std::string::npos);
    EXPECT_NE(reason("a..b").find("empty label"), std::string::npos);
    EXPECT_NE(reason(".a").find("empty label"), std::string::npos);
    EXPECT_NE(reason(".").find("empty label"), std::string::npos);
    EXPECT_NE(reason("a.b..").find("empty label"), std::string::npos);
    EXPECT_NE(reason(std::string(64, 'a') + ".com").find("longer than 63"), std::string::npos);
    EXPECT_NE(reason(std::string(250, 'a') + ".comm").find("not a host name"), std::string::npos);
    for (const char* bad : {"*", "*.", "**.a", "a.*.b", "*a.com", "a*.com", "ex ample.com",
                            "exa/mple", "ümlaut.de", "a@b"}) {
        reason(bad);
    }
}

}  // namespace
}  // namespace tpserve::app
