// FileCache keeping small files' bytes in memory: what is kept, the budget,
// and when the bytes are read again.
#include <gtest/gtest.h>

#include "TestClock.h"

#include <string>

#include "CountingFileSystem.h"
#include "files/FileCache.h"

namespace tpserve::files {
namespace {

using namespace std::chrono_literals;

FileCache::Settings settings(std::chrono::milliseconds validity, std::uint64_t max_file_bytes,
                             std::uint64_t max_bytes) {
    FileCache::Settings s;
    s.validity = validity;
    s.max_entries = 1000;
    s.max_file_bytes = max_file_bytes;
    s.max_bytes = max_bytes;
    return s;
}

bool holds_content(const OpenResult& r) {
    if (!r.bytes) return false;
    for (std::uint64_t i = 0; i < r.info.size; ++i) {
        if (r.bytes[i] != CountingFileSystem::content_byte(i)) return false;
    }
    return true;
}

TEST(FileCacheBytes, ASmallFileIsReadOnceAndSharedByEveryHit) {
    CountingFileSystem inner;
    inner.set("a.txt", 1000);
    const FileCache cache(inner, settings(10s, 4096, 1 << 20));
    const OpenResult first = cache.open("a.txt");
    ASSERT_TRUE(holds_content(first));
    const OpenResult second = cache.open("a.txt");
    EXPECT_EQ(second.bytes, first.bytes);
    EXPECT_EQ(inner.reads, 1);
    EXPECT_EQ(cache.counters().bytes_in_memory, 1000u);
}

TEST(FileCacheBytes, FilesAboveTheSizeLimitAndEmptyFilesKeepNoBytes) {
    CountingFileSystem inner;
    inner.set("big.bin", 4097);
    inner.set("empty.txt", 0);
    const FileCache cache(inner, settings(10s, 4096, 1 << 20));
    EXPECT_FALSE(cache.open("big.bin").bytes);
    EXPECT_FALSE(cache.open("empty.txt").bytes);
    EXPECT_EQ(inner.reads, 0);
    const FileCache none(inner, settings(10s, 0, 1 << 20));
    inner.set("small.txt", 10);
    EXPECT_FALSE(none.open("small.txt").bytes) << "max_file_bytes 0 keeps nothing";
}

TEST(FileCacheBytes, TheBudgetBoundsTheBytesKept) {
    CountingFileSystem inner;
    for (int i = 0; i < 3; ++i)
        inner.set("f" + std::to_string(i), 100);
    const FileCache cache(inner, settings(10s, 4096, 250));
    EXPECT_TRUE(cache.open("f0").bytes);
    EXPECT_TRUE(cache.open("f1").bytes);
    const OpenResult third = cache.open("f2");
    EXPECT_EQ(third.error, OpenError::None) << "over budget: served, from the file";
    EXPECT_FALSE(third.bytes);
    EXPECT_EQ(cache.counters().bytes_in_memory, 200u);
}

TEST(FileCacheBytes, EvictionGivesTheBudgetBack) {
    CountingFileSystem inner;
    for (int i = 0; i < 200; ++i)
        inner.set("f" + std::to_string(i), 100);
    FileCache::Settings s = settings(10s, 4096, 1 << 20);
    s.max_entries = 16;  // one entry per shard
    const FileCache cache(inner, s);
    for (int i = 0; i < 200; ++i)
        (void)cache.open("f" + std::to_string(i));
    EXPECT_LE(cache.counters().bytes_in_memory, 16u * 100u);
}

TEST(FileCacheBytes, RevalidatingAnUnchangedFileKeepsItsBytes) {
    support::TestClock clock;  // the cache reads this thread's turn time
    CountingFileSystem inner;
    inner.set("a.txt", 500);
    const FileCache cache(inner, settings(5ms, 4096, 1 << 20));
    const OpenResult first = cache.open("a.txt");
    clock.advance(20ms);
    const OpenResult again = cache.open("a.txt");
    EXPECT_EQ(inner.opens, 2) << "revalidated";
    EXPECT_EQ(inner.reads, 1) << "same inode, size and mtime: not read again";
    EXPECT_EQ(again.bytes, first.bytes);
    EXPECT_EQ(cache.counters().bytes_in_memory, 500u);
}

TEST(FileCacheBytes, AChangedFileIsReadAgainAndTheOldBytesLeaveTheBudget) {
    support::TestClock clock;  // the cache reads this thread's turn time
    CountingFileSystem inner;
    inner.set("a.txt", 500);
    const FileCache cache(inner, settings(5ms, 4096, 1 << 20));
    const OpenResult first = cache.open("a.txt");
    inner.set("a.txt", 300, OpenError::None, 1'700'000'001);
    clock.advance(20ms);
    const OpenResult changed = cache.open("a.txt");
    EXPECT_EQ(inner.reads, 2);
    ASSERT_TRUE(holds_content(changed));
    EXPECT_EQ(changed.info.size, 300u);
    EXPECT_NE(changed.bytes, first.bytes);
    EXPECT_EQ(first.bytes[0], CountingFileSystem::content_byte(0)) << "a plan may still hold it";
    EXPECT_EQ(cache.counters().bytes_in_memory, 300u);
}

TEST(FileCacheBytes, AFailedReadKeepsNoBytesAndNoBudget) {
    CountingFileSystem inner;
    inner.set("a.txt", 500);
    inner.fail_reads = true;
    const FileCache cache(inner, settings(10s, 4096, 1 << 20));
    const OpenResult r = cache.open("a.txt");
    EXPECT_EQ(r.error, OpenError::None);
    EXPECT_FALSE(r.bytes);
    EXPECT_EQ(cache.counters().bytes_in_memory, 0u);
}

TEST(FileCacheBytes, AnEntryInMemoryHoldsNoHandle) {
    CountingFileSystem inner;
    for (int i = 0; i < 400; ++i)
        inner.set("f" + std::to_string(i), 100);
    FileCache::Settings s = settings(10s, 4096, 1 << 20);
    s.max_open = 16;  // one per shard: would evict nearly everything
    const FileCache cache(inner, s);
    for (int i = 0; i < 400; ++i) {
        const OpenResult r = cache.open("f" + std::to_string(i));
        EXPECT_TRUE(holds_content(r));
        EXPECT_EQ(r.file, nullptr) << "the bytes are enough";
    }
    for (int i = 0; i < 400; ++i)
        (void)cache.open("f" + std::to_string(i));
    EXPECT_EQ(inner.opens, 400) << "no handle held, so none evicted for the handle bound";
}

TEST(FileCacheBytes, OpenHandlesAreBoundedApartFromMisses) {
    CountingFileSystem inner;
    for (int i = 0; i < 400; ++i)
        inner.set("f" + std::to_string(i), 100);
    FileCache::Settings s = settings(10s, 0, 1 << 20);  // bytes kept: none
    s.max_open = 32;                                    // two per shard
    const FileCache cache(inner, s);
    for (int i = 0; i < 400; ++i)
        (void)cache.open("f" + std::to_string(i));
    for (int i = 0; i < 400; ++i)
        (void)cache.open("missing" + std::to_string(i));
    // At most 32 files are still cached (so at most 32 handles held by the
    // cache): opening all of them again reaches the inner system at least 368 times.
    const int before = inner.opens;
    for (int i = 0; i < 400; ++i)
        (void)cache.open("f" + std::to_string(i));
    EXPECT_GE(inner.opens - before, 368);
}

}  // namespace
}  // namespace tpserve::files
