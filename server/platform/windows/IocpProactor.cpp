#include "platform/windows/IocpProactor.h"

#include <algorithm>

#include "log/ErrorLog.h"
#include "plan/TransmitPlan.h"
#include "platform/common/OpResult.h"
#include "platform/windows/IocpErrors.h"
#include "time/TurnClock.h"

namespace tpserve::platform {

using conn::IoStatus;
using conn::OpKind;
using iocp::Slot;
using iocp::SlotState;

namespace {

constexpr ULONG kBatch = 128;
constexpr std::size_t kLingerBytes = 64 * 1024;

}  // namespace

std::unique_ptr<IocpProactor> IocpProactor::create(std::shared_ptr<AcceptHub> hub,
                                                   const ExtensionFunctions& functions,
                                                   const IocpOptions& options, std::string& error) {
    UniqueHandle port(::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1));
    if (!port) {
        error = "CreateIoCompletionPort failed with error " + std::to_string(::GetLastError());
        return nullptr;
    }
    return std::make_unique<IocpProactor>(Key{}, std::move(port), std::move(hub), functions,
                                          options);
}

IocpProactor::IocpProactor(Key, UniqueHandle port, std::shared_ptr<AcceptHub> hub,
                           const ExtensionFunctions& functions, const IocpOptions& options)
    : port_(std::move(port)),
      functions_(functions),
      options_(options),
      accept_pool_(std::move(hub), port_.get(),
                   std::max<std::uint32_t>(options.accepts_per_listener, 1), options.reuse_pool),
      offered_(std::max<std::uint32_t>(options.max_connections, 1)),
      timers_(2 * std::max<std::uint32_t>(options.max_connections, 1) + 2) {
    const std::uint32_t capacity = std::max<std::uint32_t>(options.max_connections, 1);
    options_.max_connections = capacity;
    slots_.reserve(capacity);
    lingers_.reserve(capacity);
    free_lingers_.reserve(capacity);
    for (std::uint32_t i = 0; i < capacity; ++i) {
        slots_.emplace_back(i);
        lingers_.emplace_back(i);
    }
    for (std::uint32_t i = capacity; i-- > 0;)
        free_lingers_.push_back(i);
    discard_.resize(kLingerBytes);
    scratch_.resize(conn::kReceiveAnyBytes);
}

IocpProactor::~IocpProactor() {
    // After run returned nothing is in flight; without run, nothing was started.
    for (Slot& slot : slots_)
        close_socket(slot.socket);
    for (iocp::LingerOp& linger : lingers_)
        close_socket(linger.socket);
}

Slot* IocpProactor::slot_for(conn::ConnId conn) noexcept {
    return conn.slot < slots_.size() ? &slots_[conn.slot] : nullptr;
}

void IocpProactor::close_socket(SOCKET& socket) noexcept {
    if (socket == INVALID_SOCKET) return;
    ::closesocket(socket);
    socket = INVALID_SOCKET;
    ++counters_.sockets_closed;
    counts().sockets_closed.add();
}

void IocpProactor::begin_op(Slot& slot, OpKind kind, conn::Deadline deadline) {
    slot.state = SlotState::Busy;
    slot.kind = kind;
    slot.cancelled = false;
    slot.timed_out = false;
    slot.reuse_call = false;
    ++ops_in_flight_;
    if (deadline != conn::Deadline::max()) timers_.schedule(slot.id.slot, deadline);
}

void IocpProactor::post_result(Slot& slot, IoStatus status, std::int32_t os_error) {
    // The slot is Busy; its completion comes from run like any other.
    slot.posted_status = status;
    slot.posted_error = os_error;
    ::PostQueuedCompletionStatus(port_.get(), 0, iocp::kKeyPosted, &slot.op);
}

void IocpProactor::receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) {
    Slot* slot = slot_for(conn);
    // Contract: one op at a time, and never on an offered slot.
    if (slot == nullptr || slot->state == SlotState::Busy || slot->state == SlotState::Offered) {
        return;
    }
    slot->into = into;
    slot->any = into.empty();
    if (slot->id != conn || slot->socket == INVALID_SOCKET) {
        slot->id = conn;
        begin_op(*slot, OpKind::Receive, conn::Deadline::max());
        post_result(*slot, IoStatus::Failed, WSAENOTSOCK);
        return;
    }
    begin_op(*slot, OpKind::Receive, deadline);
    if (drain_expired_) {
        post_result(*slot, IoStatus::Cancelled, 0);
        return;
    }
    if (const int error = post_receive(*slot); error != 0) {
        post_result(*slot, iocp::status_for(error), error);
    }
}

