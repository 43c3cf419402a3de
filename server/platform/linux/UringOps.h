#pragma once
// Internal to the io_uring backend: what one connection slot and one lingering
// close keep while an operation is in flight, and how a CQE's user_data names
// them. Everything here is allocated once at create(); steady state only
// rewrites fields.
#include <linux/time_types.h>

#include <cstddef>
#include <cstdint>

#include "conn/Proactor.h"
#include "platform/linux/CompletionCore.h"
#include "platform/linux/TaggedWord.h"

namespace tpserve::platform::uring {

// user_data (TaggedWord.h): the sequence changes with every operation on an
// index, so a CQE that outlives its operation (a link timeout, a cancel) never
// matches a newer one.
enum class Tag : std::uint8_t {
    Conn = 1,     // receive / sendmsg / poll of a connection slot
    LinkTimeout,  // a lingering close's linked deadline: its own CQE carries nothing
    Cancel,       // ASYNC_CANCEL requests: result irrelevant
    Accept,       // index = listener
    Wake,         // eventfd read: stop was requested
    DrainTimer,   // shutdown drain deadline
    Linger,       // index = linger entry
};

enum class SlotOp : std::uint8_t {
    Idle,          // owned by the core (with or without a socket); nothing in flight
    Offered,       // waiting in the accept queue
    Receive,       // IORING_OP_RECV in flight, or POLL_ADD(POLLIN) for a receive-any
    Send,          // IORING_OP_SENDMSG in flight (memory-only plan)
    WaitWritable,  // IORING_OP_POLL_ADD(POLLOUT) in flight (plan with file parts)
    Finished,      // result known, completion queued for the next loop turn
};

struct Slot : SlotBase<SlotOp> {
    bool direct = false;         // plan sent by syscalls on the ring thread
    bool poll_first = false;     // sendmsg met EAGAIN once: poll before retrying
    bool receive_any = false;    // the receive lands in the proactor's memory
    bool select_buffer = false;  // ... as a RECV into a buffer of the BufferRing
    bool ring_empty = false;     // the BufferRing ran dry: this receive polls
    bool timed_out = false;      // the deadline passed: cancelled, not to be resumed
    bool fresh = false;          // accepted, nothing received yet
    conn::Deadline deadline{};
};

// A lingering close (LingerPool.h): a RECV with a linked absolute timeout.
struct Linger {
    int fd = -1;
    std::uint32_t sequence = 0;
    std::uint32_t drained = 0;
    __kernel_timespec timeout{};
};

}  // namespace tpserve::platform::uring
