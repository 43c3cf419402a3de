#pragma once
// A counter written by one thread only and read by any: the writer's
// relaxed load + store compiles to a plain add on x86-64 and AArch64 (no
// lock prefix, no fence), so the request path pays what a plain integer
// costs; a reader (the scrape) sees some recent value, never a torn one.
// Two writers would lose increments: each block of counters belongs to one
// worker thread (WorkerMetrics).
#include <atomic>
#include <cstdint>

namespace tpserve::metrics {

class Counter {
public:
    void add(std::uint64_t n = 1) noexcept {
        value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    // A gauge kept by its one writer (e.g. open connections).
    void set(std::uint64_t n) noexcept { value_.store(n, std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t value() const noexcept {
        return value_.load(std::memory_order_relaxed);
    }

private:
    std::atomic<std::uint64_t> value_{0};
};

}  // namespace tpserve::metrics
