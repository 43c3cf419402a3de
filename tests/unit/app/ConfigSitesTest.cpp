// The config loader's issue-4 keys: listing, error_pages, fallback,
// precompressed, headers, sites, limits.max_ranges, log.format; how sites
// inherit the top level; how --root and --access-log reach the sites.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "PathSpelling.h"
#include "app/CommandLine.h"
#include "app/ConfigLoader.h"

namespace tpserve::app {
namespace {

namespace fs = std::filesystem;
using test::native;
using test::on_drive_of;

config::Config text(const std::string& yaml) {
    return load_config_text(yaml, "t.yaml", "/etc/tpserve");
}

// Expects `yaml` to be refused at the `occurrence`-th appearance of `at` in
// it (so the expected line and column are read off the text itself), with
// `fragment` in the reason.
void expect_error(const std::string& yaml, const std::string& at, const std::string& fragment,
                  int occurrence = 1) {
    SCOPED_TRACE(yaml);
    std::size_t offset = std::string::npos;
    for (int i = 0; i < occurrence; ++i)
        offset = yaml.find(at, offset == std::string::npos ? 0 : offset + 1);
    ASSERT_NE(offset, std::string::npos) << "'" << at << "' is not in the text";
    const std::size_t line_start = yaml.rfind('\n', offset);
    const int line = 1 + static_cast<int>(std::count(yaml.begin(), yaml.begin() + offset, '\n'));
    const int column =
        1 + static_cast<int>(line_start == std::string::npos ? offset : offset - line_start - 1);
    try {
        text(yaml);
        ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file, "t.yaml");
        EXPECT_EQ(e.line, line) << e.what();
        EXPECT_EQ(e.column, column) << e.what();
        EXPECT_NE(e.reason.find(fragment), std::string::npos) << e.what();
    }
}

TEST(ConfigSites, DefaultsOfTheNewKeys) {
    const config::Config c = text("");
    EXPECT_FALSE(c.listing);
    EXPECT_TRUE(c.error_pages.empty());
    EXPECT_EQ(c.fallback, "");
    EXPECT_TRUE(c.precompressed.enabled);
    EXPECT_EQ(c.precompressed.encodings, (std::vector<std::string>{"br", "gzip"}));
    ASSERT_EQ(c.headers.size(), 1u);
    EXPECT_EQ(c.headers[0].match, "*");
    EXPECT_EQ(c.headers[0].set.size(), 1u);
    EXPECT_EQ(c.limits.max_ranges, 16u);
    EXPECT_EQ(c.log.format, config::AccessFormat::Combined);
    EXPECT_TRUE(c.sites.empty());
    // No sites: one default site made of the top level.
    const std::vector<config::Site> sites = config::effective_sites(c);
    ASSERT_EQ(sites.size(), 1u);
    EXPECT_TRUE(sites[0].is_default);
    EXPECT_EQ(sites[0].name, "default");
    EXPECT_TRUE(sites[0].hosts.empty());
    EXPECT_EQ(sites[0].root, c.root);
    EXPECT_EQ(sites[0].access_log, c.log.access);
}

TEST(ConfigSites, EveryTopLevelKey) {
    const config::Config c = text(R"(
listing: true
error_pages: {404: /errors/404.html, 503: /busy.html}
fallback: /index.html
precompressed: {enabled: false, encodings: [gzip, zstd]}
headers:
  - match: "*"
    set: {X-Frame-Options: DENY, Referrer-Policy: no-referrer}
  - match: "*.{css,js}"
    max_age: 7d
  - match: /index.html
    cache_control: no-cache
    max_age: 0
limits: {max_ranges: 3}
log: {access: a.log, format: w3c}
)");
    EXPECT_TRUE(c.listing);
    ASSERT_EQ(c.error_pages.size(), 2u);
    EXPECT_EQ(c.error_pages[0].status, 404);
    EXPECT_EQ(c.error_pages[0].path, "/errors/404.html");
    EXPECT_EQ(c.error_pages[1].status, 503);
    EXPECT_EQ(c.fallback, "/index.html");
    EXPECT_FALSE(c.precompressed.enabled);
    EXPECT_EQ(c.precompressed.encodings, (std::vector<std::string>{"gzip", "zstd"}));
    ASSERT_EQ(c.headers.size(), 3u);  // the rules replace the built-in one
    EXPECT_EQ(c.headers[0].set,
              (std::vector<std::pair<std::string, std::string>>{
                  {"X-Frame-Options", "DENY"}, {"Referrer-Policy", "no-referrer"}}));
    EXPECT_EQ(c.headers[0].max_age, -1);
    EXPECT_EQ(c.headers[1].match, "*.{css,js}");
    EXPECT_EQ(c.headers[1].max_age, 604800);
    EXPECT_EQ(c.headers[1].cache_control, "");
    EXPECT_EQ(c.headers[2].cache_control, "no-cache");
    EXPECT_EQ(c.headers[2].max_age, 0);
    EXPECT_EQ(c.limits.max_ranges, 3u);
    EXPECT_EQ(c.log.access, native("/etc/tpserve/a.log"));
    EXPECT_EQ(c.log.format, config::AccessFormat::W3c);
    EXPECT_EQ(text("log: {format: json}").log.format, config::AccessFormat::Json);
    EXPECT_EQ(text("log: {format: combined}").log.format, config::AccessFormat::Combined);
    EXPECT_EQ(text("limits: {max_ranges: 128}").limits.max_ranges, 128u);
    EXPECT_TRUE(text("headers: []").headers.empty());
    EXPECT_TRUE(text("precompressed: {encodings: []}").precompressed.encodings.empty());
    EXPECT_EQ(text("precompressed: {encodings: br}").precompressed.encodings,
              std::vector<std::string>{"br"});
    EXPECT_EQ(text("fallback: ''").fallback, "");
}

TEST(ConfigSites, SitesInheritTheTopLevel) {
    // `sites` first: the top-level keys after it still reach the sites.
    const config::Config c = text(R"(
sites:
  - hosts: [A.Example, "*.a.example"]
  - hosts: [b.example]
    default: true
    root: /srv/b
    index: [b.html]
    serve_hidden: false
    symlinks: follow
    listing: false
    error_pages: {}
    fallback: ""
    precompressed: {enabled: false}
    headers: []
    log: {access: b.log, format: json}
  - hosts: [c.example]
    log: {access: c.log, format: combined}
  - hosts: [d.example]
root: pub
index: [a.html]
serve_hidden: true
symlinks: never
listing: true
error_pages: {404: /404.html}
fallback: /index.html
precompressed: {encodings: [gzip]}
headers: [{match: "*.css", max_age: 1h}]
log: {access: top.log, format: w3c}
)");
    ASSERT_EQ(c.sites.size(), 4u);
    const config::Site& a = c.sites[0];
    EXPECT_EQ(a.name, "a.example");
    EXPECT_EQ(a.hosts, (std::vector<std::string>{"a.example", "*.a.example"}));
    EXPECT_FALSE(a.is_default);
    EXPECT_EQ(a.root, native("/etc/tpserve/pub"));
    EXPECT_FALSE(a.root_set);
    EXPECT_EQ(a.index, std::vector<std::string>{"a.html"});
    EXPECT_TRUE(a.serve_hidden);
    EXPECT_EQ(a.symlinks, files::SymlinkPolicy::Never);
    EXPECT_TRUE(a.listing);
    ASSERT_EQ(a.error_pages.size(), 1u);
    EXPECT_EQ(a.error_pages[0].path, "/404.html");
    EXPECT_EQ(a.fallback, "/index.html");
    EXPECT_TRUE(a.precompressed.enabled);
    EXPECT_EQ(a.precompressed.encodings, std::vector<std::string>{"gzip"});
    ASSERT_EQ(a.headers.size(), 1u);
    EXPECT_EQ(a.headers[0].max_age, 3600);
    EXPECT_EQ(a.access_log, native("/etc/tpserve/top.log"));
    EXPECT_FALSE(a.access_log_set);
    EXPECT_EQ(a.access_format, config::AccessFormat::W3c);

    const config::Site& b = c.sites[1];
    EXPECT_EQ(b.name, "b.example");
    EXPECT_TRUE(b.is_default);
    EXPECT_EQ(b.root, on_drive_of("/etc/tpserve", "/srv/b"));
    EXPECT_TRUE(b.root_set);
    EXPECT_EQ(b.index, std::vector<std::string>{"b.html"});
    EXPECT_FALSE(b.serve_hidden);
    EXPECT_EQ(b.symlinks, files::SymlinkPolicy::Follow);
    EXPECT_FALSE(b.listing);
    EXPECT_TRUE(b.error_pages.empty());
    EXPECT_EQ(b.fallback, "");
    EXPECT_FALSE(b.precompressed.enabled);
    EXPECT_EQ(b.precompressed.encodings, std::vector<std::string>{"gzip"});  // not set here
    EXPECT_TRUE(b.headers.empty());
    EXPECT_EQ(b.access_log, native("/etc/tpserve/b.log"));
    EXPECT_TRUE(b.access_log_set);
    EXPECT_EQ(b.access_format, config::AccessFormat::Json);

    const config::Site& s3 = c.sites[2];
    EXPECT_FALSE(s3.is_default);
    EXPECT_EQ(s3.access_log, native("/etc/tpserve/c.log"));
    EXPECT_TRUE(s3.access_log_set);
    EXPECT_EQ(s3.access_format, config::AccessFormat::Combined);
    const config::Site& s4 = c.sites[3];
    EXPECT_EQ(s4.access_log, native("/etc/tpserve/top.log"));
    EXPECT_FALSE(s4.access_log_set);
    EXPECT_EQ(s4.access_format, config::AccessFormat::W3c);

    // The top level itself is unchanged by the sites.
    EXPECT_EQ(c.root, native("/etc/tpserve/pub"));
    EXPECT_TRUE(c.listing);
    EXPECT_EQ(c.log.format, config::AccessFormat::W3c);
    // effective_sites gives the sites as they are.
    EXPECT_EQ(config::effective_sites(c).size(), 4u);
}

TEST(ConfigSites, DefaultSite) {
    const config::Config first = text("sites: [{hosts: [a.test]}, {hosts: [b.test]}]");
    ASSERT_EQ(first.sites.size(), 2u);
    EXPECT_TRUE(first.sites[0].is_default);  // none flagged: the first
    EXPECT_FALSE(first.sites[1].is_default);
    const config::Config flagged =
        text("sites: [{hosts: [a.test], default: false}, {default: true}]");
    EXPECT_FALSE(flagged.sites[0].is_default);
    EXPECT_TRUE(flagged.sites[1].is_default);
    EXPECT_EQ(flagged.sites[1].name, "default");  // no hosts
    EXPECT_TRUE(flagged.sites[1].hosts.empty());
    EXPECT_TRUE(text("sites: []").sites.empty());
    EXPECT_TRUE(text("sites:").sites.empty());
    // Host spellings are normalized before being compared.
    EXPECT_EQ(text("sites: [{hosts: ['Example.COM.', '[::1]']}]").sites[0].hosts,
              (std::vector<std::string>{"example.com", "[::1]"}));
    // An exact name and a wildcard over it are different hosts.
    EXPECT_EQ(text("sites: [{hosts: [a.test]}, {hosts: ['*.a.test']}]").sites.size(), 2u);
    EXPECT_EQ(text("sites: [{hosts: a.test}]").sites[0].hosts, std::vector<std::string>{"a.test"});
}

TEST(ConfigSites, SiteErrorsPointAtTheNode) {
    expect_error("sites:\n  - hosts: [a.test]\n  - hosts: [b.test, 'A.Test']\n", "'A.Test'",
                 "belongs to an earlier site");
    expect_error("sites:\n  - hosts: [a.test, a.test]\n", "a.test", "listed twice", 2);
    expect_error("sites:\n  - hosts: [a.test]\n    default: true\n  - default: true\n", "true",
                 "only one site can be the default (another one is, line 2)", 2);
    expect_error("sites:\n  - hosts: [a.test]\n  - root: /x\n", "root: /x", "a site needs 'hosts'");
    expect_error("sites:\n  - hosts: [a.test]\n  - {hosts: [], default: false}\n", "[]",
                 "must not be an empty list");
    // One destination, one format: a site that only changes the format of
    // the log it inherits would mix two formats in one file.
    expect_error(
        "log: {access: x.log}\nsites:\n  - hosts: [a.test]\n  - hosts: [b.test]\n"
        "    log: {format: json}\n",
        "hosts: [b.test]", "in another format than site a.test");
    EXPECT_EQ(text("log: {access: 'off'}\nsites:\n  - hosts: [a.test]\n  - hosts: [b.test]\n"
                   "    log: {format: json}\n")
                  .sites.size(),
              2u);
    expect_error("sites:\n  - hosts: ['example.com:8080']\n", "'example.com:8080'", "no port");
    expect_error("sites:\n  - hosts: ['a b']\n", "'a b'", "not a host name");
    expect_error("sites:\n  - hosts: ['*']\n", "'*'", "not a host name");
    expect_error("sites: {hosts: a}\n", "{", "'sites' must be a list");
    expect_error("sites: [a.test]\n", "a.test", "a site must be a map");
    expect_error("sites:\n  - hosts: [a.test]\n    hostz: x\n", "hostz",
                 "unknown key 'hostz' in 'sites'");
    expect_error("sites:\n  - hosts: [a.test]\n    workers: 2\n", "workers", "unknown key");
    expect_error("sites:\n  - hosts: [a.test]\n    log: {level: debug}\n", "level", "unknown key");
    expect_error("sites:\n  - hosts: [a.test]\n    log: {format: xml}\n", "xml",
                 "unknown format 'xml'");
    expect_error("sites:\n  - hosts: [a.test]\n    default: perhaps\n", "perhaps", "true or false");
    expect_error("sites:\n  - hosts: [a.test]\n    root: ''\n", "''", "non-empty path");
}

TEST(ConfigSites, RuleAndPageErrorsPointAtTheNode) {
    expect_error("headers:\n  - match: '*.{css'\n", "'*.{css'", "without '}'");
    expect_error("headers:\n  - match: '*.css,*.js'\n", "'*.css", "outside");
    expect_error("headers:\n  - match: ''\n", "''", "cannot be empty");
    expect_error("headers:\n  - max_age: 1h\n", "max_age", "needs 'match'");
    expect_error("headers:\n  - match: '*'\n    set: {Content-Length: 5}\n", "Content-Length",
                 "set by the server");
    expect_error("headers:\n  - match: '*'\n    set: {content-type: text/x}\n", "content-type",
                 "set by the server");
    expect_error("headers:\n  - match: '*'\n    set: {Cache-Control: x}\n", "Cache-Control",
                 "cache_control or max_age");
    expect_error("headers:\n  - match: '*'\n    set: {'X Y': z}\n", "'X Y'", "not a valid header");
    expect_error("headers:\n  - match: '*'\n    set: {X-A: \"a\\nb\"}\n", "\"a", "control");
    expect_error("headers:\n  - match: '*'\n    max_age: 100y\n", "100y", "too large");
    expect_error("headers:\n  - match: '*'\n    max_age: soon\n", "soon", "expected seconds");
    expect_error("headers:\n  - match: '*'\n    cache_control: \"a\\rb\"\n", "\"a", "control");
    expect_error("headers:\n  - match: '*'\n    expires: 1d\n", "expires", "unknown key");
    expect_error("headers: {match: '*'}\n", "{", "must be a list of rules");
    expect_error("headers:\n  - '*.css'\n", "'*.css'", "must be a map");

    expect_error("error_pages: {200: /x.html}\n", "200", "not an error status (400..599)");
    expect_error("error_pages: {600: /x.html}\n", "600", "not an error status");
    expect_error("error_pages: {0404: /x.html}\n", "0404", "not an error status");
    expect_error("error_pages: {abc: /x.html}\n", "abc", "not an error status");
    expect_error("error_pages: {404: /a.html, 404: /b.html}\n", "404", "404", 2);
    expect_error("error_pages: {404: x.html}\n", "x.html", "must start with '/'");
    expect_error("error_pages: {404: /../x.html}\n", "/../", "'..'");
    expect_error("error_pages: [404]\n", "[", "map");
    expect_error("fallback: index.html\n", "index.html", "must start with '/'");
    expect_error("fallback: /index.html?x\n", "/index", "query");

    expect_error("precompressed: {encodings: [br, deflate]}\n", "deflate",
                 "unknown encoding 'deflate'");
    expect_error("precompressed: {encodings: [gzip, gzip]}\n", "gzip", "listed twice", 2);
    expect_error("precompressed: {enabled: yes please}\n", "yes please", "true or false");
    expect_error("precompressed: {level: 9}\n", "level", "unknown key");
    expect_error("precompressed: true\n", "true", "map");
    expect_error("sites:\n  - hosts: [a.test]\n    precompressed: {encodings: [x-gzip]}\n",
                 "x-gzip", "unknown encoding");

    expect_error("limits: {max_ranges: 0}\n", "0", "out of range");
    expect_error("limits: {max_ranges: 129}\n", "129", "out of range");
    expect_error("log: {format: apache}\n", "apache", "unknown format 'apache'");
}

// --root and --access-log replace what the sites inherit, not what they set.
class ConfigSitesCommandLine : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            fs::temp_directory_path() /
            ("tpserve-sites-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        std::ofstream(dir_ / "c.yaml") << "root: top\n"
                                          "log: {access: top.log}\n"
                                          "sites:\n"
                                          "  - hosts: [own.test]\n"
                                          "    root: /srv/own\n"
                                          "    log: {access: own.log}\n"
                                          "  - hosts: [inherits.test]\n";
        cli_.config_path = (dir_ / "c.yaml").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path dir_;
    CommandLine cli_;
};

TEST_F(ConfigSitesCommandLine, WithoutOverridesSitesKeepTheFile) {
    const config::Config c = build_config(cli_);
    ASSERT_EQ(c.sites.size(), 2u);
    EXPECT_EQ(c.sites[0].root, on_drive_of(dir_, "/srv/own"));
    EXPECT_EQ(c.sites[1].root, native(dir_ / "top"));
    EXPECT_EQ(c.sites[0].access_log, native(dir_ / "own.log"));
    EXPECT_EQ(c.sites[1].access_log, native(dir_ / "top.log"));
}

TEST_F(ConfigSitesCommandLine, RootOverrideOnlyReachesInheritingSites) {
    cli_.root = (dir_ / "cli-root").string();
    const config::Config c = build_config(cli_);
    EXPECT_EQ(c.root, native(dir_ / "cli-root"));
    EXPECT_EQ(c.sites[0].root, on_drive_of(dir_, "/srv/own"));
    EXPECT_EQ(c.sites[1].root, native(dir_ / "cli-root"));
    // The logs are untouched.
    EXPECT_EQ(c.sites[1].access_log, native(dir_ / "top.log"));
}

TEST_F(ConfigSitesCommandLine, AccessLogOverrideOnlyReachesInheritingSites) {
    cli_.access_log = "off";
    config::Config c = build_config(cli_);
    EXPECT_EQ(c.log.access, "off");
    EXPECT_EQ(c.sites[0].access_log, native(dir_ / "own.log"));
    EXPECT_EQ(c.sites[1].access_log, "off");
    cli_.access_log = (dir_ / "cli.log").string();
    c = build_config(cli_);
    EXPECT_EQ(c.sites[0].access_log, native(dir_ / "own.log"));
    EXPECT_EQ(c.sites[1].access_log, native(dir_ / "cli.log"));
    // Roots are untouched.
    EXPECT_EQ(c.sites[1].root, native(dir_ / "top"));
}

TEST_F(ConfigSitesCommandLine, AccessLogOverrideCannotMixFormatsInOneFile) {
    // With the top-level log off, sites that only set a format load fine;
    // --access-log then sends both to one file in two formats, which the
    // loader refuses when the file itself says so.
    std::ofstream(dir_ / "c.yaml") << "log: {access: 'off'}\n"
                                      "sites:\n"
                                      "  - hosts: [a.test]\n"
                                      "  - hosts: [b.test]\n"
                                      "    log: {format: json}\n";
    cli_.access_log = (dir_ / "one.log").string();
    try {
        const config::Config c = build_config(cli_);
        ADD_FAILURE() << "sites " << c.sites[0].name << " and " << c.sites[1].name
                      << " both log to " << c.sites[1].access_log << " in different formats";
    } catch (const ConfigError& e) {
        EXPECT_NE(e.reason.find("another format"), std::string::npos) << e.what();
    }
}

TEST_F(ConfigSitesCommandLine, OverridesWithoutSitesReachTheDefaultSite) {
    std::ofstream(dir_ / "c.yaml") << "root: top\n";
    cli_.root = (dir_ / "cli-root").string();
    cli_.access_log = "stderr";
    const std::vector<config::Site> sites = config::effective_sites(build_config(cli_));
    ASSERT_EQ(sites.size(), 1u);
    EXPECT_EQ(sites[0].root, native(dir_ / "cli-root"));
    EXPECT_EQ(sites[0].access_log, "stderr");
}

}  // namespace
}  // namespace tpserve::app
