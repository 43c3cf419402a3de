// Glob: the header rules' path patterns.
#include "handler/Glob.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace tpserve::handler {
namespace {

bool simple(std::string_view pattern, std::string_view text) {
    return Glob::match_simple(pattern, text);
}

TEST(Glob, SimpleLiteralsAndQuestionMark) {
    EXPECT_TRUE(simple("", ""));
    EXPECT_FALSE(simple("", "a"));
    EXPECT_FALSE(simple("a", ""));
    EXPECT_TRUE(simple("abc", "abc"));
    EXPECT_FALSE(simple("abc", "abd"));
    EXPECT_FALSE(simple("abc", "abcd"));
    EXPECT_FALSE(simple("abcd", "abc"));
    EXPECT_TRUE(simple("a?c", "abc"));
    EXPECT_FALSE(simple("a?c", "ac"));
    EXPECT_FALSE(simple("a?c", "a/c"));  // '?' never matches '/'
    EXPECT_TRUE(simple("???", "xyz"));
    EXPECT_FALSE(simple("???", "xy"));
}

TEST(Glob, SimpleStarStaysInOneSegment) {
    EXPECT_TRUE(simple("*", ""));
    EXPECT_TRUE(simple("*", "anything.css"));
    EXPECT_FALSE(simple("*", "a/b"));
    EXPECT_TRUE(simple("*.css", "site.css"));
    EXPECT_TRUE(simple("*.css", ".css"));
    EXPECT_FALSE(simple("*.css", "site.cssx"));
    EXPECT_FALSE(simple("*.css", "dir/site.css"));
    EXPECT_TRUE(simple("a*b*c", "aXbYc"));
    EXPECT_TRUE(simple("a*b*c", "abc"));
    EXPECT_TRUE(simple("a*b*c", "abbbcbc"));  // needs backtracking over both stars
    EXPECT_FALSE(simple("a*b*c", "abcb"));
    EXPECT_TRUE(simple("/a/*/c", "/a/b/c"));
    EXPECT_FALSE(simple("/a/*/c", "/a/b/x/c"));
    EXPECT_TRUE(simple("/a/*", "/a/"));
    EXPECT_FALSE(simple("/a/*", "/a/b/"));
}

TEST(Glob, SimpleDoubleStarCrossesSlashes) {
    EXPECT_TRUE(simple("**", ""));
    EXPECT_TRUE(simple("**", "/a/b/c"));
    EXPECT_TRUE(simple("/assets/**", "/assets/"));
    EXPECT_TRUE(simple("/assets/**", "/assets/a/b/c.js"));
    EXPECT_FALSE(simple("/assets/**", "/assets"));
    EXPECT_FALSE(simple("/assets/**", "/other/assets/x"));
    EXPECT_TRUE(simple("/**/*.css", "/a/b/c.css"));
    EXPECT_TRUE(simple("/**/*.css", "//c.css"));
    EXPECT_FALSE(simple("/**/*.css", "/c.css"));  // the pattern has two slashes
    EXPECT_TRUE(simple("/**.css", "/c.css"));
    EXPECT_TRUE(simple("/**.css", "/a/b/c.css"));
    EXPECT_FALSE(simple("/**.css", "/a/b/c.css/d"));
    EXPECT_TRUE(simple("/a/**/z", "/a/b/c/z"));
    EXPECT_TRUE(simple("/a/**/z", "/a/z/z"));
    EXPECT_FALSE(simple("/a/**/z", "/a/b/c/zz"));
    // A '*' after '**' still cannot cross a slash of its own, but '**' can
    // take the slashes so '*' only spans the last segment.
    EXPECT_TRUE(simple("/**/x*y", "/a/b/xQy"));
    EXPECT_FALSE(simple("/**/x*y", "/a/b/xQ/y"));
}

TEST(Glob, HostilePathsStayFast) {
    // Classic exponential-backtracking input for naive recursive matchers.
    const std::string text(4000, 'a');
    EXPECT_FALSE(simple("*a*a*a*a*a*a*a*a*a*a*b", text));
    EXPECT_FALSE(simple("**a**a**a**a**a**a**b", "/" + text));
    const std::string slashes(4000, '/');
    EXPECT_FALSE(simple("**/*x", slashes));
}

// The definition, as an exponential recursive matcher: the reference the
// iterative one is checked against.
bool reference(std::string_view p, std::string_view t) {
    if (p.empty()) return t.empty();
    if (p.starts_with("**")) {
        for (std::size_t i = 0; i <= t.size(); ++i) {
            if (reference(p.substr(2), t.substr(i))) return true;
        }
        return false;
    }
    if (p[0] == '*') {
        for (std::size_t i = 0; i <= t.size(); ++i) {
            if (reference(p.substr(1), t.substr(i))) return true;
            if (i < t.size() && t[i] == '/') break;
        }
        return false;
    }
    if (t.empty()) return false;
    if (p[0] == '?' ? t[0] != '/' : p[0] == t[0]) return reference(p.substr(1), t.substr(1));
    return false;
}

TEST(Glob, AgreesWithTheRecursiveDefinition) {
    std::mt19937 random(12345);
    const auto pick = [&](std::string_view alphabet, std::size_t max_length) {
        std::string out(random() % (max_length + 1), ' ');
        for (char& c : out)
            c = alphabet[random() % alphabet.size()];
        return out;
    };
    int matched = 0;
    for (int i = 0; i < 50'000; ++i) {
        const std::string pattern = pick("ab/*?*", 7);
        const std::string text = pick("ab/", 8);
        const bool expected = reference(pattern, text);
        matched += expected ? 1 : 0;
        ASSERT_EQ(simple(pattern, text), expected) << "'" << pattern << "' vs '" << text << "'";
    }
    EXPECT_GT(matched, 1000);  // the sample exercises matches, not only misses
}

TEST(Glob, PatternWithoutSlashMatchesTheLastSegment) {
    const Glob css("*.css");
    EXPECT_TRUE(css.matches("/site.css"));
    EXPECT_TRUE(css.matches("/a/b/site.css"));
    EXPECT_FALSE(css.matches("/site.css/"));  // the last segment is ""
    EXPECT_FALSE(css.matches("/a.css/b"));
    EXPECT_FALSE(css.matches("/site.js"));
    const Glob all("*");
    EXPECT_TRUE(all.matches("/"));
    EXPECT_TRUE(all.matches("/a/b/"));
    EXPECT_TRUE(all.matches("/x.html"));
    const Glob index("index.html");
    EXPECT_TRUE(index.matches("/index.html"));
    EXPECT_TRUE(index.matches("/docs/index.html"));
    EXPECT_FALSE(index.matches("/docs/xindex.html"));
}

TEST(Glob, PatternWithSlashMatchesTheWholePath) {
    const Glob root_index("/index.html");
    EXPECT_TRUE(root_index.matches("/index.html"));
    EXPECT_FALSE(root_index.matches("/docs/index.html"));
    const Glob assets("/assets/**");
    EXPECT_TRUE(assets.matches("/assets/app.js"));
    EXPECT_TRUE(assets.matches("/assets/img/logo.png"));
    EXPECT_FALSE(assets.matches("/public/assets/app.js"));
    const Glob one_level("/docs/*.html");
    EXPECT_TRUE(one_level.matches("/docs/a.html"));
    EXPECT_FALSE(one_level.matches("/docs/sub/a.html"));
    // A relative pattern with a slash is still whole-path: it never matches,
    // since paths start with '/'. "**/" in front is how to say "anywhere".
    EXPECT_FALSE(Glob("docs/*.html").matches("/docs/a.html"));
    EXPECT_TRUE(Glob("**/docs/*.html").matches("/x/docs/a.html"));
    EXPECT_TRUE(Glob("**/docs/*.html").matches("/docs/a.html"));
}

TEST(Glob, BraceAlternatives) {
    const Glob g("*.{css,js}");
    EXPECT_TRUE(g.matches("/a.css"));
    EXPECT_TRUE(g.matches("/x/a.js"));
    EXPECT_FALSE(g.matches("/a.html"));
    EXPECT_FALSE(g.matches("/a.{css,js}"));
    EXPECT_FALSE(g.matches("/a.cssjs"));
    const Glob two("{a,b}.{x,y}");
    for (const char* hit : {"/a.x", "/a.y", "/b.x", "/b.y"})
        EXPECT_TRUE(two.matches(hit)) << hit;
    EXPECT_FALSE(two.matches("/c.x"));
    EXPECT_FALSE(two.matches("/a.z"));
    const Glob empty_alt("app{,.min}.js");
    EXPECT_TRUE(empty_alt.matches("/app.js"));
    EXPECT_TRUE(empty_alt.matches("/app.min.js"));
    EXPECT_FALSE(empty_alt.matches("/app.max.js"));
    // A slash inside an alternative makes the whole pattern whole-path.
    const Glob paths("/{img,css}/**");
    EXPECT_TRUE(paths.matches("/img/a.png"));
    EXPECT_TRUE(paths.matches("/css/a/b.css"));
    EXPECT_FALSE(paths.matches("/js/a.js"));
    EXPECT_FALSE(paths.matches("/x/img/a.png"));
}

TEST(Glob, MatchIsCaseSensitive) {
    // URL paths are case-sensitive (RFC 3986 §6.2.2.1).
    EXPECT_FALSE(Glob("*.css").matches("/A.CSS"));
    EXPECT_TRUE(Glob("*.CSS").matches("/A.CSS"));
}

}  // namespace
}  // namespace tpserve::handler
