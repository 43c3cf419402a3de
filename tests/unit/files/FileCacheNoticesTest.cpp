// FileCache as a ChangeListener: a change notice makes the entry (or the
// sibling set, or everything) be opened again at its next use, well inside
// the validity window; and the cache asks its watcher for each directory.
#include <gtest/gtest.h>

#include <array>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CountingFileSystem.h"
#include "files/FileCache.h"

namespace tpserve::files {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 2> kBrGz{".br", ".gz"};

FileCache::Settings long_validity() {
    FileCache::Settings s;
    s.validity = 1h;  // only a notice can make an entry stale here
    s.max_entries = 1000;
    return s;
}

TEST(FileCacheNotices, ANoticeMakesTheEntryBeOpenedAgain) {
    CountingFileSystem inner;
    inner.set("a.txt", 10);
    inner.set("b.txt", 20);
    FileCache cache(inner, long_validity());
    EXPECT_EQ(cache.open("a.txt").info.size, 10u);
    EXPECT_EQ(cache.open("b.txt").info.size, 20u);
    inner.set("a.txt", 11);
    EXPECT_EQ(cache.open("a.txt").info.size, 10u);  // no notice yet: the entry holds
    cache.changed("a.txt");
    EXPECT_EQ(cache.open("a.txt").info.size, 11u);
    EXPECT_EQ(cache.open("a.txt").info.size, 11u);
    EXPECT_EQ(cache.open("b.txt").info.size, 20u);  // untouched by a.txt's notice
    EXPECT_EQ(inner.opens, 3);
}

TEST(FileCacheNotices, ACachedMissIsForgottenToo) {
    CountingFileSystem inner;
    FileCache cache(inner, long_validity());
    EXPECT_EQ(cache.open("docs/new.html").error, OpenError::NotFound);
    inner.set("docs/new.html", 5);
    EXPECT_EQ(cache.open("docs/new.html").error, OpenError::NotFound);
    cache.changed("docs/new.html");
    EXPECT_EQ(cache.open("docs/new.html").error, OpenError::None);
}

TEST(FileCacheNotices, ASiblingsNoticeRefreshesTheSiblingSet) {
    CountingFileSystem inner;
    inner.set("a.css", 100);
    FileCache cache(inner, long_validity());
    std::array<OpenResult, 2> out{};
    EXPECT_EQ(cache.open("a.css").error, OpenError::None);
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::NotFound);
    inner.set("a.css.gz", 40);
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::NotFound);
    const int opens = inner.opens;
    cache.changed("a.css.gz");
    cache.open_siblings("a.css", kBrGz, out);
    EXPECT_EQ(out[1].error, OpenError::None);
    EXPECT_EQ(out[1].info.size, 40u);
    EXPECT_EQ(cache.open("a.css").info.size, 100u);
    EXPECT_EQ(inner.opens, opens + 2);  // the two siblings; a.css itself still fresh
}

TEST(FileCacheNotices, EverythingMakesEveryEntryBeOpenedAgain) {
    CountingFileSystem inner;
    inner.set("a.txt", 10);
    inner.set("d/b.txt", 20);
    FileCache cache(inner, long_validity());
    (void)cache.open("a.txt");
    (void)cache.open("d/b.txt");
    inner.set("a.txt", 12);
    inner.set("d/b.txt", 22);
    cache.changed_everything();
    EXPECT_EQ(cache.open("a.txt").info.size, 12u);
    EXPECT_EQ(cache.open("d/b.txt").info.size, 22u);
    EXPECT_EQ(inner.opens, 4);
}

// Opens through CountingFileSystem, but a notice for the path arrives while
// it is being opened (the watcher's thread racing the worker).
class NoticeDuringOpen final : public FileSystem {
public:
    explicit NoticeDuringOpen(CountingFileSystem& inner) : inner_(inner) {}
    OpenResult open(std::string_view relative) const override {
        OpenResult result = inner_.open(relative);
        if (notify) notify(relative);
        return result;
    }
    OpenError list(std::string_view relative, std::vector<DirEntry>& out) const override {
        return inner_.list(relative, out);
    }
    bool windows_names() const noexcept override { return false; }
    bool read(const plan::OpenFile& file, std::uint64_t offset,
              std::span<std::byte> out) const override {
        return inner_.read(file, offset, out);
    }
    std::function<void(std::string_view)> notify;

private:
    CountingFileSystem& inner_;
};

TEST(FileCacheNotices, ANoticeDuringTheOpenIsNotLost) {
    CountingFileSystem inner;
    inner.set("a.txt", 10);
    NoticeDuringOpen racing(inner);
    FileCache cache(racing, long_validity());
    bool fired = false;
    racing.notify = [&](std::string_view path) {
        if (std::exchange(fired, true)) return;
        inner.set("a.txt", 11);  // changed after the open read it...
        cache.changed(path);     // ...and the notice comes before the store
    };
    EXPECT_EQ(cache.open("a.txt").info.size, 10u);
    EXPECT_EQ(cache.open("a.txt").info.size, 11u);
    EXPECT_EQ(cache.open("a.txt").info.size, 11u);
    EXPECT_EQ(inner.opens, 2);
}

class RecordingWatcher final : public DirectoryWatcher {
public:
    void watch(std::string_view directory) noexcept override {
        const std::lock_guard lock(mutex);
        asked.emplace_back(directory);
    }
    std::mutex mutex;
    std::vector<std::string> asked;
};

TEST(FileCacheNotices, TheWatcherIsAskedForTheDirectoryOfEachOpen) {
    CountingFileSystem inner;
    inner.set("top.html", 1);
    inner.set("docs/a/b.html", 1);
    inner.set("docs/a/b.html.gz", 1);
    RecordingWatcher watcher;
    FileCache cache(inner, long_validity());
    cache.attach(&watcher);
    (void)cache.open("top.html");
    (void)cache.open("docs/a/b.html");
    (void)cache.open("docs/a/b.html");  // a hit asks nothing
    std::array<OpenResult, 2> out{};
    cache.open_siblings("docs/a/b.html", kBrGz, out);
    cache.open_siblings("docs/a/b.html", kBrGz, out);
    EXPECT_EQ(watcher.asked, (std::vector<std::string>{"", "docs/a", "docs/a"}));
}

}  // namespace
}  // namespace tpserve::files
