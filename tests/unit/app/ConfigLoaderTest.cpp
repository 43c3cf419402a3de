#include "app/ConfigLoader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "PathSpelling.h"

namespace tpserve::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::native;
using test::on_drive_of;

std::string data(const std::string& name) {
    return std::string(TPSERVE_TEST_DATA) + "/app/" + name;
}

// Loads a bad file and returns the error; fails the test if it loads.
ConfigError error_of(const std::string& name) {
    try {
        load_config_file(data(name));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << name << " loaded without error";
    return ConfigError("", 0, 0, "");
}

void expect_at(const std::string& name, int line, int column, const std::string& fragment) {
    SCOPED_TRACE(name);
    const ConfigError e = error_of(name);
    EXPECT_EQ(e.file, data(name));
    EXPECT_EQ(e.line, line) << e.what();
    EXPECT_EQ(e.column, column) << e.what();
    EXPECT_NE(e.reason.find(fragment), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()), data(name) + ":" + std::to_string(line) + ":" +
                                         std::to_string(column) + ": " + e.reason);
}

TEST(ConfigLoader, FullFile) {
    const config::Config c = load_config_file(data("good-full.yaml"));
    const fs::path dir = fs::absolute(data("")).lexically_normal();
    EXPECT_EQ(c.source, data("good-full.yaml"));
    const std::vector<config::ListenAddress> listen{
        {"127.0.0.1", 9000}, {"::1", 9001}, {"0.0.0.0", 80}, {"::", 0}, {"127.0.0.1", 65535}};
    EXPECT_EQ(c.listen, listen);
    EXPECT_EQ(c.workers, 4u);
    EXPECT_EQ(c.root, native(dir / "site/public"));
    EXPECT_EQ(c.index, (std::vector<std::string>{"index.html", "default.htm"}));
    EXPECT_TRUE(c.serve_hidden);
    EXPECT_EQ(c.symlinks, files::SymlinkPolicy::Never);
    EXPECT_EQ(c.server_header, "");
    EXPECT_EQ(c.default_mime_type, "text/plain");
    ASSERT_EQ(c.mime_types.size(), 2u);
    EXPECT_EQ(c.mime_types[0].extension, "wasm");
    EXPECT_EQ(c.mime_types[0].type, "application/wasm");
    EXPECT_EQ(c.mime_types[1].extension, "md");
    EXPECT_EQ(c.mime_types[1].type, "text/markdown; charset=utf-8");
    EXPECT_EQ(c.limits.request_line_bytes, 4096u);
    EXPECT_EQ(c.limits.header_bytes, 16384u);
    EXPECT_EQ(c.limits.header_count, 50u);
    EXPECT_EQ(c.limits.body_bytes, 0u);
    EXPECT_EQ(c.limits.keepalive_requests, 1'000'000'000u);
    EXPECT_EQ(c.timeouts.header, 500ms);
    EXPECT_EQ(c.timeouts.keepalive, 120s);
    EXPECT_EQ(c.timeouts.send, 3600s);
    EXPECT_EQ(c.timeouts.drain, 3s);
    EXPECT_EQ(c.log.access, native(dir / "logs/access.log"));
    EXPECT_EQ(c.log.error, on_drive_of(dir, "/var/log/tpserve-error.log"));
    EXPECT_EQ(c.log.level, config::LogLevel::Debug);
}

TEST(ConfigLoader, ScalarsForListsAndEmptySections) {
    const config::Config c = load_config_file(data("good-scalars.yaml"));
    const config::Config d;
    EXPECT_EQ(c.listen, (std::vector<config::ListenAddress>{{"0.0.0.0", 8080}}));
    EXPECT_EQ(c.index, std::vector<std::string>{"home.html"});
    EXPECT_EQ(c.workers, 0u);
    EXPECT_EQ(c.limits.header_bytes, d.limits.header_bytes);
    EXPECT_EQ(c.timeouts.keepalive, d.timeouts.keepalive);
    EXPECT_EQ(c.log.access, "off");
    EXPECT_EQ(c.log.error, "stderr");
}

void expect_defaults(const config::Config& c, bool same_root) {
    const config::Config d;
    EXPECT_EQ(c.listen, d.listen);
    EXPECT_EQ(c.workers, d.workers);
    if (same_root) {
        EXPECT_EQ(c.root, d.root);
    }
    EXPECT_EQ(c.index, d.index);
    EXPECT_EQ(c.serve_hidden, d.serve_hidden);
    EXPECT_EQ(c.symlinks, d.symlinks);
    EXPECT_EQ(c.server_header, d.server_header);
    EXPECT_TRUE(c.mime_types.empty());
    EXPECT_EQ(c.default_mime_type, d.default_mime_type);
    EXPECT_EQ(c.limits.request_line_bytes, d.limits.request_line_bytes);
    EXPECT_EQ(c.limits.header_bytes, d.limits.header_bytes);
    EXPECT_EQ(c.limits.header_count, d.limits.header_count);
    EXPECT_EQ(c.limits.body_bytes, d.limits.body_bytes);
    EXPECT_EQ(c.limits.keepalive_requests, d.limits.keepalive_requests);
    EXPECT_EQ(c.timeouts.header, d.timeouts.header);
    EXPECT_EQ(c.timeouts.keepalive, d.timeouts.keepalive);
    EXPECT_EQ(c.timeouts.send, d.timeouts.send);
    EXPECT_EQ(c.timeouts.drain, d.timeouts.drain);
    EXPECT_EQ(c.log.access, d.log.access);
    EXPECT_EQ(c.log.error, d.log.error);
    EXPECT_EQ(c.log.level, d.log.level);
}

TEST(ConfigLoader, EmptyFilesAreAllDefaults) {
    expect_defaults(load_config_file(data("good-empty.yaml")), true);
    expect_defaults(load_config_file(data("good-comments.yaml")), true);
}

TEST(ConfigLoader, ShippedDefaultYamlIsTheDefaults) {
    const std::string path = std::string(TPSERVE_SOURCE_DIR) + "/config/default.yaml";
    const config::Config c = load_config_file(path);
    expect_defaults(c, false);
    const fs::path expected_root = (fs::absolute(path).parent_path() / "../www").lexically_normal();
    EXPECT_EQ(c.root, expected_root.string());
}

TEST(ConfigLoader, ProductionExampleLoads) {
    const std::string path = std::string(TPSERVE_SOURCE_DIR) + "/config/examples/production.yaml";
    const config::Config c = load_config_file(path);
    const fs::path dir = fs::absolute(path).parent_path();
    EXPECT_EQ(c.listen, (std::vector<config::ListenAddress>{{"0.0.0.0", 8080}, {"::", 8080}}));
    EXPECT_EQ(c.root, on_drive_of(dir, "/srv/www"));
    EXPECT_EQ(c.log.access, on_drive_of(dir, "/var/log/tpserve/access.log"));
    EXPECT_EQ(c.server_header, "");
}

TEST(ConfigLoader, BadFilesPointAtTheOffendingNode) {
    expect_at("bad-unknown-top.yaml", 3, 1,
              "unknown key 'rooot' (did you mean 'root'?); allowed keys:");
    expect_at("bad-unknown-nested.yaml", 4, 3,
              "unknown key 'body_byte' in 'limits' (did you mean 'body_bytes'?)");
    expect_at("bad-wrong-type.yaml", 3, 3, "'workers' expects 'auto' or a number, not a map");
    expect_at("bad-not-integer.yaml", 2, 17, "expected a number such as 8192");
    expect_at("bad-out-of-range.yaml", 4, 17, "out of range (256..1048576)");
    expect_at("bad-header-smaller.yaml", 3, 17,
              "header_bytes (4096) must be at least request_line_bytes (8192)");
    expect_at("bad-listen.yaml", 3, 5, "IPv6 address needs brackets");
    expect_at("bad-listen-port.yaml", 1, 9, "port '70000' is not a number in 0..65535");
    expect_at("bad-listen-empty.yaml", 2, 9, "must not be an empty list");
    expect_at("bad-duration.yaml", 3, 14, "expected a duration");
    expect_at("bad-top-list.yaml", 1, 1, "the top level must be a map");
    expect_at("bad-duplicate.yaml", 3, 1, "duplicate key 'workers'");
    expect_at("bad-bool.yaml", 1, 15, "expects true or false, got 'maybe'");
    expect_at("bad-index.yaml", 1, 21, "cannot contain '/'");
    expect_at("bad-admin-public.yaml", 3, 11, "must not share a public listen address");
    expect_at("bad-admin-wildcard.yaml", 2, 11, "must not share a public listen address");
    expect_at("bad-admin-port.yaml", 2, 11, "is not a number in 0..65535");
}

TEST(ConfigLoader, AdminListener) {
    EXPECT_FALSE(config::Config{}.admin.listen.has_value());  // off by default
    const config::Config on = load_config_text(
        "listen: \"127.0.0.1:8080\"\nadmin:\n  listen: \"127.0.0.1:9145\"\n", "t.yaml", "/");
    ASSERT_TRUE(on.admin.listen.has_value());
    EXPECT_EQ(*on.admin.listen, (config::ListenAddress{"127.0.0.1", 9145}));
    // Another port, or port 0 (ephemeral) beside a public port 0, is fine.
    EXPECT_NO_THROW(
        load_config_text("listen: \"*:0\"\nadmin: {listen: \"127.0.0.1:0\"}\n", "t.yaml", "/"));
    const config::Config off = load_config_text("admin:\n  listen: \"\"\n", "t.yaml", "/");
    EXPECT_FALSE(off.admin.listen.has_value());
}

TEST(ConfigLoader, SyntaxErrorHasItsMark) {
    const ConfigError e = error_of("bad-syntax.yaml");
    EXPECT_NE(e.reason.find("YAML syntax error"), std::string::npos) << e.what();
    EXPECT_EQ(e.line, 3) << e.what();  // where yaml-cpp notices the unclosed '['
    EXPECT_GT(e.column, 0);
}

TEST(ConfigLoader, UnreadableFile) {
    const ConfigError e = error_of("does-not-exist.yaml");
    EXPECT_EQ(e.line, 0);
    EXPECT_NE(std::string(e.what()).find("does-not-exist.yaml: cannot read"), std::string::npos)
        << e.what();
    try {
        load_config_file(data(""));
        ADD_FAILURE() << "a directory loaded";
    } catch (const ConfigError& d) {
        EXPECT_NE(d.reason.find("directory"), std::string::npos);
    }
}

config::Config text(const std::string& yaml) {
    return load_config_text(yaml, "t.yaml", "/etc/tpserve");
}

int line_of(const std::string& yaml) {
    try {
        text(yaml);
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.file, "t.yaml");
        return e.line;
    }
    ADD_FAILURE() << "accepted: " << yaml;
    return -1;
}

