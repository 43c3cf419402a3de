#pragma once
// Sends a TransmitPlan on a nonblocking socket by direct syscalls on the
// calling thread, shared by the Linux backends (docs/linux-transmit.md has the
// strategies measured and why these two won):
//  * "gathered send": a run of memory parts goes by one sendmsg with iovecs
//    (≤ IOV_MAX);
//  * "MSG_MORE + sendfile": the memory before a file range is sent with
//    MSG_MORE and the range by sendfile(2) with an explicit offset, so the
//    header and the first body bytes leave as one TCP push — never the header
//    as its own segment, and no TCP_CORK.
// What was sent is `consume`d from the plan, so a later call resumes where
// this one stopped.
//
// One pump per connection slot; its iovec array grows to the largest memory
// run seen and is then reused, so steady state does not allocate. Not
// thread-safe; the process must ignore SIGPIPE (sendfile has no MSG_NOSIGNAL).
#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <vector>

#include "metrics/WorkerMetrics.h"

namespace tpserve::plan {
class TransmitPlan;
}

namespace tpserve::platform {

class TransmitPump {
public:
    enum class Status : std::uint8_t {
        Done,        // the plan is empty
        WouldBlock,  // the socket buffer is full: resume when it is writable
        Error,       // `error` says why; ENODATA: a file shrank below its planned range
    };
    struct Result {
        Status status = Status::Done;
        std::uint64_t sent = 0;  // bytes sent (and consumed) by this call
        int error = 0;
        std::uint32_t sendmsg_calls = 0;  // system calls made, for the transmit counters
        std::uint32_t sendfile_calls = 0;
    };

    TransmitPump() { iov_.reserve(8); }

    // Describes the plan's leading run of memory parts (capped at IOV_MAX
    // parts and 1 GiB) in a msghdr owned by the pump, valid until the next
    // gather. `bytes` is its length, `more_after` whether the plan goes on.
    const msghdr& gather(const plan::TransmitPlan& plan, std::uint64_t& bytes, bool& more_after);

    // Sends until the plan is empty, the socket is full, or an error.
    Result send(int fd, plan::TransmitPlan& plan);

    // The send flag for a gathered memory run: MSG_MORE when more of the
    // plan follows, and for the last run of a Close plan too. Its tail is
    // then held until the close (or shutdown) that follows the transmit at
    // once, and the FIN leaves in the same segment as the response's last
    // bytes, as nginx's tcp_nopush gets it: one packet, and one ACK on each
    // side, fewer per `Connection: close`.
    [[nodiscard]] static int more_flag(const plan::TransmitPlan& plan, bool more_after) noexcept;

    // A new connection on this slot.
    void new_socket() noexcept { nodelay_ = false; }
    // Sets TCP_NODELAY once, before the first response that could meet Nagle's
    // delay: one with a file range (several sends) or one the connection
    // outlives. A closing memory-only response skips it — its FIN pushes the
    // tail — which saves a system call per connection on Connection: close.
    void before_transmit(int fd, const plan::TransmitPlan& plan) noexcept;

private:
    std::vector<iovec> iov_;
    msghdr message_{};
    bool nodelay_ = false;
};

// Adds a send's system calls to the worker's transmit counters.
inline void count_sends(metrics::WorkerMetrics& metrics,
                        const TransmitPump::Result& result) noexcept {
    if (result.sendmsg_calls != 0)
        metrics.transmits[static_cast<std::size_t>(metrics::TransmitPath::Sendmsg)].add(
            result.sendmsg_calls);
    if (result.sendfile_calls != 0)
        metrics.transmits[static_cast<std::size_t>(metrics::TransmitPath::Sendfile)].add(
            result.sendfile_calls);
}

}  // namespace tpserve::platform
