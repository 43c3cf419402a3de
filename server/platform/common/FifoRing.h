#pragma once
// A fixed-capacity FIFO ring allocated once, so pushing and popping never
// allocate: the backends' queues of offered slots and of slots whose
// completion waits for the next loop turn. Used by one worker thread only.
#include <cstddef>
#include <vector>

namespace tpserve::platform {

template <class T>
class FifoRing {
public:
    explicit FifoRing(std::size_t capacity) : ring_(capacity == 0 ? 1 : capacity) {}

    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] bool full() const noexcept { return count_ == ring_.size(); }
    [[nodiscard]] std::size_t size() const noexcept { return count_; }

    // False (nothing queued) when full.
    bool push(T value) noexcept {
        if (full()) return false;
        ring_[(head_ + count_) % ring_.size()] = value;
        ++count_;
        return true;
    }
    // The oldest entry; only when !empty().
    [[nodiscard]] T front() const noexcept { return ring_[head_]; }
    T pop() noexcept {
        const T value = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --count_;
        return value;
    }

private:
    std::vector<T> ring_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace tpserve::platform