void IocpProactor::close(conn::ConnId conn) {
    Slot* slot = slot_for(conn);
    if (slot == nullptr || slot->id != conn) return;
    switch (slot->state) {
        case SlotState::Unused:
        case SlotState::Offered:  // still the backend's; the core cannot close it
            return;
        case SlotState::Open:
            if (options_.strategy.reuse && slot->peer_closed && slot->socket != INVALID_SOCKET) {
                // The peer closed first: no TIME_WAIT here, so recycle it.
                start_linger(slot->socket, slot->family, true);
                slot->socket = INVALID_SOCKET;
            } else {
                close_socket(slot->socket);
            }
            slot->state = SlotState::Unused;
            return;
        case SlotState::Busy:
            // The op (or its queued result) completes as Cancelled.
            slot->cancelled = true;
            if (slot->socket != INVALID_SOCKET) {
                ::CancelIoEx(reinterpret_cast<HANDLE>(slot->socket), &slot->op);
                close_socket(slot->socket);
            }
            return;
    }
}

void IocpProactor::run(conn::CompletionSink& sink, std::stop_token stop) {
    sink_ = &sink;
    if (accept_pool_.post_idle() != 0) {
        timers_.schedule(accept_retry_timer(), conn::Clock::now() + std::chrono::milliseconds(100));
    }
    const HANDLE port = port_.get();
    const std::stop_callback wake(
        stop, [port] { ::PostQueuedCompletionStatus(port, 0, iocp::kKeyWake, nullptr); });
    OVERLAPPED_ENTRY entries[kBatch];
    const time::TurnScope turns;
    while (!(stopping_ && may_return())) {
        ULONG count = 0;
        if (!::GetQueuedCompletionStatusEx(port, entries, kBatch, &count, wait_ms(), FALSE)) {
            count = 0;  // WAIT_TIMEOUT: a deadline is due
        }
        const conn::Deadline now = time::TurnClock::begin_turn();
        if (now >= sink.housekeeping_due()) sink.housekeep(now);
        for (ULONG i = 0; i < count; ++i)
            dispatch(entries[i]);
        expire_timers();
    }
    sink_ = nullptr;
    DWORD handles = 0;
    ::GetProcessHandleCount(::GetCurrentProcess(), &handles);
    log::info("iocp worker stopped: " + describe_counters() + "; process handles " +
              std::to_string(handles));
}

void IocpProactor::dispatch(const OVERLAPPED_ENTRY& entry) {
    switch (entry.lpCompletionKey) {
        case iocp::kKeyWake:
            if (!stopping_) begin_stop();
            return;
        case iocp::kKeyForwardedAccept:
            on_accept_completion(static_cast<iocp::Op*>(entry.lpOverlapped)->index);
            return;
        default:
            break;
    }
    if (entry.lpOverlapped == nullptr) return;
    auto* op = static_cast<iocp::Op*>(entry.lpOverlapped);
    const bool posted = entry.lpCompletionKey == iocp::kKeyPosted;
    switch (op->tag) {
        case iocp::OpTag::Conn:
            on_conn_completion(slots_[op->index], entry.dwNumberOfBytesTransferred, posted);
            return;
        case iocp::OpTag::Linger:
            on_linger_completion(lingers_[op->index], entry.dwNumberOfBytesTransferred);
            return;
        case iocp::OpTag::Accept:
            return;  // only ever arrives forwarded
    }
}

void IocpProactor::on_conn_completion(Slot& slot, DWORD bytes, bool posted) {
    IoStatus status = IoStatus::Ok;
    std::int32_t error = 0;
    if (posted) {
        status = slot.posted_status;
        error = slot.posted_error;
    } else {
        error = iocp::completion_error(slot.socket, slot.op);
        status = iocp::status_for(error);
    }
    if (slot.kind == OpKind::Transmit) {
        on_transmit_completion(slot, status, bytes, error);
        return;
    }
    if (slot.kind == OpKind::Accept) {  // an offer cancelled at stop
        deliver(slot, {.kind = OpKind::Accept, .status = IoStatus::Cancelled});
        return;
    }
    // Receive. A result that beat the deadline or the close still counts as
    // cancelled if the close came first: the core has given up on it.
    if (slot.cancelled) {
        status = IoStatus::Cancelled;
        bytes = 0;
    } else if (slot.timed_out && status != IoStatus::Ok) {
        status = IoStatus::TimedOut;
    } else if (status == IoStatus::Ok && slot.any && !posted) {
        complete_receive_any(slot);  // the zero-byte read: the socket is readable
        return;
    } else if (status == IoStatus::Ok && bytes == 0 && !slot.any) {
        status = IoStatus::PeerClosed;
        slot.peer_closed = true;
    }
    deliver(slot, {.kind = OpKind::Receive,
                   .status = status,
                   .bytes = bytes,
                   .os_error = status == IoStatus::Ok ? 0 : error});
}

