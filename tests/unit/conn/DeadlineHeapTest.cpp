#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "conn/DeadlineHeap.h"

namespace tpserve::conn {
namespace {

using namespace std::chrono_literals;

conn::Deadline at(int ms) {
    return conn::Deadline{} + std::chrono::milliseconds(ms);
}

TEST(DeadlineHeap, PopsDueDeadlinesEarliestFirst) {
    DeadlineHeap heap(8);
    heap.schedule(3, at(30));
    heap.schedule(1, at(10));
    heap.schedule(2, at(20));
    EXPECT_EQ(heap.next(), at(10));
    EXPECT_EQ(heap.pop_due(at(5)), DeadlineHeap::npos);
    EXPECT_EQ(heap.pop_due(at(25)), 1u);
    EXPECT_EQ(heap.pop_due(at(25)), 2u);
    EXPECT_EQ(heap.pop_due(at(25)), DeadlineHeap::npos);
    EXPECT_FALSE(heap.empty());
    EXPECT_EQ(heap.pop_due(at(30)), 3u);
    EXPECT_TRUE(heap.empty());
}

TEST(DeadlineHeap, RescheduleMovesAndCancelRemoves) {
    DeadlineHeap heap(4);
    heap.schedule(0, at(10));
    heap.schedule(1, at(20));
    heap.schedule(2, at(30));
    heap.schedule(2, at(5));   // earlier
    heap.schedule(0, at(40));  // later
    heap.cancel(1);
    heap.cancel(1);  // not scheduled: no effect
    EXPECT_FALSE(heap.scheduled(1));
    EXPECT_EQ(heap.pop_due(at(100)), 2u);
    EXPECT_EQ(heap.pop_due(at(100)), 0u);
    EXPECT_TRUE(heap.empty());
}

TEST(DeadlineHeap, MatchesASortedModelUnderRandomOperations) {
    constexpr std::uint32_t kIds = 64;
    DeadlineHeap heap(kIds);
    std::vector<int> model(kIds, -1);  // -1: not scheduled
    std::mt19937 random(12345);
    for (int step = 0; step < 20'000; ++step) {
        const std::uint32_t id = random() % kIds;
        switch (random() % 3) {
            case 0:
            case 1: {
                const int when = static_cast<int>(random() % 1000);
                heap.schedule(id, at(when));
                model[id] = when;
                break;
            }
            default:
                heap.cancel(id);
                model[id] = -1;
        }
        ASSERT_EQ(heap.scheduled(id), model[id] >= 0);
        const auto earliest = std::min_element(model.begin(), model.end(), [](int a, int b) {
            return (a < 0 ? 1'000'000 : a) < (b < 0 ? 1'000'000 : b);
        });
        // Lazy: entries cancelled or moved later linger until their old
        // key comes due, so next() is only a lower bound and empty() only
        // says that nothing at all is filed.
        if (*earliest >= 0) {
            ASSERT_FALSE(heap.empty());
            ASSERT_LE(heap.next(), at(*earliest));
        }
        if (step % 100 == 99) {
            // Drain everything due by a random instant, in order.
            const int now = static_cast<int>(random() % 1000);
            int last = -1;
            for (std::uint32_t popped = heap.pop_due(at(now)); popped != DeadlineHeap::npos;
                 popped = heap.pop_due(at(now))) {
                ASSERT_GE(model[popped], last);
                ASSERT_LE(model[popped], now);
                last = model[popped];
                model[popped] = -1;
            }
            for (int when : model)
                ASSERT_TRUE(when < 0 || when > now);
        }
    }
}

TEST(DeadlineHeap, MovedLaterIsNotDueAtItsOldDeadline) {
    DeadlineHeap heap(4);
    heap.schedule(0, at(10));
    heap.schedule(0, at(50));
    heap.schedule(1, at(30));
    EXPECT_EQ(heap.next(), at(10));  // the old key: a lower bound
    EXPECT_EQ(heap.pop_due(at(20)), DeadlineHeap::npos);
    EXPECT_EQ(heap.next(), at(30));  // re-filed at 50 by that pop
    EXPECT_EQ(heap.pop_due(at(40)), 1u);
    EXPECT_EQ(heap.pop_due(at(49)), DeadlineHeap::npos);
    EXPECT_EQ(heap.pop_due(at(50)), 0u);
    EXPECT_TRUE(heap.empty());
}

TEST(DeadlineHeap, CancelledEntriesAreDroppedWhenTheirKeyComesDue) {
    DeadlineHeap heap(4);
    heap.schedule(0, at(10));
    heap.schedule(1, at(20));
    heap.cancel(0);
    heap.cancel(1);
    EXPECT_FALSE(heap.scheduled(0));
    EXPECT_FALSE(heap.empty());
    EXPECT_EQ(heap.pop_due(at(100)), DeadlineHeap::npos);
    EXPECT_TRUE(heap.empty());
    // Re-armed while its stale entry is still filed: one entry, the new deadline.
    heap.schedule(2, at(10));
    heap.cancel(2);
    heap.schedule(2, at(60));
    EXPECT_EQ(heap.pop_due(at(59)), DeadlineHeap::npos);
    EXPECT_EQ(heap.pop_due(at(60)), 2u);
    EXPECT_EQ(heap.pop_due(at(1000)), DeadlineHeap::npos);
    EXPECT_TRUE(heap.empty());
}

TEST(DeadlineHeap, ReArmedEarlierThanItsKeyIsDueAtTheNewDeadline) {
    DeadlineHeap heap(4);
    heap.schedule(0, at(50));
    heap.schedule(1, at(40));
    heap.cancel(0);
    heap.schedule(0, at(5));
    EXPECT_EQ(heap.next(), at(5));
    EXPECT_EQ(heap.pop_due(at(5)), 0u);
    EXPECT_EQ(heap.pop_due(at(45)), 1u);
}

}  // namespace
}  // namespace tpserve::conn
