#include "platform/linux/UringProactor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "plan/TransmitPlan.h"
#include "platform/linux/PeerAddress.h"
#include "platform/linux/UringBufferRing.h"
#include "platform/linux/UringErrors.h"
#include "platform/linux/UringOps.h"
#include "platform/linux/UringRing.h"
#include "time/TurnClock.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using uring::Slot;
using uring::SlotOp;
using uring::Tag;

namespace {

constexpr std::size_t kCqeBatch = 256;
// Receive-any buffers the kernel may fill before this thread hands them to
// the core: 128 × 4 KiB per worker. Beyond that a receive falls back to a poll.
constexpr std::uint32_t kReceiveBuffers = 128;

bool in_flight(SlotOp op) {
    return op == SlotOp::Receive || op == SlotOp::Send || op == SlotOp::WaitWritable;
}

__kernel_timespec to_timespec(std::chrono::nanoseconds ns) {
    if (ns.count() < 0) ns = {};
    __kernel_timespec ts{};
    ts.tv_sec = static_cast<long long>(ns.count() / 1'000'000'000);
    ts.tv_nsec = static_cast<long long>(ns.count() % 1'000'000'000);
    return ts;
}

}  // namespace

std::unique_ptr<UringProactor> UringProactor::create(std::vector<UniqueFd> listeners,
                                                     const UringOptions& options,
                                                     std::string& error, int& error_errno) {
    // sendfile(2) has no MSG_NOSIGNAL: a peer that vanished must give EPIPE, not kill us.
    (void)::signal(SIGPIPE, SIG_IGN);
    // SQ entries: a turn that queues more submits early (Ring::reserve), one
    // extra io_uring_enter per 1,024 SQEs. Each entry costs 64 bytes of SQ
    // and 32 of CQ that stay resident once the ring has wrapped: 4,096
    // entries were ~0.4 MB of RSS per worker for nothing.
    const unsigned entries = std::clamp<unsigned>(
        std::bit_ceil(std::max<std::uint32_t>(options.max_connections, 1)), 256, 1024);
    auto ring = uring::Ring::create(entries, error, error_errno);
    if (!ring) return nullptr;
    UniqueFd wake(::eventfd(0, EFD_CLOEXEC));  // blocking: io_uring polls it for us
    if (!wake) {
        error_errno = errno;
        error = std::string("eventfd: ") + std::strerror(error_errno);
        return nullptr;
    }
    auto proactor =
        std::make_unique<UringProactor>(Key{}, std::move(ring), std::move(listeners), options);
    proactor->wake_fd_ = std::move(wake);
    return proactor;
}

UringProactor::UringProactor(Key, std::unique_ptr<uring::Ring> ring,
                             std::vector<UniqueFd> listeners, const UringOptions& options)
    : CompletionCore(std::max<std::uint32_t>(options.max_connections, 1)),
      ring_(std::move(ring)),
      options_(options),
      deadlines_(std::max<std::uint32_t>(options.max_connections, 1)) {
    options_.max_connections = std::max<std::uint32_t>(options.max_connections, 1);
    for (UniqueFd& fd : listeners) {
        const net::SocketAddress local = fixed_local_address(fd.get());
        listeners_.push_back(Listener{std::move(fd), false, local});
    }
}

UringProactor::~UringProactor() {
    // The kernel may still hold pointers into slots_ and the lingers' discard
    // buffer: tear the ring down (cancelling what is in flight) before those
    // buffers go away (CompletionCore's members, destroyed after this body).
    ring_.reset();
}

std::uint64_t UringProactor::op_user_data(Slot& slot) {
    ++slot.sequence;
    return encode(Tag::Conn, slot.sequence, slot.id.slot);
}

void UringProactor::start_deadline(Slot& slot) {
    slot.timed_out = false;
    if (slot.deadline == conn::Deadline::max()) {
        deadlines_.cancel(slot.id.slot);
    } else {
        deadlines_.schedule(slot.id.slot, slot.deadline);
    }
}

void UringProactor::expire_deadlines(conn::Deadline now) {
    for (std::uint32_t index = deadlines_.pop_due(now); index != conn::DeadlineHeap::npos;
         index = deadlines_.pop_due(now)) {
        Slot& slot = slots_[index];
        if (!in_flight(slot.op) || slot.cancel_requested) continue;
        if (!ring_->reserve(1)) {
            // No SQE this turn: try again shortly rather than never.
            deadlines_.schedule(index, now + std::chrono::milliseconds(10));
            return;
        }
        // The op completes with -ECANCELED, which status_for reads as TimedOut
        // (cancel_requested stays false: nobody asked for a Cancelled), or
        // with what it had done (a partial MSG_WAITALL send): `timed_out`
        // then stops it from being continued.
        slot.timed_out = true;
        io_uring_sqe* sqe = ring_->sqe();
        io_uring_prep_cancel64(sqe, encode(Tag::Conn, slot.sequence, slot.id.slot), 0);
        sqe->user_data = encode(Tag::Cancel, 0, 0);
    }
}

void UringProactor::submit_and_wait(bool block) {
    const conn::Deadline housekeeping = sink_->housekeeping_due();
    if (deadlines_.empty() && housekeeping == conn::Deadline::max()) {
        ring_->submit_and_wait(block ? 1 : 0);
        return;
    }
    // One clock read a turn serves both the expiry and the wait.
    const conn::Deadline now = conn::Clock::now();
    if (!deadlines_.empty()) expire_deadlines(now);
    conn::Deadline next = housekeeping;
    if (!deadlines_.empty()) next = std::min(next, deadlines_.next());
    if (!block || next == conn::Deadline::max()) {
        ring_->submit_and_wait(block ? 1 : 0);
        return;
    }
    const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(next - now);
    if (wait.count() <= 0) {
        ring_->submit_and_wait(0);
        return;
    }
    __kernel_timespec timeout = to_timespec(wait);
    ring_->submit_and_wait_for(timeout);
}

void UringProactor::receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) {
    Slot* slot = slot_for(conn);
    if (slot == nullptr || in_flight(slot->op) || slot->op == SlotOp::Finished) return;
    // A receive-any (empty span) pins no memory while the connection is idle:
    // a RECV that selects a buffer of the provided-buffer ring when bytes
    // arrive, or, when the ring is missing or ran dry, a POLLIN after which
    // this thread reads into scratch_. Either way it is delivered at once.
    slot->receive_any = into.empty();
    slot->ring_empty = false;
    slot->receive_data = slot->receive_any ? scratch_.data() : into.data();
    slot->receive_size = slot->receive_any ? scratch_.size() : into.size();
    slot->deadline = deadline;
    if (const auto refused = refusal(*slot, conn, OpKind::Receive)) {
        finish(*slot, *refused, Delivery::Queued);
        return;
    }
    start_deadline(*slot);
    submit_receive(*slot, Delivery::Queued);
}

void UringProactor::submit_receive(Slot& slot, Delivery delivery) {
    if (slot.timed_out) {
        finish(slot, {.kind = OpKind::Receive, .status = IoStatus::TimedOut, .os_error = ETIME},
               delivery);
        return;
    }
    if (!ring_->reserve(1)) {
        finish(slot, {.kind = OpKind::Receive, .status = IoStatus::NoResources, .os_error = EBUSY},
               delivery);
        return;
    }
    io_uring_sqe* sqe = ring_->sqe();
    slot.select_buffer = slot.receive_any && buffer_ring_ && !slot.ring_empty;
    if (slot.select_buffer) {
        io_uring_prep_recv(sqe, slot.fd, nullptr, conn::kReceiveAnyBytes, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = uring::BufferRing::kGroup;
        if (!slot.fresh) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
    } else if (slot.receive_any) {
        io_uring_prep_poll_add(sqe, slot.fd, POLLIN);
    } else {
        io_uring_prep_recv(sqe, slot.fd, slot.receive_data, slot.receive_size, 0);
        // A keep-alive connection usually has nothing to read yet: arm the poll
        // straight away instead of trying a recv that would fail.
        if (!slot.fresh) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
    }
    sqe->user_data = op_user_data(slot);
    slot.fresh = false;
    slot.op = SlotOp::Receive;
    ++ops_in_flight_;
}

void UringProactor::receive_now(Slot& slot) {
    for (;;) {
        const ssize_t n = ::recv(slot.fd, slot.receive_data, slot.receive_size, 0);
        if (n > 0) {
            // Delivered now: the next receive-any reuses scratch_.
            finish(slot, received(static_cast<std::uint64_t>(n)), Delivery::Now);
        } else if (n == 0) {
            finish(slot, {.kind = OpKind::Receive, .status = IoStatus::PeerClosed}, Delivery::Now);
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            submit_receive(slot, Delivery::Now);  // a spurious wake-up: wait again
        } else {
            finish(slot, receive_error(errno), Delivery::Now);
        }
        return;
    }
}

void UringProactor::on_selected_receive(Slot& slot, std::int32_t res, std::uint32_t flags) {
    const bool has_buffer = (flags & IORING_CQE_F_BUFFER) != 0;
    const auto id = static_cast<std::uint16_t>(flags >> IORING_CQE_BUFFER_SHIFT);
    if (has_buffer && res > 0 && !slot.cancel_requested) {
        slot.receive_data = buffer_ring_->buffer(id);
        // Delivered now: the core copies the bytes out.
        finish(slot, received(static_cast<std::uint64_t>(res)), Delivery::Now);
        buffer_ring_->give_back(id);
        return;
    }
    if (has_buffer) buffer_ring_->give_back(id);
    if (slot.cancel_requested) {
        finish(slot, {.kind = OpKind::Receive, .status = IoStatus::Cancelled}, Delivery::Now);
    } else if (res == 0) {
        finish(slot, {.kind = OpKind::Receive, .status = IoStatus::PeerClosed}, Delivery::Now);
    } else if (res == -ENOBUFS || res == -EAGAIN) {
        // More connections had bytes at once than the ring has buffers: this
        // one waits with a poll and reads into scratch_ instead.
        slot.ring_empty = res == -ENOBUFS;
        submit_receive(slot, Delivery::Now);
    } else {
        finish(slot, receive_error(-res), Delivery::Now);
    }
}

void UringProactor::close_socket(int fd) {
    if (!ring_->reserve(1)) {
        ::close(fd);
        return;
    }
    io_uring_sqe* sqe = ring_->sqe();
    io_uring_prep_close(sqe, fd);
    sqe->user_data = encode(Tag::Cancel, 0, 0);  // nothing to do with its CQE
}

net::SocketAddress UringProactor::peer_address(conn::ConnId conn) {
    const Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->id != conn || slot->fd < 0) return {};
    return peer_address_of(slot->fd);
}

net::SocketAddress UringProactor::local_address(conn::ConnId conn) {
    const Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->id != conn || slot->fd < 0) return {};
    return local_address_of(slot->fd);
}

