// app::Reloader with real roots on disk: a good reload publishes the next
// generation and counts; a refused one keeps the running generation and
// counts; restart-only keys keep their running values; requests made while a
// reload runs are coalesced into exactly one more.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "TempTree.h"
#include "WaitUntil.h"
#include "app/ConfigError.h"
#include "app/Reloader.h"
#include "app/ServingState.h"

namespace tpserve::app {
namespace {

using support::wait_until;

class ReloaderTest : public ::testing::Test {
protected:
    ReloaderTest() {
        tree.mkdir("a");
        tree.mkdir("b");
        running.root = (tree.path() / "a").string();
        running.log.access = "off";
        running.cache.watch = false;
        next = running;
        next.root = (tree.path() / "b").string();
    }

    std::unique_ptr<Reloader> start(Reloader::Load load) {
        std::string error;
        auto first = ServingState::open(running, 0, nullptr, error);
        EXPECT_TRUE(first) << error;
        return std::make_unique<Reloader>(std::move(load), std::move(first), 0);
    }

    static std::string served_root(Reloader& reloader) {
        return reloader.source().latest().serving->config.root;
    }

    support::TempTree tree;
    config::Config running;
    config::Config next;
};

TEST_F(ReloaderTest, GoodReloadPublishesTheNextGenerationAndCounts) {
    auto reloader = start([this] { return next; });
    EXPECT_EQ(reloader->source().number(), 1U);
    reloader->request_reload();
    ASSERT_TRUE(wait_until([&] { return reloader->reloads_ok() == 1; }));
    EXPECT_EQ(reloader->source().number(), 2U);
    EXPECT_EQ(served_root(*reloader), next.root);
    EXPECT_EQ(reloader->reloads_failed(), 0U);
    EXPECT_EQ(reloader->describe_active().rfind("generation 2, ", 0), 0U);
}

TEST_F(ReloaderTest, RefusedReloadsKeepTheRunningGenerationAndCount) {
    int attempt = 0;
    auto reloader = start([&]() -> config::Config {
        ++attempt;
        if (attempt == 1) throw ConfigError("tpserve.yaml", 3, 4, "unknown key 'x'");
        config::Config missing = next;
        missing.root = (tree.path() / "absent").string();
        return missing;
    });
    reloader->request_reload();
    ASSERT_TRUE(wait_until([&] { return reloader->reloads_failed() == 1; }));
    reloader->request_reload();
    ASSERT_TRUE(wait_until([&] { return reloader->reloads_failed() == 2; }));
    EXPECT_EQ(reloader->reloads_ok(), 0U);
    EXPECT_EQ(reloader->source().number(), 1U);
    EXPECT_EQ(served_root(*reloader), running.root);
}

TEST_F(ReloaderTest, RestartOnlyKeysKeepTheirRunningValues) {
    running.workers = 2;
    next.workers = 6;
    next.limits.max_connections = 7;
    next.limits.keepalive_requests = 3;
    auto reloader = start([this] { return next; });
    reloader->request_reload();
    ASSERT_TRUE(wait_until([&] { return reloader->reloads_ok() == 1; }));
    const config::Config& published = reloader->source().latest().serving->config;
    EXPECT_EQ(published.workers, 2U);
    EXPECT_EQ(published.limits.max_connections, running.limits.max_connections);
    EXPECT_EQ(published.limits.keepalive_requests, 3U);  // applied
    EXPECT_EQ(published.root, next.root);
}

TEST_F(ReloaderTest, RequestsDuringAReloadAreCoalescedIntoOneMore) {
    std::mutex mutex;
    std::condition_variable changed;
    bool release = false;
    std::atomic<int> loads{0};
    auto reloader = start([&] {
        if (loads.fetch_add(1) == 0) {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return release; });
        }
        return next;
    });
    reloader->request_reload();
    ASSERT_TRUE(wait_until([&] { return loads.load() == 1; }));  // the first is running
    for (int i = 0; i < 5; ++i)
        reloader->request_reload();
    {
        const std::lock_guard lock(mutex);
        release = true;
    }
    changed.notify_all();
    ASSERT_TRUE(wait_until([&] { return reloader->reloads_ok() == 2; }));
    EXPECT_EQ(loads.load(), 2);  // nothing was left requested after the second began
    EXPECT_EQ(reloader->source().number(), 3U);
}

}  // namespace
}  // namespace tpserve::app
