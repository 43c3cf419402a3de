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
// Strategy (see shared/reference/linux-transmit.md, A and B1):
//  * every socket is nonblocking and registered once, edge-triggered
//    (connections: IN|OUT|RDHUP at accept); readiness is cached per slot, so
//    no epoll_ctl per operation.
//  * accepts: the worker's own SO_REUSEPORT listeners, accept4 until EAGAIN.
//    A new socket goes to the oldest offered slot; with none offered it is
//    closed at once and counted.
//  * receive / transmit are only recorded by the call; the syscalls are tried
//    from `run` (same loop turn, after the current callbacks return), so a
//    completion is never delivered inline.
//  * transmit: TransmitPump (sendmsg with iovecs; MSG_MORE + sendfile for
//    file ranges), resumed on EPOLLOUT.
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

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conn/DeadlineHeap.h"
#include "conn/Proactor.h"
#include "platform/linux/Fd.h"

struct epoll_event;

namespace tpserve::platform {

namespace epoll {
struct Slot;
struct Linger;
}  // namespace epoll

struct EpollOptions {
    std::uint32_t max_connections = 4096;  // slots per worker: ConnId.slot < this
    std::chrono::milliseconds drain_timeout{10'000};
};

struct EpollCounters {
    std::uint64_t accepted = 0;
    std::uint64_t dropped = 0;    // accepted while no slot was offered: closed at once
    std::uint64_t transmits = 0;  // transmit completions (any status)
    std::uint64_t bytes_sent = 0;
};

class EpollProactor final : public conn::Proactor {
public:
    // Takes ownership of this worker's listening sockets (nonblocking). Returns
    // nullptr with `error` text if epoll or the eventfd cannot be set up.
    static std::unique_ptr<EpollProactor> create(std::vector<UniqueFd> listeners,
                                                 const EpollOptions& options, std::string& error);
    ~EpollProactor() override;
    EpollProactor(const EpollProactor&) = delete;
    EpollProactor& operator=(const EpollProactor&) = delete;

    void accept(conn::ConnId into) override;
    void receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) override;
    void transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) override;
    void close(conn::ConnId conn) override;
    [[nodiscard]] net::SocketAddress local_address(conn::ConnId conn) override;
    void run(conn::CompletionSink& sink, std::stop_token stop) override;

    // Read on the worker thread (e.g. for the shutdown log after run returns).
    [[nodiscard]] const EpollCounters& counters() const noexcept { return counters_; }

private:
    struct Key {
        explicit Key() = default;
    };

public:
    EpollProactor(Key, UniqueFd epoll, UniqueFd wake, std::vector<UniqueFd> listeners,
                  const EpollOptions& options);

private:
    // EpollProactor.cpp: loop, receive, close, completions.
    [[nodiscard]] epoll::Slot* slot_for(conn::ConnId conn);
    void start_op(epoll::Slot& slot, conn::Deadline deadline);
    void queue_attempt(epoll::Slot& slot);
    void attempt_queued();
    void attempt(epoll::Slot& slot);
    void try_receive(epoll::Slot& slot);
    [[nodiscard]] int wait(epoll_event* events, int capacity, bool poll_only);
    void handle_event(std::uint64_t data, std::uint32_t events);
    void expire_timers();
    // Records an op's result; `now` delivers it (only from run), otherwise it
    // is queued for the next loop turn.
    void finish(epoll::Slot& slot, conn::OpKind kind, conn::IoStatus status, std::uint64_t bytes,
                std::int32_t os_error, bool closed, bool now);
    void deliver(epoll::Slot& slot);
    void deliver_queued();
    [[nodiscard]] bool may_return() const;

    // EpollAccept.cpp: accepts, stop and drain.
    void accept_ready(std::uint32_t listener);
    bool take_connection(int fd, std::uint32_t listener, const sockaddr_storage& peer);
    void begin_stop();
    void on_drain_expired();

    // EpollTransmit.cpp: pumping the plan.
    void pump(epoll::Slot& slot, bool now);
    void finish_transmit(epoll::Slot& slot, conn::IoStatus status, std::int32_t os_error, bool now);

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
    std::vector<epoll::Slot> slots_;
    std::vector<conn::ConnId> offered_;  // FIFO ring buffer of capacity max_connections
    std::size_t offered_head_ = 0;
    std::size_t offered_count_ = 0;
    std::vector<std::uint32_t> finished_;  // slots with a queued completion, FIFO
    std::size_t finished_head_ = 0;
    std::size_t finished_count_ = 0;
    std::vector<std::uint32_t> attempts_;  // slots whose op is to be tried in run, FIFO
    std::size_t attempts_head_ = 0;
    std::size_t attempts_count_ = 0;
    std::vector<epoll::Linger> lingers_;
    std::vector<std::uint32_t> free_lingers_;
    std::vector<std::byte> discard_;  // where lingering reads land (never read)
    std::vector<std::byte> scratch_;  // receive-any bytes, valid while they are delivered
    std::uint32_t lingers_in_flight_ = 0;
    std::uint32_t ops_in_flight_ = 0;
    conn::DeadlineHeap timers_;

    conn::CompletionSink* sink_ = nullptr;
    bool use_pwait2_ = true;
    bool stopping_ = false;
    bool drain_expired_ = false;
    bool ending_lingers_ = false;
    EpollCounters counters_;
};

}  // namespace tpserve::platform