void UringProactor::cancel_in_flight(Slot& slot) {
    slot.cancel_requested = true;
    if (!ring_->reserve(1)) return;  // the op still ends at its deadline
    io_uring_sqe* sqe = ring_->sqe();
    io_uring_prep_cancel64(sqe, encode(Tag::Conn, slot.sequence, slot.id.slot), 0);
    sqe->user_data = encode(Tag::Cancel, 0, 0);
}

void UringProactor::finish(Slot& slot, const OpResult& result, Delivery delivery) {
    deadlines_.cancel(slot.id.slot);
    slot.timed_out = false;
    complete(slot, result, delivery);
}

void UringProactor::run(conn::CompletionSink& sink, std::stop_token stop) {
    sink_ = &sink;
    ring_->enable();  // from here on only this thread may submit
    if (!buffer_ring_) {
        buffer_ring_ = uring::BufferRing::create(
            ring_->get(), kReceiveBuffers, static_cast<std::uint32_t>(conn::kReceiveAnyBytes));
    }
    std::stop_callback on_stop(stop, [this] {
        const std::uint64_t one = 1;
        // Async-signal-safe and thread-safe: the ring itself is touched only here.
        const ssize_t ignored = ::write(wake_fd_.get(), &one, sizeof one);
        (void)ignored;
    });
    arm_wake();
    io_uring_cqe* cqes[kCqeBatch];
    const time::TurnScope turns;
    for (;;) {
        deliver_queued();
        if (stopping_) {
            if (stopped()) break;
        } else {
            for (std::uint32_t i = 0; i < listeners_.size(); ++i) {
                if (!listeners_[i].armed && listeners_[i].fd) arm_accept(i);
            }
        }
        // One syscall per turn: submit everything queued, wait for one CQE
        // unless completions are already queued for delivery.
        submit_and_wait(!has_queued());
        const conn::Deadline now = time::TurnClock::begin_turn();
        if (now >= sink.housekeeping_due()) sink.housekeep(now);
        for (;;) {
            const unsigned count = io_uring_peek_batch_cqe(ring_->get(), cqes, kCqeBatch);
            if (count == 0) break;
            for (unsigned i = 0; i < count; ++i) {
                handle_cqe(cqes[i]->user_data, cqes[i]->res, cqes[i]->flags);
            }
            io_uring_cq_advance(ring_->get(), count);
        }
    }
    sink_ = nullptr;
}

