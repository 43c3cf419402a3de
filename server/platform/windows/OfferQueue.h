#pragma once
// The slots the core has offered for new connections, oldest first: a
// fixed-capacity FIFO ring allocated once, so taking and offering never
// allocate. A new connection goes to front(); at shutdown every slot still
// queued completes as Accept/Cancelled. Used by one worker thread only.
#include <cstddef>
#include <vector>

#include "conn/Proactor.h"

namespace tpserve::platform {

class OfferQueue {
public:
    explicit OfferQueue(std::size_t capacity) : ring_(capacity == 0 ? 1 : capacity) {}

    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] bool full() const noexcept { return count_ == ring_.size(); }
    [[nodiscard]] std::size_t size() const noexcept { return count_; }

    // False (nothing queued) when full: the core offered more slots than exist.
    bool push(conn::ConnId id) noexcept {
        if (full()) return false;
        ring_[(head_ + count_) % ring_.size()] = id;
        ++count_;
        return true;
    }
    // The oldest offer; only when !empty().
    [[nodiscard]] conn::ConnId front() const noexcept { return ring_[head_]; }
    conn::ConnId pop() noexcept {
        const conn::ConnId id = ring_[head_];
        head_ = (head_ + 1) % ring_.size();
        --count_;
        return id;
    }

private:
    std::vector<conn::ConnId> ring_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
};

}  // namespace tpserve::platform
