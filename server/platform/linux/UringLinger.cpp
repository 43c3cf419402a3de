// UringProactor: the bounded lingering close after a Close plan.
#include <unistd.h>

#include <chrono>
#include <span>

#include "platform/linux/UringOps.h"
#include "platform/linux/UringProactor.h"
#include "platform/linux/UringRing.h"

namespace tpserve::platform {

using uring::Linger;
using uring::Tag;

void UringProactor::start_linger(int fd) {
    const std::uint32_t index = lingers_.start(fd);
    if (index == decltype(lingers_)::npos) return;
    const auto deadline = conn::Clock::now() + decltype(lingers_)::kTime;
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
    Linger& linger = lingers_[index];
    linger.timeout.tv_sec = ns / 1'000'000'000;
    linger.timeout.tv_nsec = ns % 1'000'000'000;
    arm_linger(index);
}

void UringProactor::arm_linger(std::uint32_t index) {
    Linger& linger = lingers_[index];
    if (!ring_->reserve(2)) {
        lingers_.release(index);
        return;
    }
    ++linger.sequence;
    io_uring_sqe* sqe = ring_->sqe();
    // Every lingering read lands in the same scratch buffer: it is never read.
    const std::span<std::byte> discard = lingers_.discard();
    io_uring_prep_recv(sqe, linger.fd, discard.data(), discard.size(), 0);
    sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
    sqe->user_data = encode(Tag::Linger, linger.sequence, index);
    sqe->flags |= IOSQE_IO_LINK;
    io_uring_sqe* timeout = ring_->sqe();
    io_uring_prep_link_timeout(timeout, &linger.timeout, IORING_TIMEOUT_ABS);
    timeout->user_data = encode(Tag::LinkTimeout, 0, 0);
    ++lingers_.in_flight;
}

void UringProactor::on_linger(std::uint32_t index, std::uint32_t sequence, std::int32_t res) {
    if (index >= lingers_.size()) return;
    Linger& linger = lingers_[index];
    if (linger.fd < 0 || sequence != (linger.sequence & kSequenceMask)) return;
    --lingers_.in_flight;
    if (res > 0 && !lingers_.ending() &&
        linger.drained + static_cast<std::uint32_t>(res) < lingers_.discard().size()) {
        linger.drained += static_cast<std::uint32_t>(res);
        arm_linger(index);
        return;
    }
    // EOF, error, deadline, byte budget spent, or shutdown.
    lingers_.release(index);
}

void UringProactor::end_lingers() {
    lingers_.end();
    for (std::uint32_t i = 0; i < lingers_.size(); ++i) {
        Linger& linger = lingers_[i];
        if (linger.fd < 0 || !ring_->reserve(1)) continue;
        io_uring_sqe* sqe = ring_->sqe();
        io_uring_prep_cancel64(sqe, encode(Tag::Linger, linger.sequence, i), 0);
        sqe->user_data = encode(Tag::Cancel, 0, 0);
    }
}

}  // namespace tpserve::platform
