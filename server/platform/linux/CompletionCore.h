#pragma once
// Internal to the Linux backends: the half of a proactor that does not depend
// on how the kernel is asked (io_uring or epoll). Each backend derives from
// CompletionCore<its Slot> (no virtual call: everything here is inline) and
// keeps what is its own: how an op is started, resumed and cancelled, its
// event loop, and the accepts, lingering closes and deadlines on its events.
//
// Here: the slots, the queue of offered slots (and its end at stop), the
// queue of results that wait for the next loop turn, and their delivery.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "conn/Proactor.h"
#include "platform/common/FifoRing.h"
#include "platform/common/OfferQueue.h"
#include "platform/common/OpResult.h"
#include "platform/linux/TransmitPump.h"
#include "platform/linux/UringErrors.h"

namespace tpserve::plan {
class TransmitPlan;
}

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

template <class Slot>
class CompletionCore {
protected:
    using Op = decltype(Slot::op);

    explicit CompletionCore(std::uint32_t capacity)
        : slots_(capacity), offered_(capacity), finished_(capacity) {}

    [[nodiscard]] Slot* slot_for(conn::ConnId conn) noexcept {
        return conn.slot < slots_.size() ? &slots_[conn.slot] : nullptr;
    }

    // Proactor::accept. After stop the offer is dropped: no accept will ever
    // complete it.
    void offer(conn::ConnId into, bool stopping) noexcept {
        Slot* slot = slot_for(into);
        if (slot == nullptr || stopping || offered_.full()) return;
        slot->id = into;
        slot->op = Op::Offered;
        slot->cancel_requested = false;
        offered_.push(into);
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

    // The result an op on `conn` has before it starts, if any: Failed (EBADF)
    // when the slot holds no socket of `conn` (the slot then takes `conn`, so
    // the completion names it), Cancelled once the drain deadline passed.
    [[nodiscard]] static std::optional<OpResult> refusal(Slot& slot, conn::ConnId conn,
                                                         conn::OpKind kind, bool drain_expired) {
        if (slot.id != conn || slot.fd < 0) {
            slot.id = conn;
            return OpResult{.kind = kind, .status = conn::IoStatus::Failed, .os_error = EBADF};
        }
        if (drain_expired) return OpResult{.kind = kind, .status = conn::IoStatus::Cancelled};
        return std::nullopt;
    }

    // Proactor::close on a slot whose result is known but not delivered yet:
    // the queued completion reports Cancelled (Proactor.h).
    static void cancel_result(Slot& slot) noexcept { slot.cancel_requested = true; }

    // Records an op's result (the backend has ended its deadline and its
    // bookkeeping) and delivers it now or on the next loop turn.
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

    std::vector<Slot> slots_;
    conn::CompletionSink* sink_ = nullptr;

private:
    void deliver(Slot& slot) {
        const conn::Completion completion =
            make_completion(slot.id, slot.result, slot.cancel_requested, slot.receive_data);
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
