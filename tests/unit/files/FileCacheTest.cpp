// FileCache over a counting in-memory file system: hits, misses, expiry,
// negative entries, transient errors, the bound, and threads.
#include "files/FileCache.h"

#include "files/ETag.h"
#include "files/HttpDate.h"

#include "CountingFileSystem.h"

#include <gtest/gtest.h>

#include "TestClock.h"

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tpserve::files {
namespace {

using namespace std::chrono_literals;

TEST(FileCache, HitSharesTheHandleAndSkipsTheInnerOpen) {
    CountingFileSystem inner;
    inner.set("a.txt", 10'000);  // above max_file_bytes: served through its handle
    const FileCache cache(inner, {10s, 100});
    const OpenResult first = cache.open("a.txt");
    const OpenResult second = cache.open("a.txt");
    EXPECT_EQ(inner.opens, 1);
    EXPECT_EQ(second.error, OpenError::None);
    EXPECT_EQ(second.info.size, 10'000u);
    ASSERT_NE(first.file, nullptr);
    EXPECT_EQ(first.file.get(), second.file.get());
    EXPECT_EQ(cache.counters().hits, 1u);
    EXPECT_EQ(cache.counters().misses, 1u);
}

TEST(FileCache, AnEntryCarriesItsValidatorsFormatted) {
    CountingFileSystem inner;
    inner.set("a.txt", 10'000);
    inner.set("small.txt", 10);
    const FileCache cache(inner, {10s, 100});
    for (const char* path : {"a.txt", "small.txt"}) {
        SCOPED_TRACE(path);
        const OpenResult first = cache.open(path);
        const OpenResult hit = cache.open(path);
        std::array<char, kMaxETagLength> etag{};
        const std::size_t etag_size = format_etag(hit.info, etag);
        std::array<char, kHttpDateLength> date{};
        format_http_date(hit.info.mtime_sec, date);
        ASSERT_TRUE(hit.validators.formatted());
        EXPECT_EQ(hit.validators.etag(), std::string_view(etag.data(), etag_size));
        EXPECT_EQ(hit.validators.last_modified(), std::string_view(date.data(), date.size()));
        EXPECT_EQ(first.validators.etag(), hit.validators.etag());
    }
    // The inner file system formats nothing: the handler does it for uncached files.
    EXPECT_FALSE(inner.open("a.txt").validators.formatted());
    EXPECT_FALSE(cache.open("missing").validators.formatted());
}

TEST(FileCache, ValidatorsFollowTheFileWhenItIsReplaced) {
    support::TestClock clock;  // the cache reads this thread's turn time
    CountingFileSystem inner;
    inner.set("a.txt", 10);
    const FileCache cache(inner, {20ms, 100});
    const std::string before(cache.open("a.txt").validators.etag());
    inner.set("a.txt", 11);
    clock.advance(30ms);
    const OpenResult after = cache.open("a.txt");
    std::array<char, kMaxETagLength> etag{};
    const std::size_t etag_size = format_etag(after.info, etag);
    EXPECT_NE(after.validators.etag(), before);
    EXPECT_EQ(after.validators.etag(), std::string_view(etag.data(), etag_size));
}

TEST(FileCache, MissesAreCachedToo) {
    CountingFileSystem inner;
    const FileCache cache(inner, {10s, 100});
    EXPECT_EQ(cache.open("a.txt.br").error, OpenError::NotFound);
    EXPECT_EQ(cache.open("a.txt.br").error, OpenError::NotFound);
    EXPECT_EQ(inner.opens, 1);
}

TEST(FileCache, TransientErrorsAreNotCached) {
    CountingFileSystem inner;
    inner.set("busy", 1, OpenError::TooManyFiles);
    const FileCache cache(inner, {10s, 100});
    EXPECT_EQ(cache.open("busy").error, OpenError::TooManyFiles);
    inner.set("busy", 5);
    EXPECT_EQ(cache.open("busy").error, OpenError::None);
    EXPECT_EQ(inner.opens, 2);
}

TEST(FileCache, AStaleEntryIsOpenedAgain) {
    support::TestClock clock;  // the cache reads this thread's turn time
    CountingFileSystem inner;
    inner.set("a.txt", 10);
    const FileCache cache(inner, {20ms, 100});
    EXPECT_EQ(cache.open("a.txt").info.size, 10u);
    inner.set("a.txt", 99);  // replaced on disk
    EXPECT_EQ(cache.open("a.txt").info.size, 10u) << "within the validity window";
    clock.advance(60ms);
    EXPECT_EQ(cache.open("a.txt").info.size, 99u) << "after it";
    EXPECT_EQ(inner.opens, 2);
}

TEST(FileCache, BoundedByLeastRecentUse) {
    CountingFileSystem inner;
    // 16 shards of one entry each: every path can keep one neighbour at most.
    const FileCache cache(inner, {10s, 16});
    for (int i = 0; i < 1000; ++i)
        (void)cache.open("f" + std::to_string(i));
    const int opens = inner.opens;
    EXPECT_EQ(opens, 1000);
    // The most recent path of its shard is still there; most others are gone.
    (void)cache.open("f999");
    EXPECT_EQ(inner.opens, opens);
    int reopened = 0;
    for (int i = 0; i < 100; ++i) {
        const int before = inner.opens;
        (void)cache.open("f" + std::to_string(i));
        reopened += inner.opens - before;
    }
    EXPECT_GT(reopened, 80);
}

TEST(FileCache, AnEntryInUseOutlivesColderOnes) {
    CountingFileSystem inner;
    inner.set("hot", 10);
    const FileCache cache(inner, {10s, 160});  // 10 entries per shard
    (void)cache.open("hot");
    for (int i = 0; i < 2000; ++i) {
        (void)cache.open("cold" + std::to_string(i));  // each opened once, then gone
        (void)cache.open("hot");
    }
    EXPECT_EQ(inner.opens, 2001) << "hot was never evicted";
    EXPECT_EQ(cache.counters().hits, 2000u);
}

TEST(FileCache, ListAndNamesGoToTheInnerFileSystem) {
    CountingFileSystem inner;
    const FileCache cache(inner, {10s, 100});
    std::vector<DirEntry> entries;
    EXPECT_EQ(cache.list("", entries), OpenError::None);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_FALSE(cache.windows_names());
}

TEST(FileCache, ThreadsAgreeOnEveryAnswer) {
    CountingFileSystem inner;
    for (int i = 0; i < 64; ++i)
        inner.set("f" + std::to_string(i), static_cast<std::uint64_t>(i));
    const FileCache cache(inner, {5ms, 32});
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int n = 0; n < 20'000; ++n) {
                const int i = (n * 7 + t) % 80;  // 16 of them never exist
                const OpenResult r = cache.open("f" + std::to_string(i));
                const bool ok = i < 64 ? r.error == OpenError::None &&
                                             r.info.size == static_cast<std::uint64_t>(i)
                                       : r.error == OpenError::NotFound;
                if (!ok) wrong.fetch_add(1);
            }
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_EQ(cache.counters().hits + cache.counters().misses, 80'000u);
}

}  // namespace
}  // namespace tpserve::files
