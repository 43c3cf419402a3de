// WindowsFileSystem::read (what FileCache fills its in-memory bytes with)
// against real files in %TEMP% (runs under Wine).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "TestDir.h"
#include "platform/windows/UniqueHandle.h"
#include "platform/windows/WindowsFileSystem.h"

namespace tpserve::platform {
namespace {

using files::OpenError;
using files::SymlinkPolicy;
using test::TestDir;

// Bytes that differ at every offset modulo small powers of two, so a read
// from the wrong place or a chunk landing at the wrong spot shows.
std::string pattern(std::size_t size) {
    std::string out(size, '\0');
    std::uint32_t x = 2463534242u;
    for (std::size_t i = 0; i < size; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = static_cast<char>(x >> 24);
    }
    return out;
}

std::string as_string(const std::vector<std::byte>& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

class WindowsFileSystemReadTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.mkdir(L"www"));
        small_ = pattern(5000);
        large_ = pattern((std::size_t{5} << 19) + 77);  // 2.5 MiB + 77: three 1 MiB chunks
        ASSERT_TRUE(dir_.write(L"www\\small.bin", small_));
        ASSERT_TRUE(dir_.write(L"www\\large.bin", large_));
        ASSERT_TRUE(dir_.write(L"www\\empty.bin", ""));
        std::string error;
        fs_ = WindowsFileSystem::open_root(test::to_utf8(dir_ / L"www"), SymlinkPolicy::WithinRoot,
                                           error);
        ASSERT_NE(fs_, nullptr) << error;
    }
    files::OpenResult open(std::string_view name) const {
        auto result = fs_->open(name);
        EXPECT_EQ(result.error, OpenError::None) << name;
        return result;
    }

    TestDir dir_;
    std::string small_;
    std::string large_;
    std::unique_ptr<WindowsFileSystem> fs_;
};

TEST_F(WindowsFileSystemReadTest, WholeSmallFile) {
    const auto f = open("small.bin");
    ASSERT_NE(f.file, nullptr);
    ASSERT_EQ(f.info.size, small_.size());
    std::vector<std::byte> out(f.info.size);
    ASSERT_TRUE(fs_->read(*f.file, 0, out));
    EXPECT_EQ(as_string(out), small_);
}

TEST_F(WindowsFileSystemReadTest, AtAnOffset) {
    const auto f = open("small.bin");
    ASSERT_NE(f.file, nullptr);
    std::vector<std::byte> out(100);
    ASSERT_TRUE(fs_->read(*f.file, 1234, out));
    EXPECT_EQ(as_string(out), small_.substr(1234, 100));
    // Up to the last byte exactly.
    ASSERT_TRUE(fs_->read(*f.file, small_.size() - 100, out));
    EXPECT_EQ(as_string(out), small_.substr(small_.size() - 100));
    // A read does not depend on the one before (no file pointer).
    ASSERT_TRUE(fs_->read(*f.file, 7, std::span(out).first(10)));
    EXPECT_EQ(as_string(out).substr(0, 10), small_.substr(7, 10));
}

TEST_F(WindowsFileSystemReadTest, LongerThanTheFileIsFalse) {
    const auto f = open("small.bin");
    ASSERT_NE(f.file, nullptr);
    std::vector<std::byte> out(small_.size() + 1);
    EXPECT_FALSE(fs_->read(*f.file, 0, out));
    std::vector<std::byte> tail(10);
    EXPECT_FALSE(fs_->read(*f.file, small_.size() - 5, tail));
    EXPECT_FALSE(fs_->read(*f.file, small_.size(), tail));       // at end of file
    EXPECT_FALSE(fs_->read(*f.file, small_.size() + 50, tail));  // beyond it
    EXPECT_FALSE(fs_->read(*f.file, std::uint64_t{1} << 40, tail));

    const auto empty = open("empty.bin");
    ASSERT_NE(empty.file, nullptr);
    std::vector<std::byte> one(1);
    EXPECT_FALSE(fs_->read(*empty.file, 0, one));
    EXPECT_TRUE(fs_->read(*empty.file, 0, {}));  // nothing asked, nothing missing
}

TEST_F(WindowsFileSystemReadTest, LargerThanOneChunk) {
    const auto f = open("large.bin");
    ASSERT_NE(f.file, nullptr);
    ASSERT_EQ(f.info.size, large_.size());
    std::vector<std::byte> out(large_.size());
    ASSERT_TRUE(fs_->read(*f.file, 0, out));
    EXPECT_TRUE(as_string(out) == large_);  // not EXPECT_EQ: 2.5 MiB of diff
    // Crossing the 1 MiB boundaries from an odd offset.
    std::vector<std::byte> middle((std::size_t{1} << 20) + 3);
    ASSERT_TRUE(fs_->read(*f.file, (std::size_t{1} << 20) - 1, middle));
    EXPECT_TRUE(as_string(middle) == large_.substr((std::size_t{1} << 20) - 1, middle.size()));
    std::vector<std::byte> too_long(large_.size() - 10);
    EXPECT_FALSE(fs_->read(*f.file, 11, too_long));
}

TEST_F(WindowsFileSystemReadTest, ConcurrentReadsOfOneHandle) {
    const auto f = open("large.bin");
    ASSERT_NE(f.file, nullptr);
    constexpr int kThreads = 4;
    constexpr int kRounds = 50;
    std::vector<int> wrong(kThreads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            std::vector<std::byte> out(4096 + static_cast<std::size_t>(t) * 1000);
            for (int r = 0; r < kRounds; ++r) {
                // Different offsets per thread and per round.
                const std::size_t offset =
                    (static_cast<std::size_t>(t) * 611953 + static_cast<std::size_t>(r) * 49999) %
                    (large_.size() - out.size());
                if (!fs_->read(*f.file, offset, out) ||
                    as_string(out) != large_.substr(offset, out.size())) {
                    ++wrong[static_cast<std::size_t>(t)];
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (int t = 0; t < kThreads; ++t)
        EXPECT_EQ(wrong[static_cast<std::size_t>(t)], 0) << t;
}

// The reads' event is tagged: a handle bound to a completion port gets no
// packets from them (a worker's port would otherwise see a foreign OVERLAPPED).
TEST_F(WindowsFileSystemReadTest, PostsNothingToACompletionPort) {
    const auto f = open("small.bin");
    ASSERT_NE(f.file, nullptr);
    const auto handle = reinterpret_cast<HANDLE>(f.file->native());
    UniqueHandle port(::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1));
    ASSERT_TRUE(port);
    ASSERT_NE(::CreateIoCompletionPort(handle, port.get(), 7, 0), nullptr);
    std::vector<std::byte> out(small_.size());
    ASSERT_TRUE(fs_->read(*f.file, 0, out));
    EXPECT_EQ(as_string(out), small_);
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED* ov = nullptr;
    EXPECT_FALSE(::GetQueuedCompletionStatus(port.get(), &bytes, &key, &ov, 100));
    EXPECT_EQ(ov, nullptr);
}

}  // namespace
}  // namespace tpserve::platform