TEST(ConfigLoader, TextVariants) {
    EXPECT_EQ(text("root: www").root, native("/etc/tpserve/www"));
    EXPECT_EQ(text("root: /abs/./x/../y/").root, on_drive_of("/etc/tpserve", "/abs/y"));
    EXPECT_EQ(load_config_text("root: www", "t", "").root, "www");
    EXPECT_EQ(text("log: {access: a.log}").log.access, native("/etc/tpserve/a.log"));
    EXPECT_EQ(text("serve_hidden: on").serve_hidden, true);
    EXPECT_EQ(text("serve_hidden: no").serve_hidden, false);
    EXPECT_EQ(text("workers: 256").workers, 256u);
    EXPECT_EQ(text("limits: {body_bytes: 1g}").limits.body_bytes, 1u << 30);
    EXPECT_EQ(text("timeouts: {drain: 24h}").timeouts.drain, std::chrono::hours(24));
    EXPECT_EQ(text("timeouts: {drain: 1ms}").timeouts.drain, std::chrono::milliseconds(1));
    EXPECT_EQ(text("symlinks: follow").symlinks, files::SymlinkPolicy::Follow);
    EXPECT_EQ(text("log: {level: warn}").log.level, config::LogLevel::Warn);
    EXPECT_EQ(text("io: {backend: epoll}").io.backend, config::IoBackend::Epoll);
    EXPECT_EQ(text("io: {backend: io_uring}").io.backend, config::IoBackend::IoUring);
    EXPECT_EQ(text("limits: {max_connections: 100}").limits.max_connections, 100u);
    EXPECT_EQ(text("windows: {socket_reuse: off}").windows.socket_reuse, config::SocketReuse::Off);
    EXPECT_EQ(
        text("windows: {socket_reuse: on, accepts_per_listener: 64}").windows.accepts_per_listener,
        64u);
}

