// InotifyWatcher on a real temporary directory: names become changed(),
// directory-level events changed_everything(), and a FileCache behind it
// serves a replaced file at once although its validity is an hour.
#include "platform/linux/InotifyWatcher.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "files/FileCache.h"
#include "platform/linux/LinuxFileSystem.h"

#include "TempTree.h"
#include "WaitUntil.h"

namespace tpserve::platform {
namespace {

using namespace std::chrono_literals;

class Recorder final : public files::ChangeListener {
public:
    void changed(std::string_view relative) noexcept override {
        const std::lock_guard lock(mutex_);
        names_.emplace_back(relative);
        arrived_.notify_all();
    }
    void changed_everything() noexcept override {
        const std::lock_guard lock(mutex_);
        ++everything_;
        arrived_.notify_all();
    }
    // Waits (at most 5 s) until `name` was reported.
    bool saw(const std::string& name) {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, 5s, [&] {
            for (const std::string& n : names_)
                if (n == name) return true;
            return false;
        });
    }
    bool saw_everything() {
        std::unique_lock lock(mutex_);
        return arrived_.wait_for(lock, 5s, [&] { return everything_ > 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::vector<std::string> names_;
    int everything_ = 0;
};

class InotifyWatcherTest : public ::testing::Test {
protected:
    void write(const std::string& relative, const std::string& content) const {
        std::ofstream(root_ + "/" + relative, std::ios::binary | std::ios::trunc) << content;
    }
    support::TempTree tree_;
    std::string root_ = tree_.path().string();
};

TEST_F(InotifyWatcherTest, AFileWrittenInTheRootIsNoticed) {
    Recorder recorder;
    std::string error;
    auto watcher = InotifyWatcher::start(root_, recorder, error);
    ASSERT_NE(watcher, nullptr) << error;
    write("a.txt", "hello");
    EXPECT_TRUE(recorder.saw("a.txt"));
}

TEST_F(InotifyWatcherTest, ASubdirectoryIsWatchedOnceAsked) {
    std::filesystem::create_directories(root_ + "/docs/deep");
    Recorder recorder;
    std::string error;
    auto watcher = InotifyWatcher::start(root_, recorder, error);
    ASSERT_NE(watcher, nullptr) << error;
    watcher->watch("docs/deep");
    watcher->watch("docs/deep");  // once is enough
    EXPECT_EQ(watcher->watched(), 2u);
    write("docs/deep/b.txt", "x");
    EXPECT_TRUE(recorder.saw("docs/deep/b.txt"));
    ASSERT_EQ(
        std::rename((root_ + "/docs/deep/b.txt").c_str(), (root_ + "/docs/deep/c.txt").c_str()), 0);
    EXPECT_TRUE(recorder.saw("docs/deep/c.txt"));
}

TEST_F(InotifyWatcherTest, AMissingDirectoryIsWatchedThroughItsAncestor) {
    Recorder recorder;
    std::string error;
    auto watcher = InotifyWatcher::start(root_, recorder, error);
    ASSERT_NE(watcher, nullptr) << error;
    watcher->watch("not/yet");  // its nearest existing ancestor is the root
    EXPECT_EQ(watcher->watched(), 1u);
    std::filesystem::create_directories(root_ + "/not/yet");
    EXPECT_TRUE(recorder.saw_everything());
}

TEST_F(InotifyWatcherTest, ARenamedDirectoryChangesEverything) {
    std::filesystem::create_directories(root_ + "/old");
    Recorder recorder;
    std::string error;
    auto watcher = InotifyWatcher::start(root_, recorder, error);
    ASSERT_NE(watcher, nullptr) << error;
    watcher->watch("old");
    ASSERT_EQ(std::rename((root_ + "/old").c_str(), (root_ + "/new").c_str()), 0);
    EXPECT_TRUE(recorder.saw_everything());
}

TEST_F(InotifyWatcherTest, ANonexistentRootIsRefused) {
    Recorder recorder;
    std::string error;
    EXPECT_EQ(InotifyWatcher::start(root_ + "/missing", recorder, error), nullptr);
    EXPECT_NE(error.find("missing"), std::string::npos) << error;
}

TEST_F(InotifyWatcherTest, StopsPromptly) {
    Recorder recorder;
    std::string error;
    auto watcher = InotifyWatcher::start(root_, recorder, error);
    ASSERT_NE(watcher, nullptr) << error;
    const auto before = std::chrono::steady_clock::now();
    watcher.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
}

// The whole path: a file replaced on disk (written aside, renamed over, as
// deploy tools do) is served new long before the cache's hour of validity.
TEST_F(InotifyWatcherTest, ACacheBehindItServesAReplacedFileAtOnce) {
    std::filesystem::create_directories(root_ + "/site");
    write("site/page.html", "v1");
    std::string error;
    auto root = LinuxFileSystem::open_root(root_, files::SymlinkPolicy::WithinRoot, error);
    ASSERT_NE(root, nullptr) << error;
    files::FileCache::Settings settings;
    settings.validity = 1h;
    files::FileCache cache(*root, settings);
    auto watcher = InotifyWatcher::start(root_, cache, error);
    ASSERT_NE(watcher, nullptr) << error;
    cache.attach(watcher.get());
    ASSERT_EQ(cache.open("site/page.html").info.size, 2u);
    write("site/page.html.tmp", "version 2");
    ASSERT_EQ(
        std::rename((root_ + "/site/page.html.tmp").c_str(), (root_ + "/site/page.html").c_str()),
        0);
    std::uint64_t size = 0;
    support::wait_until(
        [&] {
            size = cache.open("site/page.html").info.size;
            return size == 9;
        },
        5s, 10ms);
    EXPECT_EQ(size, 9u);
    watcher.reset();  // before the cache it calls into
}

}  // namespace
}  // namespace tpserve::platform
