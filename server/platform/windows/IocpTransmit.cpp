// IocpProactor: sending a TransmitPlan with TransmitPackets, TransmitFile or
// WSASend (SendTranslation.h), one call at a time, continued from run.
#include "plan/TransmitPlan.h"
#include "platform/windows/IocpErrors.h"
#include "platform/windows/IocpProactor.h"
#include "platform/windows/PlanRangeCheck.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using iocp::Slot;
using iocp::SlotState;

namespace {

constexpr DWORD kReuseFlags = TF_DISCONNECT | TF_REUSE_SOCKET;

// 0 when the call is pending or completed (queued either way), else the error.
int pending_or_error(bool ok) noexcept {
    if (ok) return 0;
    const int error = ::WSAGetLastError();
    return error == WSA_IO_PENDING ? 0 : error;
}

}  // namespace

void IocpProactor::transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) {
    Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->state == SlotState::Busy || slot->state == SlotState::Offered) {
        return;  // contract: one op at a time
    }
    slot->plan = &plan;
    slot->sent = 0;
    if (slot->id != conn || slot->socket == INVALID_SOCKET) {
        slot->id = conn;
        begin_op(*slot, OpKind::Transmit, conn::Deadline::max());
        post_result(*slot, IoStatus::Failed, WSAENOTSOCK);
        return;
    }
    begin_op(*slot, OpKind::Transmit, deadline);
    if (drain_expired_) {
        post_result(*slot, IoStatus::Cancelled, 0);
        return;
    }
    // Windows refuses a range past the end of the file and Wine sends it
    // short; either would break the response's framing.
    if (!plan_ranges_valid(plan)) {
        post_result(*slot, IoStatus::Failed, WSAEINVAL);
        return;
    }
    if (plan.empty()) {
        post_result(*slot, IoStatus::Ok, 0);  // a bare Close: finished from run
        return;
    }
    const int error = issue_transmit(*slot);
    if (error != 0) post_result(*slot, iocp::status_for(error), error);
}

int IocpProactor::issue_transmit(Slot& slot) {
    plan::TransmitPlan& plan = *slot.plan;
    iocp::ConnOp& op = slot.op;
    op.clear();
    const bool closing = plan.disposition == plan::Disposition::Close && options_.strategy.reuse;
    std::uint64_t bytes = 0;
    if (options_.strategy.transmit_packets && plan.has_file_parts()) {
        // (a) the whole plan (up to the element and byte limits) in one call.
        const std::size_t count = build_packets(plan, op.packets, bytes);
        slot.reuse_call = closing && bytes == plan.pending_bytes();
        ++counters_.transmit_packets_calls;
        counts().count_transmit(metrics::TransmitPath::TransmitPackets);
        return pending_or_error(functions_.transmit_packets(slot.socket, op.packets.data(),
                                                            static_cast<DWORD>(count), 0, &op,
                                                            slot.reuse_call ? kReuseFlags : 0));
    }
    const TransmitFileCall call = next_transmit_file(plan);
    if (call.kind == TransmitFileCall::Kind::TransmitFile) {
        // (b) head + one file range (offset in the OVERLAPPED) + tail.
        op.Offset = static_cast<DWORD>(call.offset);
        op.OffsetHigh = static_cast<DWORD>(call.offset >> 32);
        op.file_buffers = call.buffers;
        slot.reuse_call = closing && call.bytes == plan.pending_bytes();
        ++counters_.transmit_file_calls;
        counts().count_transmit(metrics::TransmitPath::TransmitFile);
        return pending_or_error(functions_.transmit_file(
            slot.socket, call.file, call.file_bytes, 0, &op,
            call.has_buffers() ? &op.file_buffers : nullptr, slot.reuse_call ? kReuseFlags : 0));
    }
    // (c) a gather send of the leading memory parts.
    const std::size_t count = build_wsabufs(plan, op.buffers, bytes, call.send_parts);
    slot.reuse_call = false;
    ++counters_.wsasend_calls;
    counts().count_transmit(metrics::TransmitPath::WsaSend);
    return ::WSASend(slot.socket, op.buffers.data(), static_cast<DWORD>(count), nullptr, 0, &op,
                     nullptr) == 0
               ? 0
               : pending_or_error(false);
}

void IocpProactor::on_transmit_completion(Slot& slot, IoStatus status, std::uint64_t bytes,
                                          std::int32_t os_error) {
    if (bytes > 0 && slot.plan != nullptr) {
        const std::uint64_t used = std::min<std::uint64_t>(bytes, slot.plan->pending_bytes());
        slot.plan->consume(used);
        slot.sent += used;
        counters_.bytes_sent += used;
    }
    if (slot.cancelled) {
        finish_transmit(slot, IoStatus::Cancelled, 0);
        return;
    }
    if (slot.timed_out) {
        finish_transmit(slot, IoStatus::TimedOut, os_error != 0 ? os_error : WSAETIMEDOUT);
        return;
    }
    if (status != IoStatus::Ok) {
        finish_transmit(slot, status, os_error);
        return;
    }
    if (!slot.plan->empty()) {
        if (bytes == 0) {
            // No progress (a file that shrank under Wine's TransmitFile).
            finish_transmit(slot, IoStatus::Failed, ERROR_HANDLE_EOF);
            return;
        }
        const int error = issue_transmit(slot);
        if (error != 0) finish_transmit(slot, iocp::status_for(error), error);
        return;
    }
    finish_transmit(slot, IoStatus::Ok, 0);
}

void IocpProactor::finish_transmit(Slot& slot, IoStatus status, std::int32_t os_error) {
    bool closed = false;
    if (status == IoStatus::Ok && slot.socket != INVALID_SOCKET && slot.plan != nullptr &&
        slot.plan->disposition == plan::Disposition::Close) {
        if (options_.strategy.reuse && slot.reuse_call) {
            // TF_DISCONNECT | TF_REUSE_SOCKET completed: disconnected and reusable.
            if (accept_pool_.recycle(slot.socket, slot.family)) {
                ++counters_.sockets_reused;
                counts().sockets_reused.add();
            } else {
                ++counters_.sockets_closed;
                counts().sockets_closed.add();
            }
            slot.socket = INVALID_SOCKET;
        } else if (options_.strategy.reuse) {
            // The last call was a WSASend: disconnect for reuse, detached.
            start_linger(slot.socket, slot.family, true);
            slot.socket = INVALID_SOCKET;
        } else {
            // FIN after the last byte; the lingering close owns the socket now.
            ::shutdown(slot.socket, SD_SEND);
            start_linger(slot.socket, slot.family, false);
            slot.socket = INVALID_SOCKET;
        }
        closed = true;
    }
    ++counters_.transmits;
    deliver(slot, {.kind = OpKind::Transmit,
                   .status = status,
                   .bytes = slot.sent,
                   .os_error = os_error,
                   .closed = closed});
}

}  // namespace tpserve::platform