TEST(ConfigLoader, TextRejections) {
    EXPECT_EQ(line_of("workers: 0"), 1);
    EXPECT_EQ(line_of("workers: 257"), 1);
    EXPECT_EQ(line_of("workers: -1"), 1);
    EXPECT_EQ(line_of("\nroot:"), 2);  // null value
    EXPECT_EQ(line_of("root: [a, b]"), 1);
    EXPECT_EQ(line_of("index: []"), 1);
    EXPECT_EQ(line_of("index: ['']"), 1);
    EXPECT_EQ(line_of("index: ['..']"), 1);
    EXPECT_EQ(line_of("limits: {request_line_bytes: 63}"), 1);
    EXPECT_EQ(line_of("limits: {header_count: 10001}"), 1);
    EXPECT_EQ(line_of("limits: {header_count: 0}"), 1);
    EXPECT_EQ(line_of("limits: {body_bytes: 2g}"), 1);
    EXPECT_EQ(line_of("limits: {keepalive_requests: 0}"), 1);
    EXPECT_EQ(line_of("limits: {keepalive_requests: 1000000001}"), 1);
    EXPECT_EQ(line_of("limits: {body_bytes: 99999999999999999999999}"), 1);
    EXPECT_EQ(line_of("timeouts: {header: 0}"), 1);
    EXPECT_EQ(line_of("timeouts: {header: 25h}"), 1);
    EXPECT_EQ(line_of("timeouts: {header: 1.5s}"), 1);
    EXPECT_EQ(line_of("timeouts: {header: 10 s}"), 1);
    EXPECT_EQ(line_of("log: {level: loud}"), 1);
    EXPECT_EQ(line_of("log: {error: 'off'}"), 1);
    EXPECT_EQ(line_of("log: {access: ''}"), 1);
    EXPECT_EQ(line_of("symlinks: sometimes"), 1);
    EXPECT_EQ(line_of("server_header: \"a\\r\\nX: y\""), 1);
    EXPECT_EQ(line_of("mime: {types: {.wasm: application/wasm}}"), 1);
    EXPECT_EQ(line_of("mime: {types: {wasm: wasm}}"), 1);
    EXPECT_EQ(line_of("mime: {types: {wasm: a/b, WASM: c/d}}"), 1);
    EXPECT_EQ(line_of("mime: {default: ''}"), 1);
    EXPECT_EQ(line_of("listen: ['127.0.0.1:80', '127.0.0.1:80']"), 1);
    EXPECT_EQ(line_of("listen: 'example.com:80'"), 1);
    EXPECT_EQ(line_of("listen: '127.0.0.1'"), 1);
    EXPECT_EQ(line_of("listen: '[::1]'"), 1);
    EXPECT_EQ(line_of("listen: '[fe80::1%eth0]:80'"), 1);
    EXPECT_EQ(line_of("listen: {a: b}"), 1);
    EXPECT_EQ(line_of("just a string"), 1);
    EXPECT_EQ(line_of("? [a]\n: 1"), 1);  // non-scalar key
    EXPECT_EQ(line_of("io:\n  backend: uring"), 2);
    EXPECT_EQ(line_of("io: {engine: epoll}"), 1);
    EXPECT_EQ(line_of("limits: {max_connections: 15}"), 1);
    EXPECT_EQ(line_of("windows:\n  socket_reuse: maybe"), 2);
    EXPECT_EQ(line_of("windows: {accepts_per_listener: 0}"), 1);
}