void UringProactor::arm_wake() {
    if (!ring_->reserve(1)) return;
    io_uring_sqe* sqe = ring_->sqe();
    io_uring_prep_read(sqe, wake_fd_.get(), &wake_value_, sizeof wake_value_, 0);
    sqe->user_data = encode(Tag::Wake, 0, 0);
}

void UringProactor::handle_cqe(std::uint64_t user_data, std::int32_t res, std::uint32_t flags) {
    const std::uint32_t index = index_of(user_data);
    switch (tag_of<Tag>(user_data)) {
        case Tag::Conn: {
            if (index >= slots_.size()) return;
            Slot& slot = slots_[index];
            if (!in_flight(slot.op) || !same_sequence(user_data, slot.sequence)) {
                return;  // stale: belongs to an op that already completed
            }
            --ops_in_flight_;
            on_conn_cqe(slot, res, flags);
            return;
        }
        case Tag::Accept:
            if (index < listeners_.size()) on_accept(index, res, flags);
            return;
        case Tag::Wake:
            if (!stopping_) begin_stop();
            return;
        case Tag::DrainTimer:
            on_drain_expired();
            return;
        case Tag::Linger:
            on_linger(index, sequence_of(user_data), res);
            return;
        case Tag::LinkTimeout:
        case Tag::Cancel:
            return;  // the op's own CQE says what happened
    }
}

