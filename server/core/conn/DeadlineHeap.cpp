#include "conn/DeadlineHeap.h"

namespace tpserve::conn {

DeadlineHeap::DeadlineHeap(std::uint32_t capacity)
    : heap_(capacity, npos), position_(capacity, npos), when_(capacity) {}

void DeadlineHeap::schedule(std::uint32_t id, conn::Deadline when) noexcept {
    when_[id] = when;
    std::uint32_t position = position_[id];
    if (position == npos) {
        position = size_++;
        place(position, id);
        sift_up(position);
        return;
    }
    // Moved either way: one of the two sifts is a no-op.
    sift_up(position);
    sift_down(position_[id]);
}

void DeadlineHeap::cancel(std::uint32_t id) noexcept {
    const std::uint32_t position = position_[id];
    if (position != npos) remove_at(position);
}

std::uint32_t DeadlineHeap::pop_due(conn::Deadline now) noexcept {
    if (size_ == 0 || when_[heap_[0]] > now) return npos;
    const std::uint32_t id = heap_[0];
    remove_at(0);
    return id;
}

void DeadlineHeap::remove_at(std::uint32_t position) noexcept {
    const std::uint32_t id = heap_[position];
    position_[id] = npos;
    --size_;
    if (position == size_) return;
    const std::uint32_t moved = heap_[size_];
    place(position, moved);
    sift_up(position);
    sift_down(position_[moved]);
}

void DeadlineHeap::sift_up(std::uint32_t position) noexcept {
    const std::uint32_t id = heap_[position];
    while (position > 0) {
        const std::uint32_t parent = (position - 1) / 2;
        if (when_[heap_[parent]] <= when_[id]) break;
        place(position, heap_[parent]);
        position = parent;
    }
    place(position, id);
}

void DeadlineHeap::sift_down(std::uint32_t position) noexcept {
    const std::uint32_t id = heap_[position];
    for (;;) {
        std::uint32_t child = 2 * position + 1;
        if (child >= size_) break;
        if (child + 1 < size_ && when_[heap_[child + 1]] < when_[heap_[child]]) ++child;
        if (when_[id] <= when_[heap_[child]]) break;
        place(position, heap_[child]);
        position = child;
    }
    place(position, id);
}

}  // namespace tpserve::conn
