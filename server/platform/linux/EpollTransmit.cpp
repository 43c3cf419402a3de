// EpollProactor: sending a TransmitPlan (TransmitPump), resumed on EPOLLOUT.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "plan/TransmitPlan.h"
#include "platform/linux/EpollOps.h"
#include "platform/linux/EpollProactor.h"
#include "platform/linux/UringErrors.h"

namespace tpserve::platform {

using epoll::Slot;

void EpollProactor::transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) {
    Slot* slot = start_transmit(conn, plan);
    if (slot == nullptr) return;
    slot->pump.before_transmit(slot->fd, plan);
    slot->op = epoll::SlotOp::Transmit;
    start_op(*slot, deadline);
}

void EpollProactor::pump(Slot& slot) {
    const TransmitPump::Result result = slot.pump.send(slot.fd, *slot.plan);
    slot.sent += result.sent;
    counters_.bytes_sent += result.sent;
    count_sends(counts(), result);
    switch (result.status) {
        case TransmitPump::Status::Done:
            finish_transmit(slot, conn::IoStatus::Ok, 0, Delivery::Now);
            return;
        case TransmitPump::Status::WouldBlock:
            slot.writable = false;  // EPOLLOUT resumes it
            return;
        case TransmitPump::Status::Error:
            finish_transmit(slot, uring::status_for(result.error), result.error, Delivery::Now);
            return;
    }
}

}  // namespace tpserve::platform
