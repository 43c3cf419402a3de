#pragma once
// The I/O completion port engine for one worker thread (Windows), with the
// same conn::Proactor contract and behaviour as the Linux backends
// (docs/windows-iocp.md, option A).
//
// Threading: create() may run anywhere; after that the object is used from
// one thread only — `run` and every Proactor call happen on the worker thread,
// and completions are delivered from `run` on that thread. The completion
// port belongs to this object (one per worker) and only `run` drains it
// (GetQueuedCompletionStatusEx, in batches).
//
// Strategy:
//  * every op derives from OVERLAPPED (IocpOps.h); the port keeps its default
//    behaviour, so even a call that succeeds at once completes through the
//    port, and a call refused at once is posted to the port by the proactor
//    (PostQueuedCompletionStatus): completions are never delivered inline.
//  * accepts: AcceptorPool keeps `accepts_per_listener` AcceptEx pending per
//    listener; the AcceptHub's thread forwards their completions here. A new
//    connection gets SO_UPDATE_ACCEPT_CONTEXT and TCP_NODELAY, and goes to the
//    oldest offered slot; with none offered it is closed at once and counted.
//  * receive: WSARecv into the caller's span. With an empty span (an idle
//    keep-alive connection, which holds no buffer) a zero-byte WSARecv waits
//    until the socket is readable without pinning any memory; its completion
//    then reads what is queued (≤ conn::kReceiveAnyBytes, never blocking:
//    FIONREAD, or a zero-timeout select for FIN / errors) into the one scratch
//    buffer of this proactor, and delivers at once, so no other slot can
//    overwrite it before the sink has seen it. A spurious wake re-posts the
//    zero-byte read (IocpReceive.cpp). The socket mode is never changed, so
//    TransmitFile, DisconnectEx(TF_REUSE_SOCKET) and AcceptEx reuse are unaffected.
//  * transmit: after plan_ranges_valid, TransmitPackets (where the provider has
//    it) or TransmitFile head/file/tail chained with WSASend, and WSASend for
//    memory-only plans (SendTranslation.h); each completion `consume`s the
//    plan and the next call is made until it is empty, then one completion.
//  * deadlines: an indexed min-heap; GQCSEx waits until the nearest one;
//    expiry cancels the op (CancelIoEx) and it completes with TimedOut.
//  * a Close plan ends with shutdown(SD_SEND) and a bounded lingering close
//    (read and discard ≤ 64 KiB until EOF, ≤ 2 s) that does not hold the slot;
//    with socket reuse (IocpStrategy.h), TF_DISCONNECT | TF_REUSE_SOCKET on
//    the last call (or DisconnectEx after a final WSASend), and a keep-alive
//    socket closed after the peer's FIN is recycled with DisconnectEx; both
//    bounded by a deadline (then CancelIoEx + closesocket).
//  * close(): abortive (CancelIoEx + closesocket); an op in flight completes
//    with Cancelled.
//
// Shutdown, once `stop` is requested (a stop_callback wakes the port): the
// hub's listeners are closed (for every worker); the sink's on_stop() is
// called once; slots offered before then complete as Accept/Cancelled (later
// offers are dropped). `run` returns when the sink is idle, or after
// `drain_timeout`, when every op still in flight is cancelled — in both cases
// only once no op, AcceptEx or lingering close of this worker is in flight.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conn/DeadlineHeap.h"
#include "conn/Proactor.h"
#include "platform/common/OfferQueue.h"
#include "platform/common/OpResult.h"
#include "platform/windows/AcceptorPool.h"
#include "platform/windows/ExtensionFunctions.h"
#include "platform/windows/IocpOps.h"
#include "platform/windows/IocpStrategy.h"
#include "platform/windows/UniqueHandle.h"

namespace tpserve::platform {

struct IocpOptions {
    std::uint32_t max_connections = 4096;  // slots per worker: ConnId.slot < this
    std::chrono::milliseconds drain_timeout{10'000};
    std::uint32_t accepts_per_listener = 16;              // AcceptEx kept pending per listener
    std::uint32_t reuse_pool = 256;                       // recycled sockets kept per family
    std::chrono::milliseconds disconnect_timeout{2'000};  // a recycling disconnect
    IocpStrategy strategy;
};

struct IocpCounters {
    std::uint64_t accepted = 0;
    std::uint64_t dropped = 0;    // accepted while no slot was offered: closed at once
    std::uint64_t transmits = 0;  // transmit completions (any status)
    std::uint64_t bytes_sent = 0;
    std::uint64_t transmit_packets_calls = 0;
    std::uint64_t transmit_file_calls = 0;
    std::uint64_t wsasend_calls = 0;
    std::uint64_t deadlines_fired = 0;
    std::uint64_t sockets_closed = 0;      // connection sockets closed (abortive or after a linger)
    std::uint64_t sockets_reused = 0;      // recycled into the AcceptEx pool
    std::uint64_t lingers = 0;             // lingering closes started
    std::uint64_t receive_any_reads = 0;   // empty-span receives that read into the scratch
    std::uint64_t receive_any_rearms = 0;  // zero-byte reads re-posted after a spurious wake
};

class IocpProactor final : public conn::Proactor {
public:
    // Creates the worker's completion port and AcceptEx pool (posted when
    // `run` starts). Returns nullptr with `error` text on failure.
    static std::unique_ptr<IocpProactor> create(std::shared_ptr<AcceptHub> hub,
                                                const ExtensionFunctions& functions,
                                                const IocpOptions& options, std::string& error);
    ~IocpProactor() override;
    IocpProactor(const IocpProactor&) = delete;
    IocpProactor& operator=(const IocpProactor&) = delete;

    void accept(conn::ConnId into) override;
    void receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) override;
    void transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) override;
    void close(conn::ConnId conn) override;
    void run(conn::CompletionSink& sink, std::stop_token stop) override;

