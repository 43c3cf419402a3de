// EpollProactor: sending a TransmitPlan (TransmitPump), resumed on EPOLLOUT.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "plan/TransmitPlan.h"
#include "platform/linux/EpollOps.h"
#include "platform/linux/EpollProactor.h"
#include "platform/linux/UringErrors.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using epoll::Slot;
using epoll::SlotOp;

void EpollProactor::transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) {
    Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->op != SlotOp::Idle) return;  // contract: one op at a time
    slot->plan = &plan;
    slot->sent = 0;
    if (const auto refused = refusal(*slot, conn, OpKind::Transmit, drain_expired_)) {
        finish_transmit(*slot, refused->status, refused->os_error, Delivery::Queued);
        return;
    }
    slot->pump.before_transmit(slot->fd, plan);
    slot->op = SlotOp::Transmit;
    start_op(*slot, deadline);
}

void EpollProactor::pump(Slot& slot) {
    const TransmitPump::Result result = slot.pump.send(slot.fd, *slot.plan);
    slot.sent += result.sent;
    counters_.bytes_sent += result.sent;
    switch (result.status) {
        case TransmitPump::Status::Done:
            finish_transmit(slot, IoStatus::Ok, 0, Delivery::Now);
            return;
        case TransmitPump::Status::WouldBlock:
            slot.writable = false;  // EPOLLOUT resumes it
            return;
        case TransmitPump::Status::Error:
            finish_transmit(slot, uring::status_for(result.error), result.error, Delivery::Now);
            return;
    }
}

void EpollProactor::finish_transmit(Slot& slot, IoStatus status, std::int32_t os_error,
                                    Delivery delivery) {
    ++counters_.transmits;
    bool closed = false;
    if (status == IoStatus::Ok && slot.fd >= 0 && slot.plan != nullptr &&
        slot.plan->disposition == plan::Disposition::Close) {
        // FIN after the last byte; the lingering close owns the socket from here
        // and the slot is the core's again. Without unread input a plain close
        // sends the same FIN with no drain to wait for.
        if (slot.plan->linger) {
            ::shutdown(slot.fd, SHUT_WR);
            start_linger(slot.fd);
        } else {
            ::close(slot.fd);
        }
        slot.fd = -1;
        closed = true;
    }
    finish(slot,
           {.kind = OpKind::Transmit,
            .status = status,
            .bytes = slot.sent,
            .os_error = os_error,
            .closed = closed},
           delivery);
}

}  // namespace tpserve::platform
