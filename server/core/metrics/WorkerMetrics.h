#pragma once
// One worker thread's counters. Owned and written only by that worker (its
// Worker, Connection and proactor), read by the scrape on another thread
// and summed across workers there (Registry). Nothing shared is written on
// the request path. The block is cache-line aligned so that two workers'
// blocks never share a line.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "http/Method.h"
#include "metrics/Counter.h"

namespace tpserve::metrics {

// The methods a static server sees; the rest (POST, PUT, ... answered 405
// or 501) are "other". Their label values are kMethodNames.
enum class MethodClass : std::uint8_t { Get, Head, Options, Other };
inline constexpr std::size_t kMethodClasses = 4;
inline constexpr std::array<const char*, kMethodClasses> kMethodNames = {"GET", "HEAD", "OPTIONS",
                                                                         "other"};
// Responses to unparsable requests have no method: they are counted as "other".
constexpr MethodClass method_class(http::Method method) noexcept {
    switch (method) {
        case http::Method::Get:
            return MethodClass::Get;
        case http::Method::Head:
            return MethodClass::Head;
        case http::Method::Options:
            return MethodClass::Options;
        default:
            return MethodClass::Other;
    }
}

// Status classes 1xx..5xx (index = first digit - 1).
inline constexpr std::size_t kStatusClasses = 5;
inline constexpr std::array<const char*, kStatusClasses> kStatusClassNames = {"1xx", "2xx", "3xx",
                                                                              "4xx", "5xx"};

// Which deadline fired: a request head not received in timeouts.header
// (also the wait for a connection's first request), an idle keep-alive
// connection (timeouts.keepalive), a request body stalled (its bytes
// count from each read, timeouts.keepalive), a response not sent in
// timeouts.send, and
// the drain at shutdown ending with work still in flight (once per worker).
// (The lingering close's own bound, LingerPool::kTime, is not counted.)
enum class DeadlineKind : std::uint8_t { Header, KeepAlive, Body, Send, Drain };
inline constexpr std::size_t kDeadlineKinds = 5;
inline constexpr std::array<const char*, kDeadlineKinds> kDeadlineNames = {"header", "keepalive",
                                                                           "body", "send", "drain"};

// How the backend put a transmit's bytes on the wire: one count per
// system call or submitted operation that sends (a resumed short send
// counts again).
enum class TransmitPath : std::uint8_t {
    UringSendmsg,     // io_uring: IORING_OP_SENDMSG (memory-only plans)
    Sendfile,         // Linux (both engines): sendfile(2) for file ranges
    Sendmsg,          // Linux: sendmsg(2) called on the thread (epoll; io_uring before a file)
    TransmitPackets,  // Windows: TransmitPackets (memory and file parts)
    TransmitFile,     // Windows: TransmitFile (head + one file range)
    WsaSend,          // Windows: WSASend (memory only)
};
inline constexpr std::size_t kTransmitPaths = 6;
inline constexpr std::array<const char*, kTransmitPaths> kTransmitPathNames = {
    "io_uring_sendmsg", "sendfile", "sendmsg", "transmit_packets", "transmit_file", "wsasend"};

// Request durations, from the first byte of a request to the end of the
// transmit that carried its response. Upper bounds in seconds (Prometheus
// `le`), 1-2.5-5 steps: a cached small file on loopback is answered in
// tens of microseconds (the first bucket holds those), a page over a LAN
// in milliseconds, a large file over a slow link in seconds; 10 s is the
// default header timeout, beyond which +Inf is enough.
// In nanoseconds, so that the request path compares integers; rendered in
// seconds (500'000 ns is le="0.0005").
inline constexpr std::array<std::int64_t, 14> kDurationBoundsNs = {
    500'000,       1'000'000,     2'500'000,     5'000'000,     10'000'000,
    25'000'000,    50'000'000,    100'000'000,   250'000'000,   500'000'000,
    1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
inline constexpr std::size_t kDurationBuckets = kDurationBoundsNs.size() + 1;  // + (10 s, +Inf)

// The bucket an observation falls in (le: upper bound inclusive); the last
// index is +Inf. A linear scan: 14 compares of a steady-clock count.
std::size_t duration_bucket(std::chrono::nanoseconds elapsed) noexcept;

struct alignas(64) WorkerMetrics {
    Counter connections_accepted;
    Counter connections_closed;
    std::array<std::array<Counter, kStatusClasses>, kMethodClasses> requests;
    Counter response_bytes;  // bytes of responses handed to the kernel (heads and bodies)
    std::array<Counter, kDurationBuckets> duration_buckets;  // per bucket, not cumulative
    Counter duration_nanoseconds;                            // the histogram's sum
    std::array<Counter, kDeadlineKinds> deadlines;
    std::array<Counter, kTransmitPaths> transmits;
    Counter sockets_reused;  // Windows: a closing transmit recycled its socket for AcceptEx
    Counter sockets_closed;  // Windows: a closing transmit closed its socket

    void count_request(MethodClass method, std::uint16_t status) noexcept {
        const std::size_t status_class = status >= 100 && status < 600 ? status / 100 - 1 : 4;
        requests[static_cast<std::size_t>(method)][status_class].add();
    }
    void observe_duration(std::chrono::nanoseconds elapsed, std::uint64_t requests_done) noexcept {
        duration_buckets[duration_bucket(elapsed)].add(requests_done);
        const auto ns = static_cast<std::uint64_t>(elapsed.count() < 0 ? 0 : elapsed.count());
        duration_nanoseconds.add(ns * requests_done);
    }
    void count_deadline(DeadlineKind kind) noexcept {
        deadlines[static_cast<std::size_t>(kind)].add();
    }
    void count_transmit(TransmitPath path) noexcept {
        transmits[static_cast<std::size_t>(path)].add();
    }
};

}  // namespace tpserve::metrics