    // Read on the worker thread (e.g. after run returned).
    [[nodiscard]] const IocpCounters& counters() const noexcept { return counters_; }
    [[nodiscard]] const AcceptorPool& acceptor() const noexcept { return accept_pool_; }
    // One line of counters for the shutdown log.
    [[nodiscard]] std::string describe_counters() const;

private:
    struct Key {
        explicit Key() = default;
    };

public:
    IocpProactor(Key, UniqueHandle port, std::shared_ptr<AcceptHub> hub,
                 const ExtensionFunctions& functions, const IocpOptions& options);

private:
    // IocpProactor.cpp: loop, receive, close, delivery.
    [[nodiscard]] iocp::Slot* slot_for(conn::ConnId conn) noexcept;
    void begin_op(iocp::Slot& slot, conn::OpKind kind, conn::Deadline deadline);
    void post_result(iocp::Slot& slot, conn::IoStatus status, std::int32_t os_error);
    void dispatch(const OVERLAPPED_ENTRY& entry);
    void on_conn_completion(iocp::Slot& slot, DWORD bytes, bool posted);
    // Ends the op on `slot` with `result` (its kind is the op's) and calls the sink.
    void deliver(iocp::Slot& slot, const OpResult& result);
    void close_socket(SOCKET& socket) noexcept;

    // IocpReceive.cpp: posting a receive, and the empty-span (zero-byte) path.
    [[nodiscard]] int post_receive(iocp::Slot& slot);
    void complete_receive_any(iocp::Slot& slot);
    void expire_timers();
    [[nodiscard]] DWORD wait_ms() const;
    [[nodiscard]] bool may_return() const;

    // IocpAccept.cpp: accepts, stop and drain.
    void on_accept_completion(std::uint32_t index);
    void begin_stop();
    void on_drain_expired();

    // IocpTransmit.cpp: the send strategies.
    [[nodiscard]] int issue_transmit(iocp::Slot& slot);
    void on_transmit_completion(iocp::Slot& slot, conn::IoStatus status, std::uint64_t bytes,
                                std::int32_t os_error);
    void finish_transmit(iocp::Slot& slot, conn::IoStatus status, std::int32_t os_error);

    // IocpLinger.cpp: lingering close / recycling disconnect.
    void start_linger(SOCKET socket, int family, bool disconnect);
    void post_linger(iocp::LingerOp& linger);
    void on_linger_completion(iocp::LingerOp& linger, DWORD bytes);
    void expire_linger(std::uint32_t index);
    void end_linger(iocp::LingerOp& linger);
    void end_lingers();

    // Timer ids in the heap.
    [[nodiscard]] std::uint32_t linger_timer(std::uint32_t index) const noexcept {
        return options_.max_connections + index;
    }
    [[nodiscard]] std::uint32_t drain_timer() const noexcept {
        return 2 * options_.max_connections;
    }
    [[nodiscard]] std::uint32_t accept_retry_timer() const noexcept { return drain_timer() + 1; }

    UniqueHandle port_;
    ExtensionFunctions functions_;
    IocpOptions options_;
    AcceptorPool accept_pool_;
    std::vector<iocp::Slot> slots_;
    OfferQueue offered_;
    std::vector<iocp::LingerOp> lingers_;
    std::vector<std::uint32_t> free_lingers_;
    std::vector<std::byte> discard_;  // where lingering reads land (never read)
    // Where every empty-span receive lands: written and delivered within one
    // dispatch, so one buffer serves all slots.
    std::vector<std::byte> scratch_;
    std::uint32_t lingers_in_flight_ = 0;
    std::uint32_t ops_in_flight_ = 0;
    conn::DeadlineHeap timers_;

    conn::CompletionSink* sink_ = nullptr;
    bool stopping_ = false;
    bool drain_expired_ = false;
    bool ending_lingers_ = false;
    IocpCounters counters_;
};

}  // namespace tpserve::platform
