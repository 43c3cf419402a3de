// IocpProactor: accepting connections, and shutdown (stop, drain).
#include "platform/windows/IocpErrors.h"
#include "platform/windows/IocpProactor.h"
#include "platform/windows/PeerAddress.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using iocp::Slot;
using iocp::SlotState;

namespace {

// A failed AcceptEx post (out of sockets or memory) is retried this much later.
constexpr std::chrono::milliseconds kAcceptRetry{100};

}  // namespace

void IocpProactor::accept(conn::ConnId into) {
    Slot* slot = slot_for(into);
    // After stop the offer is dropped: no accept will ever complete it.
    if (slot == nullptr || stopping_ || slot->state == SlotState::Busy ||
        slot->state == SlotState::Offered || offered_.full()) {
        return;
    }
    close_socket(slot->socket);  // an Open slot offered again: the core let it go
    slot->id = into;
    slot->state = SlotState::Offered;
    slot->peer_closed = false;
    offered_.push(into);
}

void IocpProactor::on_accept_completion(std::uint32_t index) {
    iocp::AcceptOp& op = accept_pool_.completed(index);
    const int error = iocp::completion_error(INVALID_SOCKET, op);
    if (error != 0 || stopping_) {
        // Cancelled at stop, or a client gone before the accept finished:
        // the socket is not reused (its state is unknown).
        if (stopping_) {
            if (error == 0) ++counters_.dropped;
            close_socket(op.socket);
            return;
        }
        if (!accept_pool_.repost(op)) {
            timers_.schedule(accept_retry_timer(), conn::Clock::now() + kAcceptRetry);
        }
        return;
    }
    SOCKET socket = op.socket;
    op.socket = INVALID_SOCKET;
    const int family = op.family;
    // Without it getpeername, shutdown and DisconnectEx fail on the socket.
    const int update_error = accept_pool_.hub().update_accept_context(op.listener, socket);
    sockaddr* local = nullptr;
    sockaddr* remote = nullptr;
    int local_length = 0;
    int remote_length = 0;
    functions_.get_accept_ex_sockaddrs(op.addresses.data(), 0, iocp::kAddressLength,
                                       iocp::kAddressLength, &local, &local_length, &remote,
                                       &remote_length);
    const net::SocketAddress client = socket_address(remote, remote_length);
    const net::SocketAddress server = socket_address(local, local_length);
    if (!accept_pool_.repost(op)) {
        timers_.schedule(accept_retry_timer(), conn::Clock::now() + kAcceptRetry);
    }
    if (update_error != 0 || offered_.empty()) {
        close_socket(socket);
        ++counters_.dropped;
        return;
    }
    const BOOL one = TRUE;
    (void)::setsockopt(socket, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one),
                       sizeof one);
    const conn::ConnId id = offered_.pop();
    Slot& slot = slots_[id.slot];
    slot.socket = socket;
    slot.family = family;
    slot.peer_closed = false;
    slot.state = SlotState::Open;
    ++counters_.accepted;
    conn::Completion completion;
    completion.conn = id;
    completion.kind = OpKind::Accept;
    completion.status = IoStatus::Ok;
    completion.peer = client;
    completion.local = server;
    sink_->on_completion(completion);
}

void IocpProactor::begin_stop() {
    stopping_ = true;
    // Every worker's pending AcceptEx completes now (forwarded back to its
    // owner); the first worker to stop closes the listeners for all.
    accept_pool_.hub().close_listeners();
    accept_pool_.close_idle();
    timers_.cancel(accept_retry_timer());
    sink_->on_stop();
    // Slots offered before the stop complete as Cancelled (queued, not inline).
    while (!offered_.empty()) {
        const conn::ConnId id = offered_.pop();
        Slot& slot = slots_[id.slot];
        slot.id = id;
        begin_op(slot, OpKind::Accept, conn::Deadline::max());
        post_result(slot, IoStatus::Cancelled, 0);
    }
    timers_.schedule(drain_timer(), conn::Clock::now() + options_.drain_timeout);
}

void IocpProactor::on_drain_expired() {
    drain_expired_ = true;
    counts().count_deadline(metrics::DeadlineKind::Drain);
    for (Slot& slot : slots_) {
        // Completes Cancelled; the core then closes the connection.
        if (slot.state == SlotState::Busy && !slot.cancelled) {
            slot.cancelled = true;
            if (slot.socket != INVALID_SOCKET) {
                ::CancelIoEx(reinterpret_cast<HANDLE>(slot.socket), &slot.op);
            }
        }
    }
    end_lingers();
}

}  // namespace tpserve::platform