void IocpProactor::deliver(Slot& slot, const OpResult& result) {
    timers_.cancel(slot.id.slot);
    --ops_in_flight_;
    // A close() before the result was handled has already made it Cancelled
    // (on_conn_completion, on_transmit_completion). An empty-span receive's
    // bytes are in the scratch, valid for this call only.
    const conn::Completion completion =
        make_completion(slot.id, result, slot.any ? scratch_.data() : slot.into.data());
    // Without a socket (cancelled offer, Close plan, close()) the slot is the
    // core's to offer again; with one, the connection goes on.
    slot.state = slot.socket == INVALID_SOCKET ? SlotState::Unused : SlotState::Open;
    slot.plan = nullptr;
    sink_->on_completion(completion);
}

void IocpProactor::expire_timers() {
    if (timers_.empty()) return;
    const conn::Deadline now = time::TurnClock::now();
    for (std::uint32_t id = timers_.pop_due(now); id != conn::DeadlineHeap::npos;
         id = timers_.pop_due(now)) {
        if (id < slots_.size()) {
            Slot& slot = slots_[id];
            if (slot.state != SlotState::Busy || slot.cancelled) continue;
            ++counters_.deadlines_fired;
            slot.timed_out = true;
            // If the op already finished, its result is queued and wins.
            if (slot.socket != INVALID_SOCKET) {
                ::CancelIoEx(reinterpret_cast<HANDLE>(slot.socket), &slot.op);
            }
        } else if (id < drain_timer()) {
            expire_linger(id - options_.max_connections);
        } else if (id == drain_timer()) {
            on_drain_expired();
        } else if (!stopping_ && accept_pool_.post_idle() != 0) {
            timers_.schedule(accept_retry_timer(),
                             conn::Clock::now() + std::chrono::milliseconds(100));
        }
    }
}

DWORD IocpProactor::wait_ms() const {
    conn::Deadline next = sink_->housekeeping_due();
    if (!timers_.empty()) next = std::min(next, timers_.next());
    if (next == conn::Deadline::max()) return INFINITE;
    const auto left = next - conn::Clock::now();
    if (left <= conn::Clock::duration::zero()) return 0;
    // Rounded up: waking early would only spin until the deadline.
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
    return static_cast<DWORD>(std::min<long long>(ms, INFINITE - 1));
}

bool IocpProactor::may_return() const {
    return (drain_expired_ || sink_->idle()) && ops_in_flight_ == 0 && lingers_in_flight_ == 0 &&
           accept_pool_.outstanding() == 0;
}

std::string IocpProactor::describe_counters() const {
    const AcceptCounters& a = accept_pool_.counters();
    return "accepted " + std::to_string(counters_.accepted) + ", dropped " +
           std::to_string(counters_.dropped) + ", transmits " +
           std::to_string(counters_.transmits) + " (TransmitPackets calls " +
           std::to_string(counters_.transmit_packets_calls) + ", TransmitFile calls " +
           std::to_string(counters_.transmit_file_calls) + ", WSASend calls " +
           std::to_string(counters_.wsasend_calls) + "), bytes sent " +
           std::to_string(counters_.bytes_sent) + ", deadlines fired " +
           std::to_string(counters_.deadlines_fired) + ", lingering closes " +
           std::to_string(counters_.lingers) + ", sockets closed " +
           std::to_string(counters_.sockets_closed + a.closed_sockets) + ", sockets reused " +
           std::to_string(counters_.sockets_reused) + ", zero-byte reads delivered " +
           std::to_string(counters_.receive_any_reads) + " (re-armed " +
           std::to_string(counters_.receive_any_rearms) + "), AcceptEx posted " +
           std::to_string(a.posted) + " (pool " + std::to_string(accept_pool_.size()) +
           ", outstanding " + std::to_string(accept_pool_.outstanding()) + ", post failures " +
           std::to_string(a.post_failures) + ", fresh sockets " + std::to_string(a.fresh_sockets) +
           ", recycled sockets taken " + std::to_string(a.reused_sockets) + ")";
}

}  // namespace tpserve::platform
