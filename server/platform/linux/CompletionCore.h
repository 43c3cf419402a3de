#pragma once
// Internal to the Linux backends: the half of a proactor that does not depend
// on how the kernel is asked (io_uring or epoll). UringProactor and
// EpollProactor derive from CompletionCore<themselves, their Slot, their
// Linger>; the calls back into the backend are static (CRTP), so nothing here
// adds a virtual call, and everything is inline.
//
// Here: the slots and the lingering-close pool, the queue of offered slots
// (and its end at stop), the queue of results that wait for the next loop
// turn and their delivery, accept(), close(), the start and the end of a
// transmit, and when run may return. The backend keeps how an op is started,
// resumed and cancelled, its event loop, accepting, deadlines and lingering
// reads. It provides, to this class (a friend):
//   finish(slot, result, delivery)  ends the op's deadline, then complete()
//   cancel_in_flight(slot)          close() of an op in flight: it completes Cancelled
//   close_socket(fd)                a Close plan's socket that needs no lingering close
//   start_linger(fd), end_lingers() the lingering close (LingerPool.h)
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "conn/Proactor.h"
#include "plan/TransmitPlan.h"
#include "platform/common/FifoRing.h"
#include "platform/common/OfferQueue.h"
#include "platform/common/OpResult.h"
#include "platform/common/ProactorOptions.h"
#include "platform/linux/LingerPool.h"
#include "platform/linux/TransmitPump.h"
#include "platform/linux/UringErrors.h"

namespace tpserve::platform {

// When a result reaches the core.
enum class Delivery : std::uint8_t {
    Now,     // from the loop's own event handling, which may call the sink
    Queued,  // from a Proactor call, which never completes inline: next loop turn
};

// What a connection slot keeps in both backends. `Op` is the backend's enum of
// what is in flight; it names at least Idle (the core's, nothing in flight),
// Offered (waiting in the accept queue) and Finished (result known, its
// completion queued for the next loop turn).
template <class Op>
struct SlotBase {
    int fd = -1;
    conn::ConnId id;
    Op op = Op::Idle;
    bool cancel_requested = false;  // close() or the drain: the op reports Cancelled
    std::uint32_t sequence = 0;

    std::byte* receive_data = nullptr;
    std::size_t receive_size = 0;

    plan::TransmitPlan* plan = nullptr;
    std::uint64_t sent = 0;
    // Owns the iovecs and msghdr of the plan's next memory run.
    TransmitPump pump;

    OpResult result;  // of a Finished op
};

// A receive that got `bytes`, and one that failed with errno `error`.
[[nodiscard]] inline OpResult received(std::uint64_t bytes) noexcept {
    return {.kind = conn::OpKind::Receive, .status = conn::IoStatus::Ok, .bytes = bytes};
}
[[nodiscard]] inline OpResult receive_error(int error) noexcept {
    return {.kind = conn::OpKind::Receive, .status = uring::status_for(error), .os_error = error};
}

template <class Backend, class Slot, class Linger>
class CompletionCore : public conn::Proactor {
public:
    ~CompletionCore() override {
        for (Slot& slot : slots_) {
            if (slot.fd >= 0) ::close(slot.fd);
        }
    }
    CompletionCore(const CompletionCore&) = delete;
    CompletionCore& operator=(const CompletionCore&) = delete;
    CompletionCore(CompletionCore&&) = delete;
    CompletionCore& operator=(CompletionCore&&) = delete;

    // After stop the offer is dropped: no accept will ever complete it.
    void accept(conn::ConnId into) final {
        Slot* slot = slot_for(into);
        if (slot == nullptr || stopping_ || offered_.full()) return;
        slot->id = into;
        slot->op = Op::Offered;
        slot->cancel_requested = false;
        offered_.push(into);
    }

