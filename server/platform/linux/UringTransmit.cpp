// UringProactor: translating a TransmitPlan into sends.
//
// Memory-only plans: one IORING_OP_SENDMSG per run of memory parts with
// MSG_WAITALL, so the kernel itself resumes short sends and the whole response
// usually costs one SQE and one CQE.
//
// Plans with file parts: linux-transmit.md measured that what matters is one
// TCP push per response, and that the io_uring splice chain needs blocking
// sockets and parks an io-wq thread per transfer. So the memory before a file
// range is sent with sendmsg(MSG_MORE) and the range with sendfile(2), both
// called directly on this thread on the nonblocking socket (B1: the header and
// the first body bytes leave together; never TCP_CORK). A full socket buffer
// (EAGAIN or a short count) arms POLL_ADD(POLLOUT) with the deadline linked,
// and sending resumes from the plan's state when the socket is writable.
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <variant>

#include "plan/TransmitPlan.h"
#include "platform/linux/UringErrors.h"
#include "platform/linux/UringOps.h"
#include "platform/linux/UringProactor.h"
#include "platform/linux/UringRing.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using uring::Slot;
using uring::SlotOp;

namespace {

// One call's byte count must fit the CQE's / ssize_t's positive range comfortably.
constexpr std::uint64_t kMaxChunk = std::uint64_t{1} << 30;
constexpr std::size_t kMaxIov = IOV_MAX;

}  // namespace

void UringProactor::transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) {
    Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->op != SlotOp::Idle) return;  // contract: one op at a time
    slot->plan = &plan;
    slot->sent = 0;
    slot->deadline = deadline;
    slot->poll_first = false;
    if (slot->id != conn || slot->fd < 0) {
        slot->id = conn;
        finish_transmit(*slot, IoStatus::Failed, EBADF, false);
        return;
    }
    if (drain_expired_) {
        finish_transmit(*slot, IoStatus::Cancelled, 0, false);
        return;
    }
    slot->direct = plan.has_file_parts();
    pump(*slot, false);
}

std::uint64_t UringProactor::gather(Slot& slot, bool& more_after) {
    slot.iov.clear();  // capacity is kept: no allocation once a slot has seen its largest run
    std::uint64_t total = 0;
    for (const plan::Part& part : slot.plan->pending()) {
        const auto* memory = std::get_if<plan::MemoryPart>(&part);
        if (memory == nullptr || slot.iov.size() == kMaxIov || total == kMaxChunk) break;
        const std::uint64_t length =
            std::min<std::uint64_t>(memory->bytes.size(), kMaxChunk - total);
        slot.iov.push_back(
            iovec{const_cast<std::byte*>(memory->bytes.data()), static_cast<std::size_t>(length)});
        total += length;
    }
    slot.message = msghdr{};
    slot.message.msg_iov = slot.iov.data();
    slot.message.msg_iovlen = slot.iov.size();
    more_after = slot.plan->pending_bytes() > total;
    return total;
}

void UringProactor::pump(Slot& slot, bool now) {
    plan::TransmitPlan& plan = *slot.plan;
    if (!slot.direct) {
        if (plan.empty()) {
            finish_transmit(slot, IoStatus::Ok, 0, now);
        } else {
            submit_sendmsg(slot, now);
        }
        return;
    }
    while (!plan.empty()) {
        const plan::Part& part = plan.pending().front();
        std::uint64_t asked = 0;
        ssize_t sent = 0;
        if (const auto* file = std::get_if<plan::FilePart>(&part)) {
            // An explicit offset: the shared descriptor's position is never used.
            off_t offset = static_cast<off_t>(file->offset);
            asked = std::min(file->length, kMaxChunk);
            sent = ::sendfile(slot.fd, static_cast<int>(file->file->native()), &offset,
                              static_cast<std::size_t>(asked));
            if (sent == 0) {
                // The file shrank below the planned range: the promised length
                // cannot be delivered.
                finish_transmit(slot, IoStatus::Failed, ENODATA, now);
                return;
            }
        } else {
            bool more = false;
            asked = gather(slot, more);
            sent = ::sendmsg(slot.fd, &slot.message,
                             MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0));
        }
        if (sent < 0) {
            const int error = errno;
            if (error == EINTR) continue;
            if (error == EAGAIN) break;
            finish_transmit(slot, uring::status_for(error), error, now);
            return;
        }
        plan.consume(static_cast<std::uint64_t>(sent));
        slot.sent += static_cast<std::uint64_t>(sent);
        counters_.bytes_sent += static_cast<std::uint64_t>(sent);
        // A short count on a nonblocking socket means its buffer is full:
        // trying again now would only return EAGAIN.
        if (static_cast<std::uint64_t>(sent) < asked) break;
    }
    if (plan.empty()) {
        finish_transmit(slot, IoStatus::Ok, 0, now);
    } else if (!arm_writable(slot)) {
        finish_transmit(slot, IoStatus::NoResources, EBUSY, now);
    }
}

void UringProactor::submit_sendmsg(Slot& slot, bool now) {
    bool more = false;
    gather(slot, more);
    if (!ring_->reserve(2)) {
        finish_transmit(slot, IoStatus::NoResources, EBUSY, now);
        return;
    }
    io_uring_sqe* sqe = ring_->sqe();
    // MSG_WAITALL: io_uring retries partial stream sends itself (io_net_retry).
    // MSG_MORE only when the gather was capped and more memory follows.
    io_uring_prep_sendmsg(sqe, slot.fd, &slot.message,
                          MSG_NOSIGNAL | MSG_WAITALL | (more ? MSG_MORE : 0));
    if (slot.poll_first) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
    sqe->user_data = op_user_data(slot);
    link_deadline(sqe, slot, slot.deadline);
    slot.op = SlotOp::Send;
    ++ops_in_flight_;
}

bool UringProactor::arm_writable(Slot& slot) {
    if (!ring_->reserve(2)) return false;
    io_uring_sqe* sqe = ring_->sqe();
    io_uring_prep_poll_add(sqe, slot.fd, POLLOUT);
    sqe->user_data = op_user_data(slot);
    link_deadline(sqe, slot, slot.deadline);
    slot.op = SlotOp::WaitWritable;
    ++ops_in_flight_;
    return true;
}

void UringProactor::finish_transmit(Slot& slot, IoStatus status, std::int32_t os_error, bool now) {
    ++counters_.transmits;
    bool closed = false;
    if (status == IoStatus::Ok && !slot.cancel_requested && slot.fd >= 0 &&
        slot.plan->disposition == plan::Disposition::Close) {
        // FIN after the last byte; the lingering close owns the socket from here
        // and the slot is the core's again.
        ::shutdown(slot.fd, SHUT_WR);
        start_linger(slot.fd);
        slot.fd = -1;
        closed = true;
    }
    finish(slot, OpKind::Transmit, status, slot.sent, os_error, closed, now);
}

}  // namespace tpserve::platform
