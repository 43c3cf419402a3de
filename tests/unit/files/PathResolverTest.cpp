#include "files/PathResolver.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tpserve::files {
namespace {

struct Case {
    std::string target;
    PathError error;
    std::string relative;  // checked only when error == None
    bool trailing_slash = false;
};

std::string show(PathError e) {
    switch (e) {
        case PathError::None:
            return "None";
        case PathError::BadRequest:
            return "BadRequest";
        case PathError::NotFound:
            return "NotFound";
    }
    return "?";
}

constexpr auto kOk = PathError::None;
constexpr auto k400 = PathError::BadRequest;
constexpr auto k404 = PathError::NotFound;

const std::vector<Case> kCases = {
    // plain paths and normalization
    {"/", kOk, "", true},
    {"/index.html", kOk, "index.html", false},
    {"/a/b/", kOk, "a/b", true},
    {"//", kOk, "", true},
    {"/./", kOk, "", true},
    {"/.", kOk, "", true},
    {"/a/./b/../c", kOk, "a/c", false},
    {"/a//b///c", kOk, "a/b/c", false},
    {"/a/b/..", kOk, "a", true},
    {"/a/b/.", kOk, "a/b", true},
    {"/a/./b", kOk, "a/b", false},
    {"/a/../", kOk, "", true},
    {"/a/b/../../c", kOk, "c", false},
    // queries
    {"/index.html?x=/../..", kOk, "index.html", false},
    {"/?q", kOk, "", true},
    {"/a?b?c", kOk, "a", false},
    {"/a%3Fb", k400, "", false},  // '?' in a name: Windows-hostile
    // traversal above the root, raw and encoded
    {"/../etc/passwd", k400, "", false},
    {"/..", k400, "", false},
    {"/a/../../etc", k400, "", false},
    {"/%2e%2e/", k400, "", false},
    {"/%2E%2E/", k400, "", false},
    {"/%2e%2e%2fetc/passwd", k400, "", false},
    {"/.%2e/", k400, "", false},
    {"/%2e./x", k400, "", false},
    {"/a/%2e%2e/%2e%2e/x", k400, "", false},
    {"/..%5c..%5cwindows", k400, "", false},
    {"/a\\..\\b", k400, "", false},
    {"/%5c", k400, "", false},
    // decoded dots that stay inside the root are fine
    {"/a/%2e%2e/b", kOk, "b", false},
    {"/a/%2e/b", kOk, "a/b", false},
    // decode once only
    {"/%252e%252e/", kOk, "%2e%2e", true},
    {"/%2541", kOk, "%41", false},
    {"/%41%42", kOk, "AB", false},
    // decoded '/' separates segments
    {"/foo%2fbar", kOk, "foo/bar", false},
    {"/foo%2F", kOk, "foo", true},
    // NUL and control characters
    {"/%00", k400, "", false},
    {"/a%00.html", k400, "", false},
    {std::string("/a\0b", 4), k400, "", false},
    {"/a%0d%0aSet-Cookie:x", k400, "", false},
    {"/a%09b", k400, "", false},
    {"/a%7fb", k400, "", false},
    {"/a\x01", k400, "", false},
    // broken escapes
    {"/%", k400, "", false},
    {"/%4", k400, "", false},
    {"/%zz", k400, "", false},
    {"/%g0", k400, "", false},
    {"/a#frag", k400, "", false},
    // UTF-8: valid is fine, overlong and broken are not
    {"/%c3%a9t%c3%a9.txt", kOk, "\xc3\xa9t\xc3\xa9.txt", false},
    {"/%e2%82%ac", kOk, "\xe2\x82\xac", false},
    {"/%f0%9f%98%80", kOk, "\xf0\x9f\x98\x80", false},
    {"/%c0%ae%c0%ae/", k400, "", false},
    {"/%e0%80%ae%e0%80%ae/", k400, "", false},
    {"/%c0%af", k400, "", false},
    {"/%c1%bf", k400, "", false},
    {"/%f0%80%80%af", k400, "", false},
    {"/%ed%a0%80", k400, "", false},     // a surrogate
    {"/%f4%90%80%80", k400, "", false},  // > U+10FFFF
    {"/%ff", k400, "", false},
    {"/%c3", k400, "", false},  // truncated
    {"/%80", k400, "", false},  // lone continuation
    {"/\xc3\xa9", kOk, "\xc3\xa9", false},
    {"/\xc0\xae", k400, "", false},  // raw overlong
    // hidden segments
    {"/.git/config", k404, "", false},
    {"/a/.hidden", k404, "", false},
    {"/.well-known/acme-challenge/x", k404, "", false},
    {"/%2egit/config", k404, "", false},
    {"/.git/../index.html", kOk, "index.html", false},
    {"/a/.x/b", k404, "", false},  // a hidden directory hides what is under it
    // Windows aliases and forbidden characters
    {"/file.txt.", k400, "", false},
    {"/file.txt%2e", k400, "", false},
    {"/file.txt%20", k400, "", false},
    {"/dir./x", k400, "", false},
    {"/...", k400, "", false},
    {"/file.txt::$DATA", k400, "", false},
    {"/file.txt%3a%3a$DATA", k400, "", false},
    {"/c:/windows", k400, "", false},
    {"/a%3cb", k400, "", false},
    {"/a%3eb", k400, "", false},
    {"/a%22b", k400, "", false},
    {"/a%7cb", k400, "", false},
    {"/a*b", k400, "", false},
    // Windows device names, any case, any extension
    {"/CON", k404, "", false},
    {"/con", k404, "", false},
    {"/a/nul.txt", k404, "", false},
    {"/AUX.tar.gz", k404, "", false},
    {"/prn", k404, "", false},
    {"/com1", k404, "", false},
    {"/LPT9.log", k404, "", false},
    {"/com0", k404, "", false},
    {"/com%c2%b9", k404, "", false},
    {"/CONIN$", k404, "", false},
    {"/con%20.txt", k404, "", false},
    {"/console", kOk, "console", false},
    {"/com10", kOk, "com10", false},
    {"/nul-ish.txt", kOk, "nul-ish.txt", false},
    {"/lpt", kOk, "lpt", false},
    {"/Con.txt", k404, "", false},
    {"/cOm1.log", k404, "", false},
    {"/a/LpT1", k404, "", false},
    {"/nUl", k404, "", false},
    {"/PRN.TXT", k404, "", false},
    {"/aux%20%20.txt", k404, "", false},
    {"/a/con/b", k404, "", false},    // a device name anywhere on the path
    {"/com1.txt/..", kOk, "", true},  // popped before the check
    // hidden: any case, no escape through Windows' trailing-dot/space stripping
    {"/.GIT/config", k404, "", false},
    {"/.Git/HEAD", k404, "", false},
    {"/%2EGIT/config", k404, "", false},
    {"/.git./config", k400, "", false},
    {"/.git%20/config", k400, "", false},
    {"/.git%20./config", k400, "", false},
    {"/.git.%20/config", k400, "", false},
    {"/.git%2e/config", k400, "", false},
    {"/.git::$INDEX_ALLOCATION/config", k400, "", false},
    // 8.3 short-name aliases, any case, any segment, with or without extension
    {"/PROGRA~1", k404, "", false},
    {"/progra~1/x", k404, "", false},
    {"/INDEX~1.HTM", k404, "", false},
    {"/index~1.htm", k404, "", false},
    {"/GIT~1/config", k404, "", false},  // ".git" by its short name
    {"/a/b/DOCUME~12/x.txt", k404, "", false},
    {"/A~1", k404, "", false},
    {"/PR3A7B~1.TXT", k404, "", false},
    {"/%c3%a9%c3%a9%c3%a9%c3%a9%c3%a9%c3%a9~1", k404, "", false},  // 6 characters, 12 bytes
    {"/PROGRA%7e1", k404, "", false},
    {"/PROGRAM~1", kOk, "PROGRAM~1", false},  // 7 before '~': never a short name
    {"/~1", kOk, "~1", false},
    {"/a~", kOk, "a~", false},
    {"/a~b.txt", kOk, "a~b.txt", false},
    {"/file.txt~", kOk, "file.txt~", false},
    {"/a.b~1", kOk, "a.b~1", false},  // '~' after the first '.': not in the stem
    {"/~user/x", kOk, "~user/x", false},
    {"/PROGRA~1/../x", kOk, "x", false},
    // drive letters: ':' is refused in any segment
    {"/C:/x", k400, "", false},
    {"/c:", k400, "", false},
    {"/C:", k400, "", false},
    {"/c:x", k400, "", false},
    {"/C%3a/x", k400, "", false},
    {"/%43%3A/x", k400, "", false},
    {"/a/d:/x", k400, "", false},
    {"http://example.com/C:/x", k400, "", false},
    // Win32 namespaces and UNC: "\\.\", "\\?\", "\\server\share"
    {"//./x", k400, "", false},
    {"//./C:/x", k400, "", false},
    {"///./x", k400, "", false},
    {"//.", k400, "", false},
    {"/%2f./x", k400, "", false},
    {"//%3f/x", k400, "", false},
    {"//%3f/../x", k400, "", false},
    {"//%3f%3f/../x", k400, "", false},
    {"/%2f%3f/x", k400, "", false},
    {"//?/C:/x", kOk, "", true},  // a raw '?' starts the query: this is "//"
    {"/%5c%5cserver%5cshare", k400, "", false},
    {"/%5c%5c.%5cx", k400, "", false},
    {"/%5c%5c%3f%5cC:%5cx", k400, "", false},
    {"//server/share/x", kOk, "server/share/x", false},  // slashes merge: relative
    {"//.x", k404, "", false},                           // hidden, not a namespace
    {"/./x", kOk, "x", false},
    // 400 wins over 404
    {"/.git/a:b", k400, "", false},
    {"/GIT~1/a:b", k400, "", false},
    {"/CON/x.", k400, "", false},
    // absolute-form
    {"http://example.com/a/b", kOk, "a/b", false},
    {"HTTPS://example.com:8443/a/", kOk, "a", true},
    {"http://example.com", kOk, "", true},
    {"http://example.com?x=1", kOk, "", true},
    {"http://example.com/../x", k400, "", false},
    {"http:///x", k400, "", false},
    {"ftp://example.com/a", k400, "", false},
    // not a path at all
    {"*", k400, "", false},
    {"", k400, "", false},
    {"index.html", k400, "", false},
    {"?x", k400, "", false},
};

TEST(PathResolver, HostileAndOrdinaryTargets) {
    PathResolver resolver(false);
    for (const Case& c : kCases) {
        const ResolvedPath r = resolver.resolve(c.target);
        EXPECT_EQ(show(r.error), show(c.error)) << "target: " << c.target;
        if (c.error == PathError::None && r.error == PathError::None) {
            EXPECT_EQ(r.relative, c.relative) << "target: " << c.target;
            EXPECT_EQ(r.trailing_slash, c.trailing_slash) << "target: " << c.target;
        }
    }
}

TEST(PathResolver, ServeHiddenAllowsDotSegmentsOnly) {
    PathResolver resolver(true);
    EXPECT_EQ(resolver.resolve("/.git/config").error, PathError::None);
    EXPECT_EQ(resolver.resolve("/.git/config").relative, ".git/config");
    EXPECT_EQ(resolver.resolve("/.well-known/x").relative, ".well-known/x");
    EXPECT_EQ(resolver.resolve("/../x").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/%2e%2e/x").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/file.").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/CON").error, PathError::NotFound);
    // Short names stay refused: serving dot files does not mean serving
    // every long-named file under a second, unchecked name.
    EXPECT_EQ(resolver.resolve("/GIT~1/config").error, PathError::NotFound);
    EXPECT_EQ(resolver.resolve("/.git./config").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("//./x").error, PathError::BadRequest);
}

TEST(PathResolver, WithoutWindowsNamesWindowsOnlyCharactersAreOrdinary) {
    PathResolver resolver(false);
    resolver.set_windows_names(false);
    for (std::string_view target : {"/%3Cscript%3E.html", "/a:b", "/q%3F.txt", "/star*", "/pipe%7C",
                                    "/quote%22", "/dot.", "/space%20"}) {
        EXPECT_EQ(resolver.resolve(target).error, PathError::None) << target;
    }
    EXPECT_EQ(resolver.resolve("/%3Cscript%3E.html").relative, "<script>.html");
    // Still refused whatever the platform: traversal, controls, '\', device
    // and short names, hidden files.
    EXPECT_EQ(resolver.resolve("/../x").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/a%5Cb").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/a%0Ab").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/nul.txt").error, PathError::NotFound);
    EXPECT_EQ(resolver.resolve("/GIT~1/config").error, PathError::NotFound);
    EXPECT_EQ(resolver.resolve("/.env").error, PathError::NotFound);
    resolver.set_windows_names(true);
    EXPECT_EQ(resolver.resolve("/%3Cscript%3E.html").error, PathError::BadRequest);
    EXPECT_EQ(resolver.resolve("/dot.").error, PathError::BadRequest);
}

TEST(PathResolver, ServableNameMatchesWhatResolveAccepts) {
    for (const bool windows : {false, true}) {
        PathResolver resolver(true);
        resolver.set_windows_names(windows);
        for (std::string_view name : {"a.txt", "<script>.html", "a:b", "dot.", "CON", "nul.txt",
                                      "INDEX~1.HTM", "x y", ".hidden", "\xff"}) {
            std::string target = "/";
            for (const char c : name) {
                constexpr char kHex[] = "0123456789ABCDEF";
                const auto u = static_cast<unsigned char>(c);
                target += '%';
                target += kHex[u >> 4];
                target += kHex[u & 15];
            }
            const bool resolves = resolver.resolve(target).error == PathError::None;
            EXPECT_EQ(PathResolver::servable_name(name, windows), resolves)
                << name << " windows=" << windows;
        }
        EXPECT_FALSE(PathResolver::servable_name("a/b", windows));
        EXPECT_FALSE(PathResolver::servable_name("..", windows));
        EXPECT_FALSE(PathResolver::servable_name("a\nb", windows));
    }
}

TEST(PathResolver, ResultNeverContainsDotSegmentsOrEscapes) {
    // Every output, whatever the input, satisfies FileSystem::open's contract.
    PathResolver resolver(true);
    const std::string alphabet[] = {"/", ".", "..", "%2e", "%2f", "a", "%5c", "%00", "%c0%ae"};
    std::vector<std::string> targets{"/"};
    for (int depth = 0; depth < 4; ++depth) {
        std::vector<std::string> next;
        for (const auto& t : targets) {
            for (const auto& a : alphabet)
                next.push_back(t + a);
        }
        targets = std::move(next);
    }
    for (const auto& t : targets) {
        const ResolvedPath r = resolver.resolve(t);
        if (r.error != PathError::None) continue;
        const std::string rel(r.relative);
        EXPECT_FALSE(rel.starts_with('/')) << t;
        EXPECT_FALSE(rel.ends_with('/')) << t;
        EXPECT_EQ(rel.find("//"), std::string::npos) << t;
        EXPECT_EQ(rel.find('\\'), std::string::npos) << t;
        EXPECT_EQ(rel.find('\0'), std::string::npos) << t;
        std::size_t pos = 0;
        while (pos <= rel.size() && !rel.empty()) {
            std::size_t end = rel.find('/', pos);
            if (end == std::string::npos) end = rel.size();
            const std::string seg = rel.substr(pos, end - pos);
            EXPECT_NE(seg, ".") << t;
            EXPECT_NE(seg, "..") << t;
            pos = end + 1;
        }
    }
}

TEST(PathResolver, VeryLongPaths) {
    PathResolver resolver(false);
    std::string deep;
    std::string expected;
    for (int i = 0; i < 5000; ++i) {
        deep += "/abc";
        expected += (i ? "/abc" : "abc");
    }
    ResolvedPath r = resolver.resolve(deep);
    ASSERT_EQ(r.error, PathError::None);
    EXPECT_EQ(r.relative, expected);

    // Climbing out after a long descent is still caught exactly at the root.
    std::string climb = "/a";
    for (int i = 0; i < 3000; ++i)
        climb += "/b";
    for (int i = 0; i < 3001; ++i)
        climb += "/..";
    EXPECT_EQ(resolver.resolve(climb).error, PathError::None);
    climb += "/..";
    EXPECT_EQ(resolver.resolve(climb).error, PathError::BadRequest);

    const std::string huge = "/" + std::string(100000, 'x');
    r = resolver.resolve(huge);
    ASSERT_EQ(r.error, PathError::None);
    EXPECT_EQ(r.relative.size(), 100000u);
}

TEST(PathResolver, ResultPointsIntoReusedBuffer) {
    PathResolver resolver(false);
    const ResolvedPath a = resolver.resolve("/first/file.txt");
    const char* where = a.relative.data();
    const ResolvedPath b = resolver.resolve("/second");
    EXPECT_EQ(b.relative, "second");
    EXPECT_EQ(b.relative.data(), where);  // same buffer, no new allocation
}

}  // namespace
}  // namespace tpserve::files
