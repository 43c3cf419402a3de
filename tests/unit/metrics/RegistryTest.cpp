// Counting per worker, summing at the scrape, and the rendered families.
#include "metrics/Registry.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "metrics/TextFormat.h"

namespace tpserve::metrics {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

// The value of the sample line that starts with `series` ("name{labels}"), or -1.
double sample(const std::string& text, const std::string& series) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ') {
            return std::stod(line.substr(series.size() + 1));
        }
    }
    return -1;
}

TEST(DurationBuckets, UpperBoundsAreInclusive) {
    EXPECT_EQ(duration_bucket(nanoseconds(0)), 0u);
    EXPECT_EQ(duration_bucket(microseconds(500)), 0u);  // le="0.0005"
    EXPECT_EQ(duration_bucket(nanoseconds(500'001)), 1u);
    EXPECT_EQ(duration_bucket(milliseconds(1)), 1u);
    EXPECT_EQ(duration_bucket(milliseconds(10'000)), kDurationBoundsNs.size() - 1);
    EXPECT_EQ(duration_bucket(milliseconds(10'001)), kDurationBoundsNs.size());  // +Inf
    EXPECT_EQ(duration_bucket(nanoseconds(-5)), 0u);  // a clock step never goes past +Inf
}

TEST(Registry, TotalsAreTheSumOfEveryWorkersBlock) {
    Registry registry(3);
    for (unsigned w = 0; w < 3; ++w) {
        WorkerMetrics& m = registry.worker(w);
        for (unsigned i = 0; i <= w; ++i)
            m.count_request(MethodClass::Get, 200);
        m.count_request(MethodClass::Head, 404);
        m.connections_accepted.add(2);
        m.connections_closed.add(1);
        m.response_bytes.add(100);
        m.count_deadline(DeadlineKind::KeepAlive);
        m.count_transmit(TransmitPath::Sendfile);
    }
    const WorkerTotals t = registry.totals();
    EXPECT_EQ(t.requests[0][1], 6u);  // GET 2xx: 1 + 2 + 3
    EXPECT_EQ(t.requests[1][3], 3u);  // HEAD 4xx
    EXPECT_EQ(t.connections_accepted, 6u);
    EXPECT_EQ(t.connections_closed, 3u);
    EXPECT_EQ(t.response_bytes, 300u);
    EXPECT_EQ(t.deadlines[1], 3u);
    EXPECT_EQ(t.transmits[1], 3u);
}

TEST(Registry, StatusClassesAndOddStatuses) {
    Registry registry(1);
    WorkerMetrics& m = registry.worker(0);
    m.count_request(MethodClass::Other, 100);
    m.count_request(MethodClass::Other, 301);
    m.count_request(MethodClass::Other, 503);
    m.count_request(MethodClass::Other, 700);  // not a status: counted as 5xx, never lost
    const WorkerTotals t = registry.totals();
    EXPECT_EQ(t.requests[3][0], 1u);
    EXPECT_EQ(t.requests[3][2], 1u);
    EXPECT_EQ(t.requests[3][4], 2u);
}

TEST(Registry, RendersEveryFamilyWithHelpAndType) {
    Registry registry(2);
    registry.set_build_info("1.2.3", "epoll");
    registry.set_reload_source([] { return ReloadCounts{4, 1}; });
    registry.worker(0).count_request(MethodClass::Get, 200);
    registry.worker(1).count_request(MethodClass::Get, 206);
    registry.worker(0).connections_accepted.add(3);
    registry.worker(1).connections_closed.add(1);
    registry.worker(0).observe_duration(microseconds(100), 2);
    registry.worker(1).observe_duration(milliseconds(20), 1);
    registry.worker(1).count_transmit(TransmitPath::Sendmsg);
    std::string text;
    registry.render(text);

    EXPECT_EQ(sample(text, R"(tpserve_build_info{version="1.2.3",engine="epoll"})"), 1);
    EXPECT_EQ(sample(text, R"(tpserve_http_requests_total{method="GET",status="2xx"})"), 2);
    EXPECT_EQ(sample(text, R"(tpserve_http_requests_total{method="HEAD",status="2xx"})"), 0);
    EXPECT_EQ(sample(text, "tpserve_connections_open"), 2);
    EXPECT_EQ(sample(text, R"(tpserve_http_request_duration_seconds_bucket{le="0.0005"})"), 2);
    EXPECT_EQ(sample(text, R"(tpserve_http_request_duration_seconds_bucket{le="0.025"})"), 3);
    EXPECT_EQ(sample(text, R"(tpserve_http_request_duration_seconds_bucket{le="+Inf"})"), 3);
    EXPECT_EQ(sample(text, "tpserve_http_request_duration_seconds_count"), 3);
    EXPECT_DOUBLE_EQ(sample(text, "tpserve_http_request_duration_seconds_sum"), 0.0202);
    EXPECT_EQ(sample(text, R"(tpserve_transmits_total{path="sendmsg"})"), 1);
    EXPECT_EQ(sample(text, R"(tpserve_transmits_total{path="io_uring_sendmsg"})"), -1);
    EXPECT_EQ(sample(text, R"(tpserve_reloads_total{result="ok"})"), 4);
    EXPECT_EQ(sample(text, R"(tpserve_reloads_total{result="failed"})"), 1);
    EXPECT_EQ(sample(text, R"(tpserve_deadlines_total{kind="send"})"), 0);

    // Every sample belongs to a family announced before it, with a valid name.
    std::istringstream lines(text);
    std::string family;
    for (std::string line; std::getline(lines, line);) {
        ASSERT_FALSE(line.empty());
        if (line.starts_with("# TYPE ")) {
            family = line.substr(7, line.find(' ', 7) - 7);
            EXPECT_TRUE(valid_name(family)) << line;
            continue;
        }
        if (line.starts_with("# HELP ")) continue;
        ASSERT_FALSE(family.empty()) << line;
        EXPECT_TRUE(line.starts_with(family)) << line << " outside " << family;
    }
}

TEST(Registry, ScrapesWhileWorkersCountSeeMonotonicTotals) {
    Registry registry(2);
    std::atomic<bool> done{false};
    std::thread writers[2];
    for (unsigned w = 0; w < 2; ++w) {
        writers[w] = std::thread([&registry, w] {
            for (int i = 0; i < 200'000; ++i)
                registry.worker(w).count_request(MethodClass::Get, 200);
        });
    }
    std::uint64_t last = 0;
    std::thread reader([&] {
        while (!done.load()) {
            const std::uint64_t now = registry.totals().requests[0][1];
            EXPECT_GE(now, last);
            last = now;
        }
    });
    for (std::thread& t : writers)
        t.join();
    done = true;
    reader.join();
    EXPECT_EQ(registry.totals().requests[0][1], 400'000u);  // one writer per block: none lost
}

}  // namespace
}  // namespace tpserve::metrics
