#pragma once
// Per-worker deadlines for the backends without kernel timeouts (epoll,
// IOCP): an indexed binary min-heap with
// at most one deadline per timer id. Ids are small integers chosen by the
// owner (slot index, lingering-close index, ...), so schedule / cancel / pop
// are O(log n) and, after construction, never allocate.
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
    void cancel(std::uint32_t id) noexcept;
    [[nodiscard]] bool scheduled(std::uint32_t id) const noexcept { return position_[id] != npos; }
    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    // The earliest deadline; only when !empty().
    [[nodiscard]] conn::Deadline next() const noexcept { return when_[heap_[0]]; }
    // Removes and returns the earliest id if its deadline is ≤ `now`; npos otherwise.
    std::uint32_t pop_due(conn::Deadline now) noexcept;

private:
    void remove_at(std::uint32_t position) noexcept;
    void sift_up(std::uint32_t position) noexcept;
    void sift_down(std::uint32_t position) noexcept;
    void place(std::uint32_t position, std::uint32_t id) noexcept {
        heap_[position] = id;
        position_[id] = position;
    }

    std::vector<std::uint32_t> heap_;      // heap order, size_ entries valid
    std::vector<std::uint32_t> position_;  // id → index in heap_, npos if unscheduled
    std::vector<conn::Deadline> when_;     // id → deadline
    std::uint32_t size_ = 0;
};

}  // namespace tpserve::conn
