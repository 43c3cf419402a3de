// UringProactor: accepting connections, and shutdown (stop, drain).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "platform/linux/PeerAddress.h"
#include "platform/linux/UringOps.h"
#include "platform/linux/UringProactor.h"
#include "platform/linux/UringRing.h"

namespace tpserve::platform {

using uring::Slot;
using uring::Tag;

void UringProactor::arm_accept(std::uint32_t listener) {
    if (!ring_->reserve(1)) return;  // retried on the next loop turn
    io_uring_sqe* sqe = ring_->sqe();
    const int fd = listeners_[listener].fd.get();
    // Accepted sockets are nonblocking: sendfile(2) runs on this thread and
    // must never block it. io_uring's own RECV/SENDMSG still wait by arming
    // an internal poll on such sockets (measured on 6.18: a RECV with no data
    // and a 64 MiB SENDMSG(WAITALL) to a client not reading both stay pending
    // and then complete in full); an -EAGAIN from older kernels is retried.
    if (multishot_accept_) {
        io_uring_prep_multishot_accept(sqe, fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    } else {
        io_uring_prep_accept(sqe, fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    }
    sqe->user_data = encode(Tag::Accept, 0, listener);
    listeners_[listener].armed = true;
}

void UringProactor::on_accept(std::uint32_t listener, std::int32_t res, std::uint32_t flags) {
    Listener& entry = listeners_[listener];
    // Without F_MORE the accept is over (single-shot, error, cancel); the loop
    // re-arms unarmed listeners at the top of the next turn.
    if ((flags & IORING_CQE_F_MORE) == 0) entry.armed = false;
    if (res < 0) {
        if (res == -EINVAL) {
            if (multishot_accept_) {
                multishot_accept_ = false;  // kernel < 5.19: re-armed single-shot
            } else {
                entry.fd.reset();  // not a listening socket at all: stop trying
            }
        }
        return;
    }
    const int fd = res;
    if (stopping_ || !has_offer()) {
        ::close(fd);
        if (!stopping_) ++counters_.dropped;
        return;
    }
    Slot& slot = take_offer(fd);
    // TCP_DEFER_ACCEPT: the request is usually here already, so the first
    // receive tries before it polls.
    slot.fresh = true;
    // No getpeername here: multishot accept returns no address, and the
    // core asks (peer_address) only when it logs the request; likewise
    // getsockname (local_address) for a wildcard listener.
    deliver_accept(slot, {}, entry.local);
}

void UringProactor::begin_stop() {
    stopping_ = true;
    for (std::uint32_t i = 0; i < listeners_.size(); ++i) {
        Listener& entry = listeners_[i];
        if (entry.armed && ring_->reserve(1)) {
            io_uring_sqe* sqe = ring_->sqe();
            io_uring_prep_cancel64(sqe, encode(Tag::Accept, 0, i), 0);
            sqe->user_data = encode(Tag::Cancel, 0, 0);
        }
        // The accept request holds its own file reference until cancelled.
        entry.fd.reset();
    }
    sink_->on_stop();
    cancel_offers();
    if (ring_->reserve(1)) {
        drain_timeout_.tv_sec = options_.drain_timeout.count() / 1000;
        drain_timeout_.tv_nsec = (options_.drain_timeout.count() % 1000) * 1'000'000;
        io_uring_sqe* sqe = ring_->sqe();
        io_uring_prep_timeout(sqe, &drain_timeout_, 0, 0);
        sqe->user_data = encode(Tag::DrainTimer, 0, 0);
    } else {
        on_drain_expired();  // cannot time the drain: do not wait at all
    }
}

}  // namespace tpserve::platform
