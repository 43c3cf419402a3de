#include "log/AccessLog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "WaitUntil.h"

namespace tpserve::log {
namespace {

namespace fs = std::filesystem;

class TempFile {
public:
    TempFile() {
        static std::atomic<int> counter{0};
        path_ = fs::temp_directory_path() /
                ("tpserve-accesslog-" +
                 std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 std::to_string(counter++) + "-" +
                 std::to_string(std::hash<std::thread::id>{}(std::this_thread::get_id())) + ".log");
        fs::remove(path_);
    }
    ~TempFile() {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    std::string path() const { return path_.string(); }
    std::vector<std::string> lines() const {
        std::ifstream in(path_, std::ios::binary);
        std::vector<std::string> out;
        for (std::string l; std::getline(in, l);)
            out.push_back(l);
        return out;
    }
    std::string contents() const {
        std::ifstream in(path_, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    fs::path path_;
};

AccessRecord record(std::string_view target) {
    AccessRecord r;
    r.peer = "10.0.0.1";
    r.unix_time = 1'795'593'600;
    r.method = "GET";
    r.target = target;
    r.protocol = "HTTP/1.1";
    r.status = 200;
    r.body_bytes = 5;
    r.user_agent = "test";
    return r;
}

TEST(AccessLog, OffWritesNothing) {
    std::string error;
    auto log = AccessLog::open("off", error);
    ASSERT_NE(log, nullptr) << error;
    EXPECT_FALSE(log->enabled());
    log->write(record("/x"));
    log->flush();
    EXPECT_EQ(log->dropped(), 0u);
}

TEST(AccessLog, UnopenableFileIsAnError) {
    std::string error;
    auto log = AccessLog::open("/nonexistent-dir-tpserve/a/b.log", error);
    EXPECT_EQ(log, nullptr);
    EXPECT_NE(error.find("/nonexistent-dir-tpserve/a/b.log"), std::string::npos) << error;
}

TEST(AccessLog, WritesExactLineToFileAndAppends) {
    TempFile file;
    { std::ofstream(file.path(), std::ios::binary) << "previous\n"; }
    std::string error;
    auto log = AccessLog::open(file.path(), error);
    ASSERT_NE(log, nullptr) << error;
    EXPECT_TRUE(log->enabled());
    log->write(record("/hello"));
    log->flush();
    EXPECT_EQ(file.contents(),
              "previous\n10.0.0.1 - - [25/Nov/2026:08:00:00 +0000] \"GET /hello HTTP/1.1\" 200 5 "
              "\"-\" \"test\"\n");
}

TEST(AccessLog, QuietLinesAppearWithoutFlush) {
    TempFile file;
    std::string error;
    auto log = AccessLog::open(file.path(), error);
    ASSERT_NE(log, nullptr) << error;
    log->write(record("/quiet"));
    // The writer sweeps partly filled chunks every ~100 ms.
    support::wait_until([&] { return !file.lines().empty(); }, std::chrono::seconds(2),
                        std::chrono::milliseconds(20));
    ASSERT_EQ(file.lines().size(), 1u);
}

TEST(AccessLog, DestructorFlushes) {
    TempFile file;
    {
        std::string error;
        auto log = AccessLog::open(file.path(), error);
        ASSERT_NE(log, nullptr) << error;
        for (int i = 0; i < 1000; ++i)
            log->write(record("/d" + std::to_string(i)));
    }
    EXPECT_EQ(file.lines().size(), 1000u);
}

// Parses the target back out of a line, or returns "" if the line is damaged.
std::string target_of(const std::string& l) {
    static const std::regex re(
        R"(^10\.0\.0\.1 - - \[25/Nov/2026:08:00:00 \+0000\] "GET (/t[0-9]+-[0-9]+) HTTP/1\.1" 200 5 "-" "test"$)");
    std::smatch m;
    return std::regex_match(l, m, re) ? m[1].str() : "";
}

TEST(AccessLog, ManyThreadsEveryLineIntactAndCounted) {
    TempFile file;
    std::string error;
    auto log = AccessLog::open(file.path(), error);
    ASSERT_NE(log, nullptr) << error;
    constexpr int kThreads = 8, kPerThread = 5000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&log, t] {
            for (int i = 0; i < kPerThread; ++i) {
                log->write(record("/t" + std::to_string(t) + "-" + std::to_string(i)));
            }
        });
    }
    for (auto& th : threads)
        th.join();
    log->flush();
    ASSERT_EQ(log->dropped(), 0u);  // well under the default buffer cap
    const auto lines = file.lines();
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kPerThread));
    std::set<std::string> seen;
    std::vector<int> last(kThreads, -1);
    for (const auto& l : lines) {
        const std::string target = target_of(l);
        ASSERT_FALSE(target.empty()) << "damaged line: " << l;
        ASSERT_TRUE(seen.insert(target).second) << "duplicate: " << target;
        // Each thread's lines keep their order.
        const int t = std::stoi(target.substr(2));
        const int i = std::stoi(target.substr(target.find('-') + 1));
        ASSERT_GT(i, last[t]);
        last[t] = i;
    }
}

