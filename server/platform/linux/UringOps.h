#pragma once
// Internal to the io_uring backend: what one connection slot and one lingering
// close keep while an operation is in flight, and how a CQE's user_data names
// them. Everything here is allocated once at create(); steady state only
// rewrites fields.
#include <linux/time_types.h>

#include <cstddef>
#include <cstdint>

#include "conn/Proactor.h"
#include "platform/linux/TransmitPump.h"

namespace tpserve::plan {
class TransmitPlan;
}

namespace tpserve::platform::uring {

// user_data = tag (8 bits) | sequence (24 bits) | index (32 bits). The
// sequence changes with every operation on an index, so a CQE that outlives
// its operation (a link timeout, a cancel) never matches a newer one.
enum class Tag : std::uint8_t {
    Conn = 1,     // receive / sendmsg / poll of a connection slot
    LinkTimeout,  // a lingering close's linked deadline: its own CQE carries nothing
    Cancel,       // ASYNC_CANCEL requests: result irrelevant
    Accept,       // index = listener
    Wake,         // eventfd read: stop was requested
    DrainTimer,   // shutdown drain deadline
    Linger,       // index = linger entry
};

inline std::uint64_t encode(Tag tag, std::uint32_t sequence, std::uint32_t index) noexcept {
    return (std::uint64_t{static_cast<std::uint8_t>(tag)} << 56) |
           (std::uint64_t{sequence & 0xFFFFFFu} << 32) | index;
}
inline Tag tag_of(std::uint64_t user_data) noexcept {
    return static_cast<Tag>(user_data >> 56);
}
inline std::uint32_t sequence_of(std::uint64_t user_data) noexcept {
    return static_cast<std::uint32_t>(user_data >> 32) & 0xFFFFFFu;
}
inline std::uint32_t index_of(std::uint64_t user_data) noexcept {
    return static_cast<std::uint32_t>(user_data);
}

enum class SlotOp : std::uint8_t {
    Idle,          // owned by the core (with or without a socket); nothing in flight
    Offered,       // waiting in the accept queue
    Receive,       // IORING_OP_RECV in flight, or POLL_ADD(POLLIN) for a receive-any
    Send,          // IORING_OP_SENDMSG in flight (memory-only plan)
    WaitWritable,  // IORING_OP_POLL_ADD(POLLOUT) in flight (plan with file parts)
    Finished,      // result known, completion queued for the next loop turn
};

struct Slot {
    int fd = -1;
    conn::ConnId id;
    SlotOp op = SlotOp::Idle;
    bool cancel_requested = false;  // close() or shutdown: the op reports Cancelled
    bool direct = false;            // plan sent by syscalls on the ring thread
    bool poll_first = false;        // sendmsg met EAGAIN once: poll before retrying
    bool receive_any = false;       // the receive lands in the proactor's memory
    bool select_buffer = false;     // ... as a RECV into a buffer of the BufferRing
    bool ring_empty = false;        // the BufferRing ran dry: this receive polls
    bool timed_out = false;         // the deadline passed: cancelled, not to be resumed
    bool fresh = false;             // accepted, nothing received yet
    std::uint32_t sequence = 0;

    std::byte* receive_data = nullptr;
    std::size_t receive_size = 0;

    plan::TransmitPlan* plan = nullptr;
    std::uint64_t sent = 0;
    conn::Deadline deadline{};

    // The pump owns the sendmsg msghdr and iovecs, read by the kernel when
    // the SQE is submitted.
    TransmitPump pump;

    // The queued result of a Finished op.
    conn::OpKind result_kind = conn::OpKind::Receive;
    conn::IoStatus result_status = conn::IoStatus::Ok;
    std::uint64_t result_bytes = 0;
    bool result_closed = false;
    std::int32_t result_error = 0;
};

// A socket closed gracefully after a Close plan: it is drained (read and
// discarded) until the client's FIN, so that bytes the client sent after the
// request (pipelined requests) do not make our close send an RST that destroys
// the response in flight. Bounded in time and bytes; never uses a slot.
struct Linger {
    int fd = -1;
    std::uint32_t sequence = 0;
    std::uint32_t drained = 0;
    __kernel_timespec timeout{};
};

}  // namespace tpserve::platform::uring