void UringProactor::on_conn_cqe(Slot& slot, std::int32_t res, std::uint32_t flags) {
    const SlotOp op = slot.op;
    if (op == SlotOp::Receive && slot.select_buffer) {
        on_selected_receive(slot, res, flags);
        return;
    }
    if (op == SlotOp::Receive) {
        if (slot.cancel_requested) {
            finish(slot, {.kind = OpKind::Receive, .status = IoStatus::Cancelled}, Delivery::Now);
        } else if (slot.receive_any && res >= 0) {
            receive_now(slot);
        } else if (res > 0) {
            finish(slot, received(static_cast<std::uint64_t>(res)), Delivery::Now);
        } else if (res == 0) {
            finish(slot, {.kind = OpKind::Receive, .status = IoStatus::PeerClosed}, Delivery::Now);
        } else if (res == -EAGAIN) {
            submit_receive(slot, Delivery::Now);  // kernels that honour O_NONBLOCK here
        } else {
            finish(slot, receive_error(-res), Delivery::Now);
        }
        return;
    }
    // Send or WaitWritable: part of a transmit.
    if (slot.cancel_requested) {
        finish_transmit(slot, IoStatus::Cancelled, 0, Delivery::Now);
    } else if (op == SlotOp::Send && res > 0) {
        slot.plan->consume(static_cast<std::uint64_t>(res));
        slot.sent += static_cast<std::uint64_t>(res);
        counters_.bytes_sent += static_cast<std::uint64_t>(res);
        pump(slot, Delivery::Now);
    } else if (res == -EAGAIN || (op == SlotOp::WaitWritable && res >= 0)) {
        slot.poll_first = true;
        pump(slot, Delivery::Now);
    } else if (res == 0) {
        // A stream send of 0 bytes.
        finish_transmit(slot, IoStatus::Reset, EPIPE, Delivery::Now);
    } else {
        finish_transmit(slot, uring::status_for(-res), -res, Delivery::Now);
    }
}

}  // namespace tpserve::platform
