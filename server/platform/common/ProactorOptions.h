#pragma once
// What a worker's proactor is configured with and what it counts, for the
// backends that need nothing more (io_uring and epoll: UringOptions and
// EpollOptions are these).
#include <chrono>
#include <cstdint>

namespace tpserve::platform {

struct ProactorOptions {
    std::uint32_t max_connections = 4096;  // slots per worker: ConnId.slot < this
    std::chrono::milliseconds drain_timeout{10'000};
};

// Read on the worker thread (e.g. for the shutdown log after run returns).
struct ProactorCounters {
    std::uint64_t accepted = 0;
    std::uint64_t dropped = 0;    // accepted while no slot was offered: closed at once
    std::uint64_t transmits = 0;  // transmit completions (any status)
    std::uint64_t bytes_sent = 0;
};

}  // namespace tpserve::platform
