// FileSystem::open_siblings: the precompressed variants of a path, opened one
// by one by default and answered from the path's own entry by FileCache.
#include <gtest/gtest.h>

#include "TestClock.h"

#include <array>
#include <string>
#include <string_view>

#include "CountingFileSystem.h"
#include "files/FileCache.h"

namespace tpserve::files {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 2> kBrGz{".br", ".gz"};

FileCache::Settings settings(std::chrono::milliseconds validity) {
    FileCache::Settings s;
    s.validity = validity;
    s.max_entries = 1000;
    return s;
}

TEST(FileSystemSiblings, TheDefaultOpensEachName) {
    CountingFileSystem fs;
    fs.set("a.css", 100);
    fs.set("a.css.gz", 40);
    std::array<OpenResult, 2> out{};
    fs.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[0].error, OpenError::NotFound);
    EXPECT_EQ(out[1].error, OpenError::None);
    EXPECT_EQ(out[1].info.size, 40u);
    EXPECT_EQ(fs.opens, 2);
}

TEST(FileSystemSiblings, ALongNameIsStillOpened) {
    CountingFileSystem fs;
    const std::string name(3000, 'n');
    fs.set(name + ".gz", 7);
    std::array<OpenResult, 2> out{};
    fs.open_siblings(name, kBrGz, out);
    EXPECT_EQ(out[1].info.size, 7u);
}

TEST(FileCacheSiblings, OneLookupAnswersEverySiblingAfterTheFirst) {
    CountingFileSystem inner;
    inner.set("a.css", 100);
    inner.set("a.css.gz", 40);
    const FileCache cache(inner, settings(10s));
    ASSERT_EQ(cache.open("a.css").error, OpenError::None);
    std::array<OpenResult, 2> first{};
    cache.open_siblings("a.css", kBrGz, first);
    EXPECT_EQ(inner.opens, 3);
    for (int i = 0; i < 10; ++i) {
        std::array<OpenResult, 2> again{};
        cache.open_siblings("a.css", kBrGz, again);
        EXPECT_EQ(again[0].error, OpenError::NotFound);
        ASSERT_EQ(again[1].error, OpenError::None);
        EXPECT_EQ(again[1].bytes, first[1].bytes) << "the small variant's bytes are shared";
        EXPECT_EQ(again[1].file, nullptr) << "held in memory, no handle";
    }
    EXPECT_EQ(inner.opens, 3);
    EXPECT_EQ(inner.reads, 2) << "a.css and a.css.gz, once each";
}

TEST(FileCacheSiblings, APathWithoutSiblingsIsAnsweredFromItsEntryToo) {
    CountingFileSystem inner;
    inner.set("plain.txt", 100);
    const FileCache cache(inner, settings(10s));
    (void)cache.open("plain.txt");
    for (int i = 0; i < 3; ++i) {
        std::array<OpenResult, 2> out{};
        cache.open_siblings("plain.txt", kBrGz, out);
        EXPECT_EQ(out[0].error, OpenError::NotFound);
        EXPECT_EQ(out[1].error, OpenError::NotFound);
    }
    EXPECT_EQ(inner.opens, 3) << "the file once, each sibling once";
}

TEST(FileCacheSiblings, ASiblingThatGoesAwayLeavesTheBudget) {
    support::TestClock clock;  // the cache reads this thread's turn time
    CountingFileSystem inner;
    inner.set("a.css", 100);
    inner.set("a.css.gz", 40);
    const FileCache cache(inner, settings(20ms));
    (void)cache.open("a.css");
    std::array<OpenResult, 2> out{};
    cache.open_siblings("a.css", kBrGz, out);
    ASSERT_TRUE(out[1].bytes);
    EXPECT_EQ(cache.counters().bytes_in_memory, 140u);
    inner.remove("a.css.gz");
    clock.advance(60ms);
    (void)cache.open("a.css");
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::NotFound);
    EXPECT_EQ(cache.counters().bytes_in_memory, 100u);
}

TEST(FileCacheSiblings, AnotherSuffixListIsNotAnsweredFromTheFirst) {
    CountingFileSystem inner;
    inner.set("a.js", 100);
    inner.set("a.js.zst", 30);
    const FileCache cache(inner, settings(10s));
    (void)cache.open("a.js");
    std::array<OpenResult, 2> brgz{};
    cache.open_siblings("a.js", kBrGz, brgz);
    constexpr std::array<std::string_view, 2> kBrZst{".br", ".zst"};
    std::array<OpenResult, 2> brzst{};
    cache.open_siblings("a.js", kBrZst, brzst);
    EXPECT_EQ(brgz[1].error, OpenError::NotFound);
    EXPECT_EQ(brzst[1].error, OpenError::None);
    EXPECT_EQ(brzst[1].info.size, 30u);
}

TEST(FileCacheSiblings, SiblingsAreLookedUpAgainAfterTheValidity) {
    support::TestClock clock;  // the cache reads this thread's turn time
    CountingFileSystem inner;
    inner.set("a.css", 100);
    const FileCache cache(inner, settings(20ms));
    (void)cache.open("a.css");
    std::array<OpenResult, 2> out{};
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::NotFound);
    inner.set("a.css.gz", 40);  // compressed after the first request
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::NotFound) << "within the validity window";
    clock.advance(60ms);
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::None) << "after it";
}

TEST(FileCacheSiblings, TransientErrorsAreNotKept) {
    CountingFileSystem inner;
    inner.set("a.css", 100);
    inner.set("a.css.br", 10, OpenError::TooManyFiles);
    const FileCache cache(inner, settings(10s));
    (void)cache.open("a.css");
    std::array<OpenResult, 2> out{};
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[0].error, OpenError::TooManyFiles);
    inner.set("a.css.br", 10);
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[0].error, OpenError::None);
    EXPECT_EQ(cache.counters().bytes_in_memory, 110u) << "the failed set left no charge";
}

TEST(FileCacheSiblings, EvictionReturnsTheSiblingsBytesToTheBudget) {
    CountingFileSystem inner;
    FileCache::Settings s = settings(10s);
    s.max_entries = 16;  // one entry per shard
    const FileCache cache(inner, s);
    for (int i = 0; i < 100; ++i) {
        const std::string name = "f" + std::to_string(i);
        inner.set(name, 100);
        inner.set(name + ".gz", 50);
        (void)cache.open(name);
        std::array<OpenResult, 2> out{};
        cache.open_siblings(name, kBrGz, out);
        ASSERT_TRUE(out[1].bytes);
    }
    EXPECT_LE(cache.counters().bytes_in_memory, 16u * 150u);
}

}  // namespace
}  // namespace tpserve::files
