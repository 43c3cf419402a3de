#include "log/AccessLog.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
    for (int i = 0; i < 100 && file.lines().empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
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

}  // namespace
}  // namespace tpserve::log
