#pragma once
// The epoll completion engine for one worker thread (Linux), for hosts that
// refuse io_uring (container seccomp profiles, kernel.io_uring_disabled).
// Same conn::Proactor contract and behaviour as UringProactor.
//
// Threading: create() may run anywhere; after that the object is used from
// one thread only — `run` and every Proactor call happen on the worker thread,
// and completions are delivered from `run` on that thread. The epoll instance
// belongs to this object (one per worker).
//
// Strategy (transmit: docs/linux-transmit.md):
//  * every socket is nonblocking and registered once, edge-triggered
//    (connections: IN|OUT|RDHUP at accept); readiness is cached per slot, so
//    no epoll_ctl per operation.
//  * accepts: the worker's own SO_REUSEPORT listeners, accept4 until EAGAIN.
//    A new socket goes to the oldest offered slot; with none offered it is
//    closed at once and counted.
//  * receive / transmit are only recorded by the call; the syscalls are tried
//    from `run` (same loop turn, after the current callbacks return), so a
//    completion is never delivered inline.
//  * transmit: TransmitPump ("gathered send": sendmsg with iovecs; "MSG_MORE
//    + sendfile" for file ranges), resumed on EPOLLOUT.
//  * deadlines: an indexed min-heap (O(log n), preallocated); epoll_pwait2's
//    timeout is the nearest deadline (epoll_wait in ms where pwait2 is refused).
//  * a Close plan ends with shutdown(SHUT_WR); the socket then drains in a
//    bounded lingering close (≤ 2 s, ≤ 64 KiB) that does not hold the slot.
//
// Shutdown, once `stop` is requested: the listeners are closed; the sink's
// on_stop() is called once; slots offered before then complete as
// Accept/Cancelled (slots offered later are dropped without a completion).
// `run` returns when the sink is idle, or after `drain_timeout`, when every op
// still in flight is cancelled (Cancelled completions) — in both cases only
// once no op is in flight; lingering closes are cut short then.
//
// The process must ignore SIGPIPE (SignalWatcher does; create() also sets it):
// sendfile(2) has no MSG_NOSIGNAL.
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conn/DeadlineHeap.h"
#include "conn/Proactor.h"
#include "platform/common/FifoRing.h"
#include "platform/common/ProactorOptions.h"
#include "platform/linux/CompletionCore.h"
#include "platform/linux/EpollOps.h"
#include "platform/linux/Fd.h"

struct epoll_event;

namespace tpserve::platform {

using EpollOptions = ProactorOptions;
using EpollCounters = ProactorCounters;

class EpollProactor final : public CompletionCore<EpollProactor, epoll::Slot, epoll::Linger> {
public:
    // Takes ownership of this worker's listening sockets (nonblocking). Returns
    // nullptr with `error` text if epoll or the eventfd cannot be set up.
    static std::unique_ptr<EpollProactor> create(std::vector<UniqueFd> listeners,
                                                 const EpollOptions& options, std::string& error);

    // accept, close and counters: CompletionCore.
    void receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) override;
    void transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) override;
    [[nodiscard]] net::SocketAddress local_address(conn::ConnId conn) override;
    void run(conn::CompletionSink& sink, std::stop_token stop) override;

private:
    struct Key {
        explicit Key() = default;
    };

public:
    EpollProactor(Key, UniqueFd epoll, UniqueFd wake, std::vector<UniqueFd> listeners,
                  const EpollOptions& options);

private:
    friend CompletionCore;

    // EpollProactor.cpp: loop, receive, close, completions.
    void start_op(epoll::Slot& slot, conn::Deadline deadline);
    void queue_attempt(epoll::Slot& slot);
    void attempt_queued();
    void attempt(epoll::Slot& slot);
    void try_receive(epoll::Slot& slot);
    [[nodiscard]] int wait(epoll_event* events, int capacity, bool poll_only);
    void handle_event(std::uint64_t data, std::uint32_t events);
    void expire_timers();
    // Ends the op's deadline and records its result (CompletionCore::complete):
    // Delivery::Now only from run.
    void finish(epoll::Slot& slot, const OpResult& result, Delivery delivery);
    // Completes the op Cancelled on the next turn.
    void cancel_in_flight(epoll::Slot& slot);
    static void close_socket(int fd) { ::close(fd); }

    // EpollAccept.cpp: accepts, stop and drain.
    void accept_ready(std::uint32_t listener);
    bool take_connection(int fd, std::uint32_t listener, const sockaddr_storage& peer);
    void begin_stop();

    // EpollTransmit.cpp: pumping the plan.
    void pump(epoll::Slot& slot);

    // EpollLinger.cpp: bounded lingering close.
    void start_linger(int fd);
    void drain_linger(std::uint32_t index);
    void end_linger(std::uint32_t index);
    void end_lingers();

    // Timer ids in the heap.
    [[nodiscard]] std::uint32_t linger_timer(std::uint32_t index) const noexcept {
        return options_.max_connections + index;
    }
    [[nodiscard]] std::uint32_t drain_timer() const noexcept {
        return 2 * options_.max_connections;
    }
    [[nodiscard]] std::uint32_t accept_retry_timer() const noexcept { return drain_timer() + 1; }

    UniqueFd epoll_;
    UniqueFd wake_fd_;
    EpollOptions options_;
    std::vector<UniqueFd> listeners_;
    std::vector<net::SocketAddress> listener_local_;  // fixed_local_address of each listener
    FifoRing<std::uint32_t> attempts_;                // slots whose op is to be tried in run
    conn::DeadlineHeap timers_;

    bool use_pwait2_ = true;
};

}  // namespace tpserve::platform
