#include "log/ErrorLog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace tpserve::log {
namespace {

namespace fs = std::filesystem;

class ErrorLogFile : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = fs::temp_directory_path() /
                ("tpserve-errorlog-" +
                 std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".log");
        fs::remove(path_);
    }
    void TearDown() override {
        std::string error;
        configure(config::LogLevel::Info, "stderr", error);  // closes our file
        std::error_code ec;
        fs::remove(path_, ec);
    }
    std::vector<std::string> lines() const {
        std::ifstream in(path_);
        std::vector<std::string> out;
        for (std::string l; std::getline(in, l);)
            out.push_back(l);
        return out;
    }
    fs::path path_;
};

TEST_F(ErrorLogFile, FormatAndLevels) {
    std::string error;
    ASSERT_TRUE(configure(config::LogLevel::Warn, path_.string(), error)) << error;
    EXPECT_FALSE(enabled(config::LogLevel::Info));
    EXPECT_TRUE(enabled(config::LogLevel::Error));
    debug("hidden debug");
    info("hidden info");
    warn("careful");
    log::error("broken");
    const auto l = lines();
    ASSERT_EQ(l.size(), 2u);
    const std::regex re(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \[(warn|error)\] (.*)$)");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(l[0], m, re)) << l[0];
    EXPECT_EQ(m[1], "warn");
    EXPECT_EQ(m[2], "careful");
    ASSERT_TRUE(std::regex_match(l[1], m, re)) << l[1];
    EXPECT_EQ(m[1], "error");
    EXPECT_EQ(m[2], "broken");
}

TEST_F(ErrorLogFile, DebugLevelShowsEverythingAndEscapes) {
    std::string error;
    ASSERT_TRUE(configure(config::LogLevel::Debug, path_.string(), error)) << error;
    debug("line1\nforged [error] x\\");
    const auto l = lines();
    ASSERT_EQ(l.size(), 1u);
    EXPECT_NE(l[0].find("[debug] line1\\x0Aforged [error] x\\x5C"), std::string::npos) << l[0];
}

TEST_F(ErrorLogFile, ConcurrentLinesStayWhole) {
    std::string error;
    ASSERT_TRUE(configure(config::LogLevel::Info, path_.string(), error)) << error;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t] {
            for (int i = 0; i < 500; ++i)
                info("thread " + std::to_string(t) + " message " + std::to_string(i));
        });
    }
    for (auto& th : threads)
        th.join();
    const auto l = lines();
    ASSERT_EQ(l.size(), 2000u);
    const std::regex re(R"(^\S+Z \[info\] thread \d message \d+$)");
    for (const auto& s : l)
        ASSERT_TRUE(std::regex_match(s, re)) << s;
}

TEST_F(ErrorLogFile, UnopenableDestinationKeepsThePreviousOne) {
    std::string error;
    ASSERT_TRUE(configure(config::LogLevel::Info, path_.string(), error)) << error;
    EXPECT_FALSE(configure(config::LogLevel::Debug, "/nonexistent-tpserve/x.log", error));
    EXPECT_NE(error.find("/nonexistent-tpserve/x.log"), std::string::npos);
    info("still here");
    EXPECT_FALSE(enabled(config::LogLevel::Debug));
    ASSERT_EQ(lines().size(), 1u);
}

TEST(ErrorLog, LevelNames) {
    EXPECT_EQ(level_name(config::LogLevel::Debug), "debug");
    EXPECT_EQ(level_name(config::LogLevel::Info), "info");
    EXPECT_EQ(level_name(config::LogLevel::Warn), "warn");
    EXPECT_EQ(level_name(config::LogLevel::Error), "error");
}

}  // namespace
}  // namespace tpserve::log