    void close(conn::ConnId conn) final {
        Slot* slot = slot_for(conn);
        if (slot == nullptr || slot->id != conn) return;
        if (slot->op == Op::Offered) return;  // still the backend's; the core cannot close it
        if (slot->op == Op::Finished) {
            slot->cancel_requested = true;  // the queued completion reports Cancelled
        } else if (slot->op != Op::Idle) {
            backend().cancel_in_flight(*slot);
        }
        // An io_uring op in flight holds its own reference to the socket, which
        // dies when the op is cancelled; with epoll, closing the last reference
        // also removes the socket from the set.
        if (slot->fd >= 0) ::close(slot->fd);
        slot->fd = -1;
    }

    // Read on the worker thread (e.g. for the shutdown log after run returns).
    [[nodiscard]] const ProactorCounters& counters() const noexcept { return counters_; }

protected:
    using Op = decltype(Slot::op);

    explicit CompletionCore(std::uint32_t capacity)
        : slots_(capacity),
          lingers_(capacity),
          scratch_(conn::kReceiveAnyBytes),
          offered_(capacity),
          finished_(capacity) {}

    [[nodiscard]] Slot* slot_for(conn::ConnId conn) noexcept {
        return conn.slot < slots_.size() ? &slots_[conn.slot] : nullptr;
    }

    // The oldest offered slot takes the new socket `fd`; only when has_offer().
    Slot& take_offer(int fd) noexcept {
        Slot& slot = slots_[offered_.pop().slot];
        slot.fd = fd;
        slot.op = Op::Idle;
        slot.cancel_requested = false;
        slot.pump.new_socket();
        return slot;
    }
    // The Accept completion of the socket take_offer just gave `slot`, with
    // the addresses the backend knows without a system call (None: the core
    // asks peer_address/local_address when a log line needs them). Counted
    // and delivered at once: accepts complete from the loop's event handling.
    void deliver_accept(const Slot& slot, net::SocketAddress peer, net::SocketAddress local) {
        ++counters_.accepted;
        conn::Completion completion;
        completion.conn = slot.id;
        completion.kind = conn::OpKind::Accept;
        completion.status = conn::IoStatus::Ok;
        completion.peer = peer;
        completion.local = local;
        sink_->on_completion(completion);
    }
    [[nodiscard]] bool has_offer() const noexcept { return !offered_.empty(); }
    [[nodiscard]] conn::ConnId next_offer() const noexcept { return offered_.front(); }

    // At stop: the slots still offered complete as Accept/Cancelled (queued,
    // not inline).
    void cancel_offers() {
        while (!offered_.empty()) {
            Slot& slot = slots_[offered_.pop().slot];
            slot.op = Op::Idle;
            complete(slot, {.kind = conn::OpKind::Accept, .status = conn::IoStatus::Cancelled},
                     Delivery::Queued);
        }
    }

    // The result an op on `conn` has before it starts, if any: Failed
    // (EBADF) when the slot holds no socket of `conn` (the slot then takes
    // `conn`, so the completion names it), Cancelled once the drain deadline
    // passed.
    [[nodiscard]] std::optional<OpResult> refusal(Slot& slot, conn::ConnId conn,
                                                  conn::OpKind kind) const {
        if (slot.id != conn || slot.fd < 0) {
            slot.id = conn;
            return OpResult{.kind = kind, .status = conn::IoStatus::Failed, .os_error = EBADF};
        }
        if (drain_expired_) return OpResult{.kind = kind, .status = conn::IoStatus::Cancelled};
        return std::nullopt;
    }

    // Proactor::transmit's start: the slot that is to send `plan`, or nullptr
    // when there is nothing more to do: a second op on the connection (the
    // contract allows one), or one that ends at once (refusal), queued.
    [[nodiscard]] Slot* start_transmit(conn::ConnId conn, plan::TransmitPlan& plan) {
        Slot* slot = slot_for(conn);
        if (slot == nullptr || slot->op != Op::Idle) return nullptr;
        slot->plan = &plan;
        slot->sent = 0;
        if (const auto refused = refusal(*slot, conn, conn::OpKind::Transmit)) {
            finish_transmit(*slot, refused->status, refused->os_error, Delivery::Queued);
            return nullptr;
        }
        return slot;
    }

