// SiteTable: which site a Host value (or an absolute-form authority) picks.
#include "handler/SiteTable.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "conn/MemoryFileSystem.h"

namespace tpserve::handler {
namespace {

config::Site site(std::string name, std::vector<std::string> hosts, bool is_default = false) {
    config::Site s;
    s.name = std::move(name);
    s.hosts = std::move(hosts);
    s.is_default = is_default;
    return s;
}

class SiteTableTest : public ::testing::Test {
protected:
    // Builds the table over `settings` (kept alive by the fixture).
    const SiteTable& build(std::vector<config::Site> settings) {
        settings_ = std::move(settings);
        std::vector<std::unique_ptr<Site>> sites;
        for (const config::Site& s : settings_)
            sites.push_back(std::make_unique<Site>(s, fs_, nullptr));
        table_ = std::make_unique<SiteTable>(std::move(sites));
        return *table_;
    }

    std::string pick(std::string_view host) const { return table_->select(host).settings.name; }

    std::vector<config::Site> settings_;
    testing::MemoryFileSystem fs_;
    std::unique_ptr<SiteTable> table_;
};

TEST_F(SiteTableTest, OneDefaultSiteTakesEverything) {
    config::Config config;
    build(config::effective_sites(config));
    EXPECT_EQ(table_->size(), 1u);
    for (const char* host : {"", "example.com", "x:1", "[::1]:80", "!!!"})
        EXPECT_EQ(pick(host), "default") << host;
}

TEST_F(SiteTableTest, ExactNamesIgnoreCasePortAndTrailingDot) {
    build({site("a", {"a.example"}), site("b", {"b.example", "www.b.example"})});
    EXPECT_EQ(pick("a.example"), "a");
    EXPECT_EQ(pick("A.Example"), "a");
    EXPECT_EQ(pick("a.example:8080"), "a");
    EXPECT_EQ(pick("a.example."), "a");
    EXPECT_EQ(pick("A.EXAMPLE.:80"), "a");
    EXPECT_EQ(pick("b.example"), "b");
    EXPECT_EQ(pick("WWW.B.EXAMPLE"), "b");
    EXPECT_EQ(pick("c.example"), "a");   // unknown: the first site is the default
    EXPECT_EQ(pick("xa.example"), "a");  // not a suffix match for exact names
    EXPECT_EQ(pick("www.b.example"), "b");
    EXPECT_EQ(pick("b.example.com"), "a");
}

TEST_F(SiteTableTest, FlaggedDefaultWinsOverFirst) {
    build({site("a", {"a.example"}), site("b", {"b.example"}, true)});
    EXPECT_EQ(table_->default_site().settings.name, "b");
    EXPECT_EQ(pick("nobody.example"), "b");
    EXPECT_EQ(pick(""), "b");
    EXPECT_EQ(pick("a.example"), "a");
}

TEST_F(SiteTableTest, DefaultSiteWithoutHosts) {
    build({site("a", {"a.example"}), site("fallback", {}, true)});
    EXPECT_EQ(pick("a.example"), "a");
    EXPECT_EQ(pick("b.example"), "fallback");
}

TEST_F(SiteTableTest, WildcardsCoverSubdomainsNotTheBareName) {
    build({site("other", {"other.test"}), site("wild", {"*.example.com"})});
    EXPECT_EQ(pick("a.example.com"), "wild");
    EXPECT_EQ(pick("a.b.example.com"), "wild");
    EXPECT_EQ(pick("A.Example.Com:443"), "wild");
    EXPECT_EQ(pick("example.com"), "other");
    EXPECT_EQ(pick(".example.com"), "other");  // an empty label is no subdomain
    EXPECT_EQ(pick("aexample.com"), "other");
    EXPECT_EQ(pick("a.example.com.evil"), "other");
}

TEST_F(SiteTableTest, ExactBeatsWildcardAndLongestWildcardWins) {
    build({site("short", {"*.example.com"}), site("long", {"*.api.example.com"}),
           site("exact", {"v1.api.example.com"}), site("bare", {"example.com"})});
    EXPECT_EQ(pick("v1.api.example.com"), "exact");
    EXPECT_EQ(pick("v2.api.example.com"), "long");
    EXPECT_EQ(pick("x.v2.api.example.com"), "long");
    EXPECT_EQ(pick("api.example.com"), "short");
    EXPECT_EQ(pick("www.example.com"), "short");
    EXPECT_EQ(pick("example.com"), "bare");
    // Same lengths in the other order: the longest still wins.
    build({site("long", {"*.api.example.com"}), site("short", {"*.example.com"})});
    EXPECT_EQ(pick("v2.api.example.com"), "long");
    EXPECT_EQ(pick("www.example.com"), "short");
}

TEST_F(SiteTableTest, IpLiterals) {
    build({site("v4", {"127.0.0.1"}), site("v6", {"[::1]"}), site("name", {"localhost"})});
    EXPECT_EQ(pick("127.0.0.1"), "v4");
    EXPECT_EQ(pick("127.0.0.1:8080"), "v4");
    EXPECT_EQ(pick("[::1]"), "v6");
    EXPECT_EQ(pick("[::1]:8080"), "v6");
    EXPECT_EQ(pick("[::2]:8080"), "v4");  // unknown: default (the first)
    EXPECT_EQ(pick("localhost:1"), "name");
}

TEST_F(SiteTableTest, OddValuesGetTheDefault) {
    build({site("a", {"a.example"}), site("d", {"d.example"}, true)});
    EXPECT_EQ(pick(""), "d");
    EXPECT_EQ(pick(":80"), "d");
    EXPECT_EQ(pick("."), "d");
    EXPECT_EQ(pick("[::1"), "d");
    EXPECT_EQ(pick(std::string(300, 'a')), "d");  // longer than any DNS name
    EXPECT_EQ(pick(std::string(255, 'a') + ".a.example"), "d");
}

TEST_F(SiteTableTest, ManySitesStaySorted) {
    std::vector<config::Site> sites;
    for (int i = 0; i < 50; ++i) {
        const std::string name = "h" + std::to_string((i * 37) % 50) + ".test";
        sites.push_back(site(name, {name}));
    }
    build(std::move(sites));
    for (int i = 0; i < 50; ++i) {
        const std::string name = "h" + std::to_string(i) + ".test";
        EXPECT_EQ(pick(name), name);
    }
}

TEST_F(SiteTableTest, SiteCarriesItsFilesLogAndRules) {
    config::Site s = site("a", {"a.example"});
    s.headers = {config::HeaderRule{"*.css", "", 60, {}}};
    build({s});
    const Site& chosen = table_->select("a.example");
    EXPECT_EQ(&chosen.files, &fs_);
    EXPECT_EQ(chosen.access_log, nullptr);
    EXPECT_EQ(&chosen.settings, &settings_[0]);
    EXPECT_GT(chosen.rules.max_bytes(), 0u);
}

}  // namespace
}  // namespace tpserve::handler
