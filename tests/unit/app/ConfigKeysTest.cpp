// The key tables: each key sets its own member and no other, and
// config/default.yaml shows every key with the value the code gives it.
#include "app/ConfigKeys.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "app/ConfigLoader.h"

namespace tpserve::app {
namespace {

// A value other than the default for every key. A key added to a table
// without a sample here fails EveryKeySetsItsOwnMember until it gets one.
const std::map<std::string, std::string>& samples() {
    static const std::map<std::string, std::string> kSamples = {
        {"listen", "listen: '127.0.0.1:9000'"},
        {"workers", "workers: 3"},
        {"root", "root: /srv/site"},
        {"index", "index: home.html"},
        {"serve_hidden", "serve_hidden: true"},
        {"symlinks", "symlinks: follow"},
        {"listing", "listing: true"},
        {"error_pages", "error_pages: {404: /404.html}"},
        {"fallback", "fallback: /index.html"},
        {"precompressed.enabled", "precompressed: {enabled: false}"},
        {"precompressed.encodings", "precompressed: {encodings: [gzip]}"},
        {"headers", "headers: []"},
        {"sites", "sites: [{hosts: a.example}]"},
        {"server_header", "server_header: ''"},
        {"mime.default", "mime: {default: text/plain}"},
        {"mime.types", "mime: {types: {wasm: application/wasm}}"},
        {"limits.request_line_bytes", "limits: {request_line_bytes: 4096}"},
        {"limits.header_bytes", "limits: {header_bytes: 8192}"},
        {"limits.header_count", "limits: {header_count: 50}"},
        {"limits.body_bytes", "limits: {body_bytes: 0}"},
        {"limits.keepalive_requests", "limits: {keepalive_requests: 7}"},
        {"limits.max_connections", "limits: {max_connections: 100}"},
        {"limits.max_ranges", "limits: {max_ranges: 2}"},
        {"timeouts.header", "timeouts: {header: 1s}"},
        {"timeouts.keepalive", "timeouts: {keepalive: 2s}"},
        {"timeouts.send", "timeouts: {send: 3s}"},
        {"timeouts.drain", "timeouts: {drain: 4s}"},
        {"cache.enabled", "cache: {enabled: false}"},
        {"cache.validity", "cache: {validity: 250ms}"},
        {"cache.watch", "cache: {watch: false}"},
        {"cache.max_entries", "cache: {max_entries: 64}"},
        {"cache.max_file_bytes", "cache: {max_file_bytes: 0}"},
        {"cache.max_bytes", "cache: {max_bytes: 1m}"},
        {"io.backend", "io: {backend: epoll}"},
        {"windows.socket_reuse", "windows: {socket_reuse: off}"},
        {"windows.accepts_per_listener", "windows: {accepts_per_listener: 4}"},
        {"log.access", "log: {access: stderr}"},
        {"log.format", "log: {format: json}"},
        {"log.error", "log: {error: stdout}"},
        {"log.level", "log: {level: debug}"},
        {"admin.listen", "admin: {listen: '127.0.0.1:9145'}"},
    };
    return kSamples;
}

TEST(ConfigKeys, EveryKeySetsItsOwnMember) {
    const config::Config defaults;
    const std::vector<ConfigKey> keys = config_keys();
    std::set<std::string> sampled;
    for (const ConfigKey& key : keys) {
        SCOPED_TRACE(key.name);
        const auto sample = samples().find(key.name);
        if (sample == samples().end()) {
            ADD_FAILURE() << "no sample value for '" << key.name << "': add one to samples()";
            continue;
        }
        sampled.insert(key.name);
        const config::Config c = load_config_text(sample->second, "t", "");
        for (const ConfigKey& other : keys) {
            EXPECT_EQ(other.same(c, defaults), other.name != key.name)
                << sample->second << " and " << other.name;
        }
    }
    for (const auto& [name, yaml] : samples())
        EXPECT_TRUE(sampled.contains(name)) << "a sample for a key no table has: " << name;
}

TEST(ConfigKeys, ShippedDefaultYamlSetsEveryKeyToItsDefault) {
    const std::string path = std::string(TPSERVE_SOURCE_DIR) + "/config/default.yaml";
    const config::Config shipped = load_config_file(path);
    const config::Config defaults;
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string yaml = "\n" + text.str();
    for (const ConfigKey& key : config_keys()) {
        SCOPED_TRACE(key.name);
        // The shipped root is "../www" from config/: the same directory as
        // the default "www" from the repository (checked by ConfigLoaderTest).
        if (key.name != "root") {
            EXPECT_TRUE(key.same(shipped, defaults));
        }
        // Written out, not left to the default: a top-level key at the start
        // of a line, a section's key indented under its section.
        const std::size_t dot = key.name.find('.');
        if (dot == std::string::npos) {
            EXPECT_NE(yaml.find("\n" + key.name + ":"), std::string::npos);
            continue;
        }
        const std::size_t start = yaml.find("\n" + key.name.substr(0, dot) + ":");
        ASSERT_NE(start, std::string::npos);
        std::size_t end = start + 1;
        while ((end = yaml.find('\n', end + 1)) != std::string::npos && end + 1 < yaml.size() &&
               (yaml[end + 1] == ' ' || yaml[end + 1] == '#' || yaml[end + 1] == '\n')) {
        }
        const std::size_t at = yaml.find("\n  " + key.name.substr(dot + 1) + ":", start);
        EXPECT_LT(at, end) << "not under its section in config/default.yaml";
    }
}

}  // namespace
}  // namespace tpserve::app
