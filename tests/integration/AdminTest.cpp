// The admin listener (/metrics, /healthz, /readyz) on every backend: off
// by default, its answers, counters that move by exactly the requests
// made, /readyz during a drain, and promtool's verdict on a real scrape.
#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include "AdminScrape.h"
#include "ServerFixture.h"
#include "TestEnv.h"
#include "WaitUntil.h"

namespace tpserve::integration {
namespace {

using support::wait_until;

// The sum of every sample whose series starts with `prefix`.
double sum_of(const std::string& exposition, const std::string& prefix) {
    double sum = 0;
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with(prefix)) sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
}

class Admin : public ServerFixture {
protected:
    // Starts the server with an admin listener on an ephemeral port.
    testing::AssertionResult start_with_admin(std::optional<std::string> yaml = std::nullopt) {
        ServerOptions options;
        options.extra_args = {"--admin-listen", "127.0.0.1:0"};
        if (auto started = start(std::move(yaml), options); !started) return started;
        if (!wait_until([&] { return admin_port(server) != 0; })) {
            return testing::AssertionFailure() << "no admin listener line in\n"
                                               << server.stderr_text();
        }
        port = admin_port(server);
        return testing::AssertionSuccess();
    }

    HttpResponse admin(const std::string& path) { return admin_get(server, port, path); }

    std::string scrape() {
        const HttpResponse r = admin("/metrics");
        EXPECT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 200) << r.head;
        return r.body;
    }

    double value(const std::string& text, const std::string& series) {
        const auto v = sample_value(text, series);
        EXPECT_TRUE(v.has_value()) << series << " not in\n" << text;
        return v.value_or(-1);
    }

    std::uint16_t port = 0;
};

TEST_F(Admin, OffByDefaultNothingMoreListens) {
    ASSERT_TRUE(start());
    EXPECT_EQ(server.stderr_text().find("admin listener"), std::string::npos);
    if (server_is_windows()) return;  // Wine's sockets live in wineserver, not in /proc/PID/fd
    EXPECT_EQ(listening_ports(server.pid()), std::vector<std::uint16_t>{server.port()});
}

TEST_F(Admin, HealthReadyMetricsAndTheRest) {
    ASSERT_TRUE(start_with_admin());
    if (!server_is_windows()) {
        const std::vector<std::uint16_t> ports = listening_ports(server.pid());
        EXPECT_EQ(ports.size(), 2u);
        EXPECT_TRUE(std::find(ports.begin(), ports.end(), port) != ports.end());
    }
    const HttpResponse health = admin("/healthz");
    ASSERT_TRUE(well_framed(health));
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "ok\n");
    const HttpResponse ready = admin("/readyz");
    ASSERT_TRUE(well_framed(ready));
    EXPECT_EQ(ready.status, 200);

    const HttpResponse metrics = admin("/metrics?format=text");
    ASSERT_TRUE(well_framed(metrics));
    EXPECT_EQ(metrics.status, 200);
    EXPECT_EQ(metrics.header("Content-Type").value_or(""),
              "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_NE(metrics.body.find("# TYPE tpserve_http_requests_total counter"), std::string::npos);

    HttpClient c;
    ASSERT_TRUE(c.connect(server.host(), port));
    const HttpResponse head = c.request(make_request("HEAD", "/metrics"), true);
    ASSERT_TRUE(head.ok()) << head.error;
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
    const HttpResponse post = c.request(make_request("POST", "/metrics", "Content-Length: 0\r\n"));
    ASSERT_TRUE(well_framed(post));
    EXPECT_EQ(post.status, 405);
    EXPECT_EQ(post.header("Allow").value_or(""), "GET, HEAD");
    const HttpResponse missing = c.request(make_request("GET", "/a.txt"));  // keep-alive goes on
    ASSERT_TRUE(well_framed(missing));
    EXPECT_EQ(missing.status, 404);
    const HttpResponse bad = c.request("GET /metrics HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    ASSERT_TRUE(bad.ok()) << bad.error;
    EXPECT_EQ(bad.status, 400);

    // The public listener knows nothing of these paths.
    for (const char* path : {"/metrics", "/healthz", "/readyz"}) {
        const HttpResponse r = get(path);
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 404) << path;
    }
}

