// Ranges are checked against the real file size (GetFileSizeEx) before a send.
#include "platform/windows/PlanRangeCheck.h"

#include <gtest/gtest.h>

#include "TestDir.h"
#include "platform/windows/WindowsFileSystem.h"

namespace tpserve::platform {
namespace {

class PlanRangeCheckTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.write(L"hundred.bin", std::string(100, 'x')));
        ASSERT_TRUE(dir_.write(L"ten.bin", std::string(10, 'y')));
        std::string error;
        fs_ = WindowsFileSystem::open_root(dir_.utf8(), files::SymlinkPolicy::WithinRoot, error);
        ASSERT_NE(fs_, nullptr) << error;
        hundred_ = fs_->open("hundred.bin").file;
        ten_ = fs_->open("ten.bin").file;
        ASSERT_NE(hundred_, nullptr);
        ASSERT_NE(ten_, nullptr);
    }
    test::TestDir dir_;
    std::unique_ptr<WindowsFileSystem> fs_;
    plan::FileRef hundred_;
    plan::FileRef ten_;
};

TEST_F(PlanRangeCheckTest, RangesInsideTheirFilesAreValid) {
    plan::TransmitPlan plan;
    plan.add(std::string_view("headers"));
    plan.add(hundred_, 0, 100);
    plan.add(std::string_view("part"));
    plan.add(hundred_, 99, 1);
    plan.add(ten_, 0, 10);
    EXPECT_TRUE(plan_ranges_valid(plan));
}

TEST_F(PlanRangeCheckTest, ARangePastTheEndIsInvalid) {
    plan::TransmitPlan plan;
    plan.add(std::string_view("headers"));
    plan.add(hundred_, 0, 100);
    plan.add(ten_, 5, 6);  // one byte past the end of ten.bin
    EXPECT_FALSE(plan_ranges_valid(plan));

    plan::TransmitPlan beyond;
    beyond.add(hundred_, 200, 1);
    EXPECT_FALSE(plan_ranges_valid(beyond));

    plan::TransmitPlan overflow;
    overflow.add(hundred_, 50, ~0ULL - 10);  // offset + length wraps around
    EXPECT_FALSE(plan_ranges_valid(overflow));
}

TEST_F(PlanRangeCheckTest, MemoryOnlyAndEmptyPlansAreValid) {
    plan::TransmitPlan plan;
    EXPECT_TRUE(plan_ranges_valid(plan));
    plan.add(std::string_view("HTTP/1.1 304 Not Modified\r\n\r\n"));
    EXPECT_TRUE(plan_ranges_valid(plan));
}

TEST_F(PlanRangeCheckTest, AFileTruncatedAfterOpenIsCaught) {
    plan::TransmitPlan plan;
    plan.add(hundred_, 0, 100);
    EXPECT_TRUE(plan_ranges_valid(plan));
    // Shrink the file under the open handle (shared for writing on purpose).
    HANDLE writer = ::CreateFileW((dir_ / L"hundred.bin").c_str(), GENERIC_WRITE,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                  OPEN_EXISTING, 0, nullptr);
    ASSERT_NE(writer, INVALID_HANDLE_VALUE);
    LARGE_INTEGER at{};
    at.QuadPart = 40;
    ASSERT_TRUE(::SetFilePointerEx(writer, at, nullptr, FILE_BEGIN));
    ASSERT_TRUE(::SetEndOfFile(writer));
    ::CloseHandle(writer);
    EXPECT_FALSE(plan_ranges_valid(plan));
    plan.consume(70);  // what is left is [70, 100): still past the new end
    EXPECT_FALSE(plan_ranges_valid(plan));
}

}  // namespace
}  // namespace tpserve::platform