TEST(AccessLog, TinyBufferDropsAreCountedExactly) {
    TempFile file;
    std::string error;
    auto log = AccessLog::open(file.path(), error, 1);  // the minimum pool
    ASSERT_NE(log, nullptr) << error;
    constexpr int kThreads = 4, kPerThread = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&log, t] {
            for (int i = 0; i < kPerThread; ++i) {
                log->write(record("/t" + std::to_string(t) + "-" + std::to_string(i)));
            }
        });
    }
    for (auto& th : threads)
        th.join();
    log->flush();
    const auto lines = file.lines();
    for (const auto& l : lines)
        ASSERT_FALSE(target_of(l).empty()) << l;
    EXPECT_EQ(lines.size() + log->dropped(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST(AccessLog, SeveralLogsOnOneThread) {
    TempFile a, b;
    std::string error;
    std::vector<std::unique_ptr<AccessLog>> logs;
    for (int round = 0; round < 3; ++round) {
        // More logs than the per-thread cache holds, created and destroyed repeatedly.
        auto la = AccessLog::open(a.path(), error);
        auto lb = AccessLog::open(b.path(), error);
        ASSERT_TRUE(la && lb) << error;
        for (int i = 0; i < 6; ++i)
            logs.push_back(AccessLog::open("off", error));
        la->write(record("/t0-" + std::to_string(round)));
        lb->write(record("/t1-" + std::to_string(round)));
        lb->write(record("/t1-" + std::to_string(round + 10)));
    }
    EXPECT_EQ(a.lines().size(), 3u);
    EXPECT_EQ(b.lines().size(), 6u);
}

TEST(AccessLog, JsonLinesToFile) {
    TempFile file;
    std::string error;
    auto log = AccessLog::open(file.path(), AccessFormat::Json, error);
    ASSERT_NE(log, nullptr) << error;
    AccessRecord r = record("/j");
    r.bytes_sent = 150;
    r.request_time_us = 2'500;
    r.host = "h";
    r.encoding = "gzip";
    log->write(r);
    log->flush();
    EXPECT_EQ(file.contents(),
              R"({"time":"2026-11-25T08:00:00Z","remote_addr":"10.0.0.1","method":"GET",)"
              R"("uri":"/j","protocol":"HTTP/1.1","status":200,"body_bytes":5,"bytes_sent":150,)"
              R"("request_time":0.002,"host":"h","site":"","encoding":"gzip","referer":"",)"
              R"("user_agent":"test"})"
              "\n");
}

// "#Date: YYYY-MM-DD hh:mm:ss" within [before, after] (seconds since the epoch).
void expect_date_between(const std::string& directive, std::int64_t before, std::int64_t after) {
    std::smatch m;
    static const std::regex re(R"(^#Date: (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$)");
    ASSERT_TRUE(std::regex_match(directive, m, re)) << directive;
    // days_from_civil (the inverse of what CivilTime does), to compare as numbers.
    std::int64_t y = std::stoi(m[1]);
    const unsigned mo = std::stoi(m[2]), d = std::stoi(m[3]);
    y -= mo <= 2;
    const std::int64_t era = y / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = era * 146097 + doe - 719468;
    const std::int64_t t =
        days * 86400 + std::stoi(m[4]) * 3600 + std::stoi(m[5]) * 60 + std::stoi(m[6]);
    EXPECT_GE(t, before);
    EXPECT_LE(t, after);
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const std::string kFieldsDirective =
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
    "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status sc-bytes time-taken "
    "cs-host sc(Content-Encoding)";

TEST(AccessLog, W3cFreshFileStartsWithTheDirectivesOnce) {
    TempFile file;
    const std::int64_t before = now_seconds();
    {
        std::string error;
        auto log = AccessLog::open(file.path(), AccessFormat::W3c, error,
                                   AccessLog::kDefaultMaxBufferBytes, "tpserve 9.8.7");
        ASSERT_NE(log, nullptr) << error;
        // The directives are there as soon as open() returns, before any line.
        const auto head = file.lines();
        ASSERT_EQ(head.size(), 4u);
        AccessRecord r = record("/w?x=1");
        r.local_ip = "127.0.0.1";
        r.local_port = 8080;
        r.bytes_sent = 300;
        r.request_time_us = 7'000;
        for (int i = 0; i < 3; ++i)
            log->write(r);
    }
    const std::int64_t after = now_seconds();
    const auto lines = file.lines();
    ASSERT_EQ(lines.size(), 7u);
    EXPECT_EQ(lines[0], "#Software: tpserve 9.8.7");
    EXPECT_EQ(lines[1], "#Version: 1.0");
    expect_date_between(lines[2], before, after);
    EXPECT_EQ(lines[3], kFieldsDirective);
    for (std::size_t i = 4; i < lines.size(); ++i) {
        EXPECT_EQ(
            lines[i],
            "2026-11-25 08:00:00 127.0.0.1 GET /w x=1 8080 - 10.0.0.1 test - 200 0 0 300 7 - -");
    }
}

TEST(AccessLog, W3cDirectivesRepeatEachTimeTheFileIsOpened) {
    TempFile file;
    for (int run = 0; run < 2; ++run) {
        std::string error;
        auto log = AccessLog::open(file.path(), AccessFormat::W3c, error);
        ASSERT_NE(log, nullptr) << error;
        log->write(record("/run" + std::to_string(run)));
    }
    const auto lines = file.lines();
    ASSERT_EQ(lines.size(), 10u);
    for (const std::size_t start : {0u, 5u}) {
        EXPECT_EQ(lines[start], "#Software: tpserve");
        EXPECT_EQ(lines[start + 1], "#Version: 1.0");
        EXPECT_EQ(lines[start + 2].rfind("#Date: ", 0), 0u);
        EXPECT_EQ(lines[start + 3], kFieldsDirective);
        EXPECT_NE(lines[start + 4].find(start == 0 ? " /run0 " : " /run1 "), std::string::npos)
            << lines[start + 4];
    }
}

TEST(AccessLog, W3cDirectivesOnStdout) {
    ::testing::internal::CaptureStdout();
    {
        std::string error;
        auto log = AccessLog::open("stdout", AccessFormat::W3c, error);
        ASSERT_NE(log, nullptr) << error;
        log->write(record("/out"));
    }
    const std::string out = ::testing::internal::GetCapturedStdout();
    EXPECT_EQ(out.rfind("#Software: tpserve\n#Version: 1.0\n#Date: ", 0), 0u) << out;
    EXPECT_NE(out.find(kFieldsDirective + "\n2026-11-25 08:00:00 - GET /out - - - 10.0.0.1 test "
                                          "- 200 0 0 0 0 - -\n"),
              std::string::npos)
        << out;
}

TEST(AccessLog, W3cOffWritesNoDirectives) {
    ::testing::internal::CaptureStdout();
    {
        std::string error;
        auto log = AccessLog::open("off", AccessFormat::W3c, error);
        ASSERT_NE(log, nullptr) << error;
        EXPECT_FALSE(log->enabled());
    }
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
}

TEST(AccessLog, W3cUnopenableFileIsAnError) {
    std::string error;
    EXPECT_EQ(AccessLog::open("/nonexistent-dir-tpserve/w.log", AccessFormat::W3c, error), nullptr);
    EXPECT_NE(error.find("/nonexistent-dir-tpserve/w.log"), std::string::npos) << error;
}

}  // namespace
}  // namespace tpserve::log
