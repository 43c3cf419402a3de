// The keys a reload cannot apply: each one, changed alone, is reported
// alone and set back to the running value; the keys a reload applies are
// never reported nor touched.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "app/RestartOnly.h"

namespace tpserve::app {
namespace {

using config::Config;

struct Change {
    std::string key;  // what restart_only_changes must report; "" = nothing
    std::function<void(Config&)> apply;
};

std::vector<Change> changes() {
    return {
        {"listen",
         [](Config& c) {
             c.listen = {{"0.0.0.0", 80}, {"::", 80}};
         }},
        {"listen", [](Config& c) { c.listen[0].port = 8081; }},
        {"admin.listen",
         [](Config& c) {
             c.admin.listen = config::ListenAddress{"127.0.0.1", 9145};
         }},
        {"workers", [](Config& c) { c.workers = 3; }},
        {"io.backend", [](Config& c) { c.io.backend = config::IoBackend::Epoll; }},
        {"limits.max_connections", [](Config& c) { c.limits.max_connections = 10; }},
        {"timeouts.drain", [](Config& c) { c.timeouts.drain = std::chrono::seconds(3); }},
        {"windows.socket_reuse",
         [](Config& c) { c.windows.socket_reuse = config::SocketReuse::Off; }},
        {"windows.accepts_per_listener", [](Config& c) { c.windows.accepts_per_listener = 4; }},
        // Applied live: never reported.
        {"", [](Config& c) { c.root = "/srv/other"; }},
        {"",
         [](Config& c) {
             c.headers.push_back({"*.css", "", 60, {}});
         }},
        {"", [](Config& c) { c.sites.emplace_back(); }},
        {"", [](Config& c) { c.limits.header_bytes = 4096; }},
        {"", [](Config& c) { c.limits.keepalive_requests = 7; }},
        {"", [](Config& c) { c.timeouts.keepalive = std::chrono::seconds(5); }},
        {"", [](Config& c) { c.cache.enabled = false; }},
        {"", [](Config& c) { c.log.level = config::LogLevel::Debug; }},
        {"", [](Config& c) { c.log.access = "/var/log/tpserve/access.log"; }},
        {"",
         [](Config& c) {
             c.mime_types.push_back({"wasm", "application/wasm"});
         }},
        {"", [](Config& c) { c.server_header = ""; }},
    };
}

TEST(RestartOnly, EachKeyChangedAloneIsReportedAloneAndKept) {
    const Config running;
    for (const Change& change : changes()) {
        Config next;
        change.apply(next);
        const std::vector<std::string> reported = restart_only_changes(running, next);
        if (change.key.empty()) {
            EXPECT_TRUE(reported.empty()) << reported.front();
        } else {
            EXPECT_EQ(reported, std::vector<std::string>{change.key});
        }
        Config kept = next;
        keep_restart_only(running, kept);
        EXPECT_TRUE(restart_only_changes(running, kept).empty()) << change.key;
        if (change.key.empty()) {
            // What a reload applies is left as the new file says.
            EXPECT_EQ(kept.root, next.root);
            EXPECT_EQ(kept.headers, next.headers);
            EXPECT_EQ(kept.sites, next.sites);
            EXPECT_EQ(kept.limits, next.limits);
            EXPECT_EQ(kept.timeouts, next.timeouts);
            EXPECT_EQ(kept.cache, next.cache);
            EXPECT_EQ(kept.log, next.log);
            EXPECT_EQ(kept.mime_types, next.mime_types);
            EXPECT_EQ(kept.server_header, next.server_header);
        }
    }
}

TEST(RestartOnly, SeveralKeysAreReportedInTableOrderAndOnlyThoseAreKept) {
    Config running;
    running.workers = 2;
    Config next;
    next.workers = 4;
    next.io.backend = config::IoBackend::IoUring;
    next.listen = {{"127.0.0.1", 9000}};
    next.root = "/srv/b";
    next.limits.max_connections = 100;
    next.limits.max_ranges = 3;
    EXPECT_EQ(
        restart_only_changes(running, next),
        (std::vector<std::string>{"listen", "workers", "io.backend", "limits.max_connections"}));
    keep_restart_only(running, next);
    EXPECT_EQ(next.workers, 2U);
    EXPECT_EQ(next.io.backend, config::IoBackend::Auto);
    EXPECT_EQ(next.listen, running.listen);
    EXPECT_EQ(next.limits.max_connections, running.limits.max_connections);
    EXPECT_EQ(next.limits.max_ranges, 3U);  // the rest of limits applies
    EXPECT_EQ(next.root, "/srv/b");
}

TEST(RestartOnly, NothingChangedReportsNothing) {
    EXPECT_TRUE(restart_only_changes(Config{}, Config{}).empty());
}

}  // namespace
}  // namespace tpserve::app
