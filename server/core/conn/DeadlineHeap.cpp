#include "conn/DeadlineHeap.h"

namespace tpserve::conn {

DeadlineHeap::DeadlineHeap(std::uint32_t capacity)
    : heap_(capacity, npos),
      position_(capacity, npos),
      key_(capacity),
      when_(capacity),
      armed_(capacity, 0) {}

void DeadlineHeap::schedule(std::uint32_t id, conn::Deadline when) noexcept {
    when_[id] = when;
    armed_[id] = 1;
    const std::uint32_t position = position_[id];
    if (position == npos) {
        key_[id] = when;
        place(size_, id);
        sift_up(size_++);
    } else if (when < key_[id]) {
        key_[id] = when;
        sift_up(position);
    }
    // Later than its key: pop_due re-files it when the key comes due.
}

std::uint32_t DeadlineHeap::pop_due(conn::Deadline now) noexcept {
    while (size_ != 0) {
        const std::uint32_t id = heap_[0];
        if (key_[id] > now) return npos;
        if (armed_[id] == 0) {
            remove_top();
        } else if (when_[id] != key_[id]) {
            // Moved later: re-filed even when already due, so that due ids
            // still come out earliest first.
            key_[id] = when_[id];
            sift_down(0);
        } else {
            remove_top();
            armed_[id] = 0;
            return id;
        }
    }
    return npos;
}

void DeadlineHeap::remove_top() noexcept {
    position_[heap_[0]] = npos;
    --size_;
    if (size_ == 0) return;
    place(0, heap_[size_]);
    sift_down(0);
}

void DeadlineHeap::sift_up(std::uint32_t position) noexcept {
    const std::uint32_t id = heap_[position];
    while (position > 0) {
        const std::uint32_t parent = (position - 1) / 2;
        if (key_[heap_[parent]] <= key_[id]) break;
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
        if (child + 1 < size_ && key_[heap_[child + 1]] < key_[heap_[child]]) ++child;
        if (key_[id] <= key_[heap_[child]]) break;
        place(position, heap_[child]);
        position = child;
    }
    place(position, id);
}

}  // namespace tpserve::conn