TEST(ConfigLoader, SuggestionsAndAllowedKeys) {
    try {
        text("log:\n  levle: info");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.line, 2);
        EXPECT_EQ(e.column, 3);
        EXPECT_EQ(e.reason,
                  "unknown key 'levle' in 'log' (did you mean 'level'?); allowed keys: access, "
                  "format, error or level");
    }
    try {
        text("zzzzzz: 1");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.reason.find("did you mean"), std::string::npos) << e.reason;
    }
}

}  // namespace
}  // namespace tpserve::app

namespace tpserve::app {
namespace {

TEST(ConfigLoader, CacheKeys) {
    const config::Config d;
    EXPECT_TRUE(d.cache.enabled);
    EXPECT_EQ(d.cache.validity, std::chrono::milliseconds(1000));
    EXPECT_EQ(d.cache.max_entries, 40'000u);
    EXPECT_TRUE(d.cache.watch);
    EXPECT_FALSE(load_config_text("cache: {watch: false}", "t", "").cache.watch);
    const config::Config c =
        load_config_text("cache: {enabled: false, validity: 250ms, max_entries: 64}", "t", "");
    EXPECT_FALSE(c.cache.enabled);
    EXPECT_EQ(c.cache.validity, std::chrono::milliseconds(250));
    EXPECT_EQ(c.cache.max_entries, 64u);
    EXPECT_EQ(d.cache.max_file_bytes, 4u * 1024u);
    EXPECT_EQ(d.cache.max_bytes, 128u << 20);
    const config::Config m =
        load_config_text("cache: {max_file_bytes: 16k, max_bytes: 1g}", "t", "");
    EXPECT_EQ(m.cache.max_file_bytes, 16u * 1024u);
    EXPECT_EQ(m.cache.max_bytes, 1ull << 30);
    EXPECT_EQ(load_config_text("cache: {max_file_bytes: 0}", "t", "").cache.max_file_bytes, 0u);
    for (const char* bad :
         {"cache: {max_entries: 1}", "cache: {validity: forever}", "cache: {enabled: maybe}",
          "cache: {size: 1}", "cache: {watch: sometimes}", "cache: {max_file_bytes: 65m}",
          "cache: {max_bytes: lots}"}) {
        EXPECT_THROW((void)load_config_text(bad, "t", ""), ConfigError) << bad;
    }
}

}  // namespace
}  // namespace tpserve::app