    // Ends a transmit. After a Close plan that went well the socket leaves the
    // slot, which is the core's again: FIN after the last byte, then the
    // lingering close owns it; without unread input a plain close sends the
    // same FIN with no drain to wait for.
    void finish_transmit(Slot& slot, conn::IoStatus status, std::int32_t os_error,
                         Delivery delivery) {
        ++counters_.transmits;
        bool closed = false;
        if (status == conn::IoStatus::Ok && !slot.cancel_requested && slot.fd >= 0 &&
            slot.plan != nullptr && slot.plan->disposition == plan::Disposition::Close) {
            if (slot.plan->linger) {
                ::shutdown(slot.fd, SHUT_WR);
                backend().start_linger(slot.fd);
            } else {
                backend().close_socket(slot.fd);
            }
            slot.fd = -1;
            closed = true;
        }
        backend().finish(slot,
                         {.kind = conn::OpKind::Transmit,
                          .status = status,
                          .bytes = slot.sent,
                          .os_error = os_error,
                          .closed = closed},
                         delivery);
    }

    // Records an op's result (the backend's finish has ended its deadline)
    // and delivers it now or on the next loop turn.
    void complete(Slot& slot, const OpResult& result, Delivery delivery) {
        slot.result = result;
        if (delivery == Delivery::Now) {
            deliver(slot);
            return;
        }
        slot.op = Op::Finished;
        finished_.push(slot.id.slot);
    }

    // Only what was queued before this turn: a sink that keeps finishing ops
    // from its callbacks cannot starve the kernel's events.
    void deliver_queued() {
        for (std::size_t n = finished_.size(); n > 0 && !finished_.empty(); --n) {
            Slot& slot = slots_[finished_.pop()];
            if (slot.op == Op::Finished) deliver(slot);
        }
    }
    [[nodiscard]] bool has_queued() const noexcept { return !finished_.empty(); }

    // The drain deadline passed: every op still in flight completes Cancelled
    // (the core then closes its connection), and the lingering closes end.
    void on_drain_expired() {
        drain_expired_ = true;
        this->counts().count_deadline(metrics::DeadlineKind::Drain);
        for (Slot& slot : slots_) {
            const bool in_flight =
                slot.op != Op::Idle && slot.op != Op::Offered && slot.op != Op::Finished;
            if (in_flight && !slot.cancel_requested) backend().cancel_in_flight(slot);
        }
        backend().end_lingers();
    }

    // Each loop turn once stopping: the lingering closes end once the sink is
    // idle (or the drain deadline passed); true when `run` may return.
    [[nodiscard]] bool stopped() {
        if ((drain_expired_ || sink_->idle()) && !lingers_.ending()) backend().end_lingers();
        return (drain_expired_ || sink_->idle()) && ops_in_flight_ == 0 && !has_queued() &&
               lingers_.in_flight == 0;
    }

    std::vector<Slot> slots_;
    LingerPool<Linger> lingers_;
    std::vector<std::byte> scratch_;  // receive-any bytes, valid while they are delivered
    conn::CompletionSink* sink_ = nullptr;
    ProactorCounters counters_;
    std::uint32_t ops_in_flight_ = 0;
    bool stopping_ = false;
    bool drain_expired_ = false;

private:
    Backend& backend() noexcept { return static_cast<Backend&>(*this); }

    void deliver(Slot& slot) {
        const conn::Completion completion = make_completion(
            slot.id, slot.cancel_requested ? as_cancelled(slot.result) : slot.result,
            slot.receive_data);
        // The sink may start the next op on this slot from inside the call.
        slot.op = Op::Idle;
        slot.cancel_requested = false;
        slot.plan = nullptr;
        sink_->on_completion(completion);
    }

    OfferQueue offered_;
    FifoRing<std::uint32_t> finished_;  // slots with a queued completion
};

}  // namespace tpserve::platform
