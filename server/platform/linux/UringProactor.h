#pragma once
// The io_uring completion engine for one worker thread (Linux).
//
// Threading: create() may run anywhere; after that the object is used from
// one thread only — `run` and every Proactor call happen on the worker thread,
// and completions are delivered from `run` on that thread.
//
// Strategy (docs/linux-transmit.md):
//  * accepts: multishot IORING_OP_ACCEPT per listener (single-shot, re-armed,
//    where the kernel refuses multishot). A new socket goes to the oldest
//    offered slot; with none offered it is closed at once and counted.
//  * receive: IORING_OP_RECV into the caller's buffer; a receive-any (empty
//    span) selects a buffer of a provided-buffer ring, or polls when it is dry.
//  * deadlines: in user space, an indexed min-heap per worker; the loop waits
//    at most until the nearest one, and an op that outlives its deadline is
//    cancelled (IORING_OP_ASYNC_CANCEL) and completes TimedOut. No timeout SQE
//    per op: a linked timeout costs an SQE, a CQE and an hrtimer each time.
//  * transmit, memory only ("gathered send"): one IORING_OP_SENDMSG
//    (MSG_WAITALL, the kernel resumes short sends) per memory run, iovecs and
//    msghdr kept in the slot.
//  * transmit with file parts ("MSG_MORE + sendfile"): the memory before a
//    file range goes by sendmsg(MSG_MORE) and the range by sendfile(2), both
//    called directly on this thread on the nonblocking socket, so header and
//    body leave as one TCP push and no io-wq thread is used; when the socket
//    is full an IORING_OP_POLL_ADD(POLLOUT) resumes it.
//  * a Close plan ends with shutdown(SHUT_WR); the socket then drains in a
//    bounded lingering close (≤ 2 s, ≤ 64 KiB) that does not hold the slot.
//
// Shutdown, once `stop` is requested: the accepts are cancelled and the
// listeners closed; the sink's on_stop() is called once; slots offered before
// then complete as Accept/Cancelled (slots offered later are dropped without a
// completion). `run` returns when the sink is idle, or after `drain_timeout`,
// when every op still in flight is cancelled (Cancelled completions) — in both
// cases only once no op is in flight; lingering closes are cut short then.
//
// The process must ignore SIGPIPE (SignalWatcher does; create() also sets it):
// sendfile(2) has no MSG_NOSIGNAL.
#include <linux/time_types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conn/DeadlineHeap.h"
#include "conn/Proactor.h"
#include "platform/common/ProactorOptions.h"
#include "platform/linux/CompletionCore.h"
#include "platform/linux/Fd.h"
#include "platform/linux/UringOps.h"

struct io_uring_sqe;

namespace tpserve::platform {

namespace uring {
class BufferRing;
class Ring;
}  // namespace uring

using UringOptions = ProactorOptions;
using UringCounters = ProactorCounters;

class UringProactor final : public CompletionCore<UringProactor, uring::Slot, uring::Linger> {
public:
    // Takes ownership of this worker's listening sockets. Returns nullptr with
    // `error` text and `error_errno` (positive errno, e.g. EPERM/ENOSYS when
    // io_uring is refused) if the ring cannot be set up.
    static std::unique_ptr<UringProactor> create(std::vector<UniqueFd> listeners,
                                                 const UringOptions& options, std::string& error,
                                                 int& error_errno);
    // Tears the ring down before the buffers the kernel may still point into.
    ~UringProactor() override;
    UringProactor(const UringProactor&) = delete;
    UringProactor& operator=(const UringProactor&) = delete;
    UringProactor(UringProactor&&) = delete;
    UringProactor& operator=(UringProactor&&) = delete;

    // accept, close and counters: CompletionCore.
    void receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) override;
    void transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) override;
    [[nodiscard]] net::SocketAddress peer_address(conn::ConnId conn) override;
    [[nodiscard]] net::SocketAddress local_address(conn::ConnId conn) override;
    void run(conn::CompletionSink& sink, std::stop_token stop) override;

    // False once the kernel refused multishot accept and single-shot is in use.
    [[nodiscard]] bool multishot_accept() const noexcept { return multishot_accept_; }

private:
    struct Key {
        explicit Key() = default;
    };

public:
    UringProactor(Key, std::unique_ptr<uring::Ring> ring, std::vector<UniqueFd> listeners,
                  const UringOptions& options);

private:
    friend CompletionCore;

    struct Listener {
        UniqueFd fd;
        bool armed = false;
        net::SocketAddress local;  // fixed_local_address: None means getsockname on request
    };

    // UringProactor.cpp: loop, receive, close, completions.
    // UringAccept.cpp: accepts, stop and drain.
    void handle_cqe(std::uint64_t user_data, std::int32_t res, std::uint32_t flags);
    void arm_accept(std::uint32_t listener);
    void on_accept(std::uint32_t listener, std::int32_t res, std::uint32_t flags);
    void on_conn_cqe(uring::Slot& slot, std::int32_t res, std::uint32_t flags);
    void on_selected_receive(uring::Slot& slot, std::int32_t res, std::uint32_t flags);
    void submit_receive(uring::Slot& slot, Delivery delivery);
    void receive_now(uring::Slot& slot);
    // IORING_OP_CLOSE with the next submission: no system call of its own.
    void close_socket(int fd);
    void begin_stop();
    // IORING_OP_ASYNC_CANCEL: the op completes Cancelled.
    void cancel_in_flight(uring::Slot& slot);
    void arm_wake();
    static std::uint64_t op_user_data(uring::Slot& slot);
    // Starts the op's deadline (none when infinite); finish() ends it.
    void start_deadline(uring::Slot& slot);
    // Cancels the ops whose deadline is ≤ now: they complete TimedOut.
    void expire_deadlines(conn::Deadline now);
    // Cancels the expired ops, submits what is queued and waits for a CQE, at
    // most until the nearest deadline (not at all when `block` is false).
    void submit_and_wait(bool block);
    // Ends the op's deadline and records its result (CompletionCore::complete):
    // Delivery::Now only from CQE handling in run.
    void finish(uring::Slot& slot, const OpResult& result, Delivery delivery);

    // UringTransmit.cpp: plan → sendmsg SQE / direct sendmsg + sendfile.
    void pump(uring::Slot& slot, Delivery delivery);
    void submit_sendmsg(uring::Slot& slot, Delivery delivery);
    [[nodiscard]] bool arm_writable(uring::Slot& slot);

    // UringLinger.cpp: bounded lingering close.
    void start_linger(int fd);
    void arm_linger(std::uint32_t index);
    void on_linger(std::uint32_t index, std::uint32_t sequence, std::int32_t res);
    void end_lingers();

    std::unique_ptr<uring::Ring> ring_;
    UringOptions options_;
    std::vector<Listener> listeners_;
    conn::DeadlineHeap deadlines_;  // by slot index
    // Receive-any buffers the kernel picks (after ring_: freed after its teardown).
    std::unique_ptr<uring::BufferRing> buffer_ring_;

    UniqueFd wake_fd_;
    std::uint64_t wake_value_ = 0;
    __kernel_timespec drain_timeout_{};
    bool multishot_accept_ = true;
};

}  // namespace tpserve::platform
