#pragma once
// Per-worker deadlines for the backends without kernel timeouts (epoll,
// IOCP, and io_uring's userspace deadlines): an indexed binary min-heap with
// at most one deadline per timer id. Ids are small integers chosen by the
// owner (slot index, lingering-close index, ...); after construction
// nothing allocates.
//
// Lazy, like nginx's timer tree: a busy connection moves its deadline on
// every request (receive, send, receive ...), almost always to later, and a
// heap that re-sorted each move spent ~1 % of a small-file server's CPU on
// it. Here moving a deadline later and cancelling one only record the new
// value (O(1)); the heap keeps ordering the entry by its old, earlier key
// until that key comes due, and pop_due then re-files it at its real
// deadline or drops it. Moving a deadline earlier sifts at once. So next()
// is a lower bound (a wake-up may find nothing due), pop_due is exact.
//
// Threading: used by one thread only.
#include <cstdint>
#include <vector>

#include "conn/Proactor.h"

namespace tpserve::conn {

class DeadlineHeap {
public:
    static constexpr std::uint32_t npos = ~std::uint32_t{0};

    // Ids are in [0, capacity).
    explicit DeadlineHeap(std::uint32_t capacity);

    // Sets (or moves) the deadline of `id`.
    void schedule(std::uint32_t id, conn::Deadline when) noexcept;
    // Removes `id`'s deadline if it has one.
    void cancel(std::uint32_t id) noexcept { armed_[id] = 0; }
    [[nodiscard]] bool scheduled(std::uint32_t id) const noexcept { return armed_[id] != 0; }
    // No entry at all, not even one cancelled but not yet dropped: the
    // owner may wait without a timeout.
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    // Only when !empty(): no deadline is earlier than this (see above).
    [[nodiscard]] conn::Deadline next() const noexcept { return key_[heap_[0]]; }
    // Removes and returns the id with the earliest deadline if that
    // deadline is ≤ `now`; npos when none is due.
    std::uint32_t pop_due(conn::Deadline now) noexcept;

private:
    void remove_top() noexcept;
    void sift_up(std::uint32_t position) noexcept;
    void sift_down(std::uint32_t position) noexcept;
    void place(std::uint32_t position, std::uint32_t id) noexcept {
        heap_[position] = id;
        position_[id] = position;
    }

    std::vector<std::uint32_t> heap_;      // heap order by key_, size_ entries valid
    std::vector<std::uint32_t> position_;  // id → index in heap_, npos if not in it
    std::vector<conn::Deadline> key_;      // id → what the heap orders it by (≤ when_)
    std::vector<conn::Deadline> when_;     // id → its deadline, when armed
    std::vector<std::uint8_t> armed_;      // id → has a deadline
    std::uint32_t size_ = 0;
};

}  // namespace tpserve::conn
