#pragma once
// The seam between the one connection state machine (core) and the
// platform's completion engine (io_uring, epoll, IOCP, or the test fake).
//
// Contract, shared by every implementation:
//  * At most one operation (receive or transmit) is in flight per
//    connection; the state machine guarantees it, backends may assert it.
//  * Completions are never delivered inline from accept/receive/transmit/
//    close: they arrive later from `run`, on the thread that calls `run`.
//  * Each operation completes exactly once. A deadline that expires
//    completes the operation with IoStatus::TimedOut.
//  * A slot offered by `accept` is owned by the backend until its Accept
//    completion; after that the core owns it until it calls `close` (with no
//    operation in flight) or receives the completion of a Close-disposition
//    transmit (`closed == true`), after which the slot may be offered again.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stop_token>

#include "metrics/WorkerMetrics.h"
#include "net/SocketAddress.h"

namespace tpserve::plan {
class TransmitPlan;
}

namespace tpserve::conn {

using Clock = std::chrono::steady_clock;

// The most a receive into the backend's own memory delivers at once.
inline constexpr std::size_t kReceiveAnyBytes = 4096;
using Deadline = Clock::time_point;

// `generation` lets a backend drop completions that belong to a previous
// user of the same slot (nginx's "instance" bit).
struct ConnId {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;
    friend bool operator==(ConnId, ConnId) = default;
};

enum class OpKind : std::uint8_t { Accept, Receive, Transmit };

enum class IoStatus : std::uint8_t {
    Ok,
    PeerClosed,   // orderly end of stream from the peer (receive of 0 bytes)
    Reset,        // connection reset / broken pipe
    TimedOut,     // the operation's deadline expired
    Cancelled,    // cancelled by close() or by shutdown
    NoResources,  // out of memory, descriptors, ...
    Failed,       // anything else; os_error says what
};

struct Completion {
    ConnId conn;
    OpKind kind = OpKind::Receive;
    IoStatus status = IoStatus::Ok;
    std::uint64_t bytes = 0;          // received / transmitted
    std::span<const std::byte> data;  // Receive: where the bytes landed
    // Accept: the client's address and the server side's; Family::None when
    // the backend gives it only on request (peer_address, local_address).
    net::SocketAddress peer;
    net::SocketAddress local;
    bool closed = false;        // Transmit of a Close plan: socket already closed
    std::int32_t os_error = 0;  // for the log only
};

class CompletionSink {
public:
    virtual void on_completion(const Completion& completion) = 0;
    // Shutdown was requested: stop taking new work, finish what is in flight.
    virtual void on_stop() = 0;
    // True when no connection is live; `run` returns once this holds after a stop.
    [[nodiscard]] virtual bool idle() const = 0;
    // Housekeeping that must happen even when no I/O completes (freeing a
    // burst's memory): `run` waits at most until housekeeping_due() and
    // calls housekeep(now) on its thread once that time has come.
    [[nodiscard]] virtual Deadline housekeeping_due() const { return Deadline::max(); }
    virtual void housekeep(Deadline /*now*/) {}

protected:
    ~CompletionSink() = default;
};

class Proactor {
public:
    virtual ~Proactor() = default;
    // Offers a free slot to the accept pool; an Accept completion for it
    // arrives when a client connects (status Cancelled at shutdown).
    virtual void accept(ConnId into) = 0;
    // Receives at most into.size() bytes into `into`, untouched until completion.
    // With an empty `into` the caller holds no buffer (an idle keep-alive
    // connection): the backend waits until the socket is readable and reads
    // at most kReceiveAnyBytes into memory of its own; Completion::data points
    // there and is valid only during the on_completion call.
    virtual void receive(ConnId conn, std::span<std::byte> into, Deadline deadline) = 0;
    // Sends every pending byte of `plan` (resuming short sends internally), then
    // completes once. The plan is owned by the caller and must stay alive and
    // unmodified by the caller until the completion; the backend may `consume` it.
    // A plan whose disposition is Close ends with a graceful disconnect.
    virtual void transmit(ConnId conn, plan::TransmitPlan& plan, Deadline deadline) = 0;
    // The client's address, or the server side's, for a connection whose
    // Accept completion gave none (a backend that would pay a system call per
    // accept for it, and most connections are never logged). Family::None if
    // unknown.
    [[nodiscard]] virtual net::SocketAddress peer_address(ConnId conn) {
        (void)conn;
        return {};
    }
    [[nodiscard]] virtual net::SocketAddress local_address(ConnId conn) {
        (void)conn;
        return {};
    }
    // Abortive close. With an operation in flight, that operation completes
    // with Cancelled and the slot is free after that completion; otherwise the
    // slot is free at once and no completion follows. "In flight" includes an
    // operation whose result the backend already knows but has not delivered
    // yet: whatever that result was, it is dropped and the completion reports
    // Cancelled (a receive with no bytes, a transmit with the bytes it sent).
    virtual void close(ConnId conn) = 0;
    // Runs the completion loop on the calling thread until a stop was
    // requested and the sink is idle (or the drain deadline passed).
    virtual void run(CompletionSink& sink, std::stop_token stop) = 0;

    // The worker's counters: the backend counts what only it sees there
    // (sends by path, sockets recycled, the drain deadline), on the worker's
    // thread. Set by the Worker before `run`; until then a block of its own.
    void count_into(metrics::WorkerMetrics& metrics) noexcept { metrics_ = &metrics; }
    [[nodiscard]] metrics::WorkerMetrics& counts() noexcept { return *metrics_; }

private:
    metrics::WorkerMetrics own_metrics_;
    metrics::WorkerMetrics* metrics_ = &own_metrics_;
};

}  // namespace tpserve::conn
