// UringProactor: translating a TransmitPlan into sends.
//
// Memory-only plans: one IORING_OP_SENDMSG per run of memory parts with
// MSG_WAITALL, so the kernel itself resumes short sends and the whole response
// usually costs one SQE and one CQE.
//
// Plans with file parts: docs/linux-transmit.md measured that what matters is
// one TCP push per response, and that the io_uring splice chain needs blocking
// sockets and parks an io-wq thread per transfer. So TransmitPump (shared with
// the epoll backend) sends the memory before a file range with
// sendmsg(MSG_MORE) and the range with sendfile(2), both called directly on
// this thread on the nonblocking socket ("MSG_MORE + sendfile": the header and
// the first body bytes leave together; never TCP_CORK). A full socket buffer
// arms POLL_ADD(POLLOUT), and sending resumes from the plan's state when the
// socket is writable.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "plan/TransmitPlan.h"
#include "platform/linux/TransmitPump.h"
#include "platform/linux/UringErrors.h"
#include "platform/linux/UringOps.h"
#include "platform/linux/UringProactor.h"
#include "platform/linux/UringRing.h"

namespace tpserve::platform {

using conn::IoStatus;
using uring::Slot;
using uring::SlotOp;

void UringProactor::transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) {
    Slot* slot = start_transmit(conn, plan);
    if (slot == nullptr) return;
    slot->deadline = deadline;
    slot->poll_first = false;
    start_deadline(*slot);
    slot->direct = plan.has_file_parts();
    slot->pump.before_transmit(slot->fd, plan);
    pump(*slot, Delivery::Queued);
}

void UringProactor::pump(Slot& slot, Delivery delivery) {
    if (slot.timed_out) {  // what was sent before the deadline is counted
        finish_transmit(slot, IoStatus::TimedOut, ETIME, delivery);
        return;
    }
    plan::TransmitPlan& plan = *slot.plan;
    if (!slot.direct) {
        if (plan.empty()) {
            finish_transmit(slot, IoStatus::Ok, 0, delivery);
        } else {
            submit_sendmsg(slot, delivery);
        }
        return;
    }
    const TransmitPump::Result result = slot.pump.send(slot.fd, plan);
    slot.sent += result.sent;
    counters_.bytes_sent += result.sent;
    count_sends(counts(), result);
    if (result.status == TransmitPump::Status::Done) {
        finish_transmit(slot, IoStatus::Ok, 0, delivery);
    } else if (result.status == TransmitPump::Status::Error) {
        finish_transmit(slot, uring::status_for(result.error), result.error, delivery);
    } else if (!arm_writable(slot)) {
        finish_transmit(slot, IoStatus::NoResources, EBUSY, delivery);
    }
}

void UringProactor::submit_sendmsg(Slot& slot, Delivery delivery) {
    std::uint64_t bytes = 0;
    bool more = false;
    const msghdr& message = slot.pump.gather(*slot.plan, bytes, more);
    if (!ring_->reserve(1)) {
        finish_transmit(slot, IoStatus::NoResources, EBUSY, delivery);
        return;
    }
    io_uring_sqe* sqe = ring_->sqe();
    // MSG_WAITALL: io_uring retries partial stream sends itself (io_net_retry).
    io_uring_prep_sendmsg(sqe, slot.fd, &message,
                          MSG_NOSIGNAL | MSG_WAITALL | TransmitPump::more_flag(*slot.plan, more));
    if (slot.poll_first) sqe->ioprio |= IORING_RECVSEND_POLL_FIRST;
    sqe->user_data = op_user_data(slot);
    slot.op = SlotOp::Send;
    ++ops_in_flight_;
    counts().count_transmit(metrics::TransmitPath::UringSendmsg);
}

bool UringProactor::arm_writable(Slot& slot) {
    if (!ring_->reserve(1)) return false;
    io_uring_sqe* sqe = ring_->sqe();
    io_uring_prep_poll_add(sqe, slot.fd, POLLOUT);
    sqe->user_data = op_user_data(slot);
    slot.op = SlotOp::WaitWritable;
    ++ops_in_flight_;
    return true;
}

}  // namespace tpserve::platform
