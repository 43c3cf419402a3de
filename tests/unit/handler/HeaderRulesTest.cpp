// HeaderRules: which fields a site's rules add to one response.
#include "handler/HeaderRules.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "handler/HeadWriter.h"

namespace tpserve::handler {
namespace {

using config::HeaderRule;

constexpr std::int64_t kNow = 1'700'000'000;  // Tue, 14 Nov 2023 22:13:20 GMT

// The fields the rules write for `path`, as wire text.
std::string fields_for(const std::vector<HeaderRule>& config, std::string_view path,
                       std::int64_t now = kNow) {
    const HeaderRules rules(config);
    std::vector<std::byte> buffer(rules.max_bytes());
    HeadWriter head(buffer);
    rules.apply(path, now, head);
    EXPECT_FALSE(head.overflowed()) << "max_bytes() too small for " << path;
    return std::string(reinterpret_cast<const char*>(buffer.data()), head.size());
}

HeaderRule set(std::string match, std::vector<std::pair<std::string, std::string>> fields) {
    HeaderRule rule;
    rule.match = std::move(match);
    rule.set = std::move(fields);
    return rule;
}

HeaderRule max_age(std::string match, std::int64_t seconds) {
    HeaderRule rule;
    rule.match = std::move(match);
    rule.max_age = seconds;
    return rule;
}

HeaderRule cache_control(std::string match, std::string value) {
    HeaderRule rule;
    rule.match = std::move(match);
    rule.cache_control = std::move(value);
    return rule;
}

TEST(HeaderRules, NoRulesWriteNothing) {
    EXPECT_EQ(fields_for({}, "/a.css"), "");
    EXPECT_EQ(HeaderRules({}).max_bytes() > 0, true);  // room for the Expires/Cache-Control pair
}

TEST(HeaderRules, TheBuiltInDefaultSetsNosniffEverywhere) {
    const config::SiteSettings defaults;
    for (const char* path : {"/", "/a.css", "/d/e/f.html", "/d/"})
        EXPECT_EQ(fields_for(defaults.headers, path), "X-Content-Type-Options: nosniff\r\n")
            << path;
}

TEST(HeaderRules, OnlyMatchingRulesApply) {
    const std::vector<HeaderRule> rules = {set("*.css", {{"X-Css", "1"}}),
                                           set("/js/**", {{"X-Js", "1"}})};
    EXPECT_EQ(fields_for(rules, "/a/b.css"), "X-Css: 1\r\n");
    EXPECT_EQ(fields_for(rules, "/js/x/y.js"), "X-Js: 1\r\n");
    EXPECT_EQ(fields_for(rules, "/js/y.css"), "X-Css: 1\r\nX-Js: 1\r\n");
    EXPECT_EQ(fields_for(rules, "/y.html"), "");
}

TEST(HeaderRules, MaxAgeGivesCacheControlAndExpires) {
    EXPECT_EQ(fields_for({max_age("*.css", 604800)}, "/a.css"),
              "Cache-Control: max-age=604800\r\nExpires: Tue, 21 Nov 2023 22:13:20 GMT\r\n");
    EXPECT_EQ(fields_for({max_age("*", 0)}, "/a"),
              "Cache-Control: max-age=0\r\nExpires: Tue, 14 Nov 2023 22:13:20 GMT\r\n");
    // The config's ceiling (2^31 - 1 seconds) fits in the reservation.
    const std::string big = fields_for({max_age("*", 2'147'483'647)}, "/a", kNow);
    EXPECT_NE(big.find("Cache-Control: max-age=2147483647\r\n"), std::string::npos) << big;
    EXPECT_NE(big.find("Expires: "), std::string::npos) << big;
}

TEST(HeaderRules, ExpiresFollowsNow) {
    EXPECT_EQ(fields_for({max_age("*", 60)}, "/a", 0),
              "Cache-Control: max-age=60\r\nExpires: Thu, 01 Jan 1970 00:01:00 GMT\r\n");
}

TEST(HeaderRules, CacheControlWinsOverMaxAgesCacheControlButExpiresStays) {
    const std::vector<HeaderRule> rules = {max_age("*", 3600),
                                           cache_control("/index.html", "no-cache")};
    EXPECT_EQ(fields_for(rules, "/index.html"),
              "Cache-Control: no-cache\r\nExpires: Tue, 14 Nov 2023 23:13:20 GMT\r\n");
    EXPECT_EQ(fields_for(rules, "/other.html"),
              "Cache-Control: max-age=3600\r\nExpires: Tue, 14 Nov 2023 23:13:20 GMT\r\n");
    // Even when the raw value comes first.
    const std::vector<HeaderRule> reversed = {cache_control("*", "public"), max_age("*", 60)};
    EXPECT_EQ(fields_for(reversed, "/x"),
              "Cache-Control: public\r\nExpires: Tue, 14 Nov 2023 22:14:20 GMT\r\n");
}

TEST(HeaderRules, LaterRuleWinsForTheSameSetting) {
    const std::vector<HeaderRule> ages = {max_age("*", 60), max_age("*.css", 120)};
    EXPECT_EQ(fields_for(ages, "/a.css"),
              "Cache-Control: max-age=120\r\nExpires: Tue, 14 Nov 2023 22:15:20 GMT\r\n");
    EXPECT_EQ(fields_for(ages, "/a.js"),
              "Cache-Control: max-age=60\r\nExpires: Tue, 14 Nov 2023 22:14:20 GMT\r\n");
    const std::vector<HeaderRule> raw = {cache_control("*", "public"),
                                         cache_control("*.html", "no-store")};
    EXPECT_EQ(fields_for(raw, "/a.html"), "Cache-Control: no-store\r\n");
}

TEST(HeaderRules, LaterRuleWinsForTheSameFieldCaseInsensitively) {
    const std::vector<HeaderRule> rules = {
        set("*", {{"X-Frame-Options", "DENY"}, {"X-A", "1"}}),
        set("*.html", {{"x-frame-options", "SAMEORIGIN"}}),
    };
    EXPECT_EQ(fields_for(rules, "/a.html"), "X-A: 1\r\nx-frame-options: SAMEORIGIN\r\n");
    EXPECT_EQ(fields_for(rules, "/a.css"), "X-Frame-Options: DENY\r\nX-A: 1\r\n");
}

TEST(HeaderRules, ANonMatchingLaterRuleDoesNotOverride) {
    const std::vector<HeaderRule> rules = {set("*", {{"X-A", "first"}}),
                                           set("*.css", {{"X-A", "css"}})};
    EXPECT_EQ(fields_for(rules, "/a.html"), "X-A: first\r\n");
    EXPECT_EQ(fields_for(rules, "/a.css"), "X-A: css\r\n");
}

TEST(HeaderRules, NamesThatOnlyShareBitsAreDifferent) {
    // Case folding must fold letters only: '^' and '~' (0x5E, 0x7E) are both
    // token characters and differ only in the 0x20 bit.
    const std::vector<HeaderRule> rules = {set("*", {{"X-^", "1"}}), set("*", {{"X-~", "2"}})};
    EXPECT_EQ(fields_for(rules, "/a"), "X-^: 1\r\nX-~: 2\r\n");
}

TEST(HeaderRules, MaxBytesCoversEveryRuleMatching) {
    std::vector<HeaderRule> rules;
    for (int i = 0; i < 20; ++i) {
        HeaderRule rule = set("*", {{"X-Field-" + std::to_string(i), std::string(100, 'v')}});
        rule.cache_control = std::string(static_cast<std::size_t>(i) * 10, 'c');
        rule.max_age = i;
        rules.push_back(rule);
    }
    const std::string out = fields_for(rules, "/x");
    EXPECT_NE(out.find("X-Field-19: "), std::string::npos);
    EXPECT_NE(out.find("Cache-Control: " + std::string(190, 'c') + "\r\n"), std::string::npos);
    EXPECT_LE(out.size(), HeaderRules(rules).max_bytes());
}

}  // namespace
}  // namespace tpserve::handler