TEST_F(Admin, CountersMoveByExactlyTheRequestsMade) {
    ASSERT_TRUE(start_with_admin());
    const std::string get2xx = R"(tpserve_http_requests_total{method="GET",status="2xx"})";
    const std::string get4xx = R"(tpserve_http_requests_total{method="GET",status="4xx"})";
    const std::string head2xx = R"(tpserve_http_requests_total{method="HEAD",status="2xx"})";
    const std::string before = scrape();

    // 5 GETs and 2 HEADs of a file on one keep-alive connection, 3 GETs of
    // a missing path on a connection each. Scrapes are not counted.
    std::uint64_t bytes = 0;
    HttpClient c = connect();
    for (int i = 0; i < 5; ++i) {
        const HttpResponse r = c.request(make_request("GET", "/a.txt"));
        ASSERT_TRUE(well_framed(r));
        bytes += r.raw().size();
    }
    for (int i = 0; i < 2; ++i) {
        const HttpResponse r = c.request(make_request("HEAD", "/a.txt"), true);
        ASSERT_TRUE(r.ok()) << r.error;
        bytes += r.raw().size();
    }
    for (int i = 0; i < 3; ++i) {
        const HttpResponse r = get("/no-such-file");
        ASSERT_TRUE(well_framed(r));
        EXPECT_EQ(r.status, 404);
        bytes += r.raw().size();
    }
    c = HttpClient();  // closes: 4 connections opened and closed in all

    const auto moved = [&](const std::string& after, const std::string& series) {
        return value(after, series) - value(before, series);
    };
    std::string after;
    // The last transmit's completion (and the closes) land just after the
    // client has read the bytes: wait for them, bounded.
    ASSERT_TRUE(wait_until([&] {
        after = scrape();
        return moved(after, "tpserve_connections_closed_total") == 4 &&
               moved(after, "tpserve_http_request_duration_seconds_count") == 10;
    })) << after;
    EXPECT_EQ(moved(after, get2xx), 5);
    EXPECT_EQ(moved(after, head2xx), 2);
    EXPECT_EQ(moved(after, get4xx), 3);
    EXPECT_EQ(moved(after, "tpserve_connections_accepted_total"), 4);
    EXPECT_EQ(moved(after, "tpserve_http_response_bytes_total"), static_cast<double>(bytes));
    EXPECT_EQ(value(after, R"(tpserve_http_request_duration_seconds_bucket{le="+Inf"})"),
              value(after, "tpserve_http_request_duration_seconds_count"));
    EXPECT_EQ(value(after, "tpserve_connections_open"), 0);
    EXPECT_GE(moved(after, R"(tpserve_cache_hits_total{site="default"})"), 6);
    // Every response went out through some send path of the engine.
    EXPECT_GE(
        sum_of(after, "tpserve_transmits_total{") - sum_of(before, "tpserve_transmits_total{"), 10);
}

TEST_F(Admin, DeadlinesAreCountedByKind) {
    ASSERT_TRUE(start_with_admin("timeouts:\n  header: 300ms\n  keepalive: 300ms\n"));
    const std::string header = R"(tpserve_deadlines_total{kind="header"})";
    const std::string keepalive = R"(tpserve_deadlines_total{kind="keepalive"})";
    const std::string before = scrape();
    HttpClient silent = connect();  // sends nothing: the header timeout
    HttpClient idle = connect();    // one request, then idle: the keep-alive timeout
    ASSERT_TRUE(well_framed(idle.request(make_request("GET", "/a.txt"))));
    EXPECT_TRUE(silent.read_until_close(5s).closed);
    EXPECT_TRUE(idle.read_until_close(5s).closed);
    std::string after;
    ASSERT_TRUE(wait_until([&] {
        after = scrape();
        return value(after, header) - value(before, header) == 1 &&
               value(after, keepalive) - value(before, keepalive) == 1;
    })) << after;
}

TEST_F(Admin, PromtoolAcceptsTheScrape) {
    const auto promtool = find_on_path("promtool");
    if (!promtool) {
        if (std::getenv("CI") != nullptr && std::string(std::getenv("CI")) == "true") {
            FAIL() << "promtool is missing (Debian package prometheus; scripts/setup.sh)";
        }
        GTEST_SKIP() << "promtool is not on PATH (Debian package prometheus)";
    }
    ASSERT_TRUE(start_with_admin());
    ASSERT_TRUE(well_framed(get("/a.txt")));
    const std::filesystem::path file = tree.write("scrape.txt", scrape());
    const std::string cmd = promtool->string() + " check metrics < '" + file.string() + "' 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string output;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
        output.append(buf, n);
    const int status = ::pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
    EXPECT_EQ(output, "") << "promtool has remarks";
}

TEST_F(Admin, ReadyzIs503WhileThePublicWorkersDrain) {
    ASSERT_TRUE(start_with_admin("timeouts:\n  drain: 3s\n"));
    ASSERT_EQ(admin("/readyz").status, 200);
    // A request head in progress keeps its connection (and the drain) going.
    HttpClient busy = connect();
    ASSERT_TRUE(busy.send("GET /a.txt HTTP/1.1\r\nHost: x\r\n"));
    ASSERT_TRUE(wait_until([&] {
        const std::string text = scrape();
        return sample_value(text, "tpserve_connections_open").value_or(0) == 1;
    }));
    server.signal(ServerProcess::stop_signal());
    HttpResponse during;
    ASSERT_TRUE(wait_until([&] {
        during = admin("/readyz");
        return during.status == 503;
    })) << during.raw();
    EXPECT_TRUE(well_framed(during));
    EXPECT_EQ(admin("/healthz").status, 200);  // alive while draining
    ASSERT_TRUE(server.wait_exit(15s).has_value());
    stopped = true;
}

}  // namespace
}  // namespace tpserve::integration
