// WorkspacePool keeps what the last window's peak needed and frees a burst's
// workspaces once a window has passed without needing them.
#include "conn/Workspace.h"

#include <gtest/gtest.h>

#include <memory>
#include <string_view>
#include <vector>

namespace tpserve::conn {
namespace {

int g_returns = 0;
void count_return() noexcept {
    ++g_returns;
}

class WorkspacePoolTest : public ::testing::Test {
protected:
    using Clock = WorkspacePool::Clock;

    void SetUp() override {
        g_returns = 0;
        one_request(t0);  // opens the first window: it ends at t0 + kWindow
    }

    // `count` workspaces in use at once, all released at `at`.
    void burst(std::size_t count, Clock::time_point at) {
        std::vector<std::unique_ptr<Workspace>> held;
        for (std::size_t i = 0; i < count; ++i)
            held.push_back(pool.acquire());
        for (auto& workspace : held)
            pool.release(std::move(workspace), at);
    }
    // One request at a time: acquired and released at `at`.
    void one_request(Clock::time_point at) { pool.release(pool.acquire(), at); }

    config::Limits limits;
    WorkspacePool pool{limits, &count_return};
    const Clock::time_point t0 = Clock::now();
};

TEST_F(WorkspacePoolTest, ReusesTheSameWorkspaceUnderOneAtATimeLoad) {
    std::unique_ptr<Workspace> first = pool.acquire();
    Workspace* const address = first.get();
    pool.release(std::move(first), t0);
    std::unique_ptr<Workspace> again = pool.acquire();
    EXPECT_EQ(again.get(), address);
    EXPECT_EQ(pool.in_use(), 1u);
    pool.release(std::move(again), t0);
    EXPECT_EQ(pool.in_use(), 0u);
}

TEST_F(WorkspacePoolTest, ASteadyLoadKeepsItsWorkspaces) {
    // 40 at once, every half second for five seconds: the peak of every
    // window is 40, so nothing is freed and nothing new is allocated.
    for (int step = 0; step < 10; ++step)
        burst(40, t0 + std::chrono::milliseconds(500 * step));
    EXPECT_EQ(pool.available(), 40u);
    EXPECT_EQ(g_returns, 0);
}

TEST_F(WorkspacePoolTest, ABurstIsFreedAfterAWindowWithoutIt) {
    burst(200, t0 + std::chrono::milliseconds(100));
    EXPECT_EQ(pool.available(), 200u);
    // The window in which the burst happened ends: its peak was 200, all kept.
    one_request(t0 + WorkspacePool::kWindow);
    EXPECT_EQ(pool.available(), 200u);
    // A whole window needed one at a time: the rest goes, and the memory
    // is handed back once.
    one_request(t0 + 2 * WorkspacePool::kWindow + std::chrono::milliseconds(1));
    EXPECT_EQ(pool.available(), 1u);
    EXPECT_EQ(g_returns, 1);
}

TEST_F(WorkspacePoolTest, KeepsWhatIsInUseAtTheTrimOutOfTheCount) {
    burst(100, t0);
    one_request(t0 + WorkspacePool::kWindow);  // ends the burst's window
    // Next window: 30 held across its end; at most 30 were in use in it.
    std::vector<std::unique_ptr<Workspace>> held;
    for (int i = 0; i < 30; ++i)
        held.push_back(pool.acquire());
    pool.release(std::move(held.back()),
                 t0 + 2 * WorkspacePool::kWindow + std::chrono::milliseconds(1));
    held.pop_back();
    // Peak 30, 29 still in use: one free workspace is enough for that peak.
    EXPECT_EQ(pool.in_use(), 29u);
    EXPECT_EQ(pool.available(), 1u);
}

TEST_F(WorkspacePoolTest, RetainsAtMostTheBoundEvenForALargerPeak) {
    burst(WorkspacePool::kRetained + 50, t0);
    EXPECT_EQ(pool.available(), WorkspacePool::kRetained);
}

TEST_F(WorkspacePoolTest, SmallTrimsDoNotWalkTheAllocator) {
    burst(WorkspacePool::kReturnAfter - 1, t0);
    one_request(t0 + WorkspacePool::kWindow);
    one_request(t0 + 2 * WorkspacePool::kWindow + std::chrono::milliseconds(1));
    EXPECT_EQ(pool.available(), 1u);
    EXPECT_EQ(g_returns, 0);
}

TEST_F(WorkspacePoolTest, AReleasedWorkspaceIsResetForTheNextRequest) {
    std::unique_ptr<Workspace> workspace = pool.acquire();
    workspace->plan.add(std::string_view("x"));
    pool.release(std::move(workspace), t0);
    EXPECT_TRUE(pool.acquire()->plan.empty());
}

TEST_F(WorkspacePoolTest, AnIdleWorkerFreesTheBurstAtItsHousekeepingTick) {
    burst(100, t0 + std::chrono::milliseconds(100));  // in the first window
    EXPECT_EQ(pool.available(), 100u);
    // No request comes after the burst: only the worker's tick can trim.
    const Clock::time_point due = pool.trim_due();
    ASSERT_NE(due, Clock::time_point::max());
    pool.housekeep(due - std::chrono::milliseconds(1));
    EXPECT_EQ(pool.available(), 100u) << "not before the window ends";
    pool.housekeep(due);
    // That window's peak still stays for one more window...
    EXPECT_EQ(pool.available(), 100u);
    EXPECT_EQ(g_returns, 0);
    // ...and a window with no request at all frees everything.
    pool.housekeep(pool.trim_due());
    EXPECT_EQ(pool.available(), 0u);
    EXPECT_EQ(g_returns, 1);
    EXPECT_EQ(pool.trim_due(), Clock::time_point::max()) << "nothing left: no more ticks";
}

}  // namespace
}  // namespace tpserve::conn
