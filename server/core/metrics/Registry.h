#pragma once
// Everything /metrics shows, and where it comes from: one WorkerMetrics
// block per worker (written only by that worker), each site's file cache
// (counted inside its shards), the reload counts (a hook the reload code
// fills), the build and readiness. Blocks are summed only when scraped.
//
// Set-up (set_cache_source, set_build_info, set_reload_source) happens before the
// admin worker starts; after that, render() may run on the admin thread
// while the workers write their blocks, and set_ready() from any thread.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "files/FileCache.h"
#include "metrics/WorkerMetrics.h"

namespace tpserve::metrics {

// One site's file cache, as read at a scrape.
struct CacheCounts {
    std::string site;
    files::FileCache::Counters counters;
};

struct ReloadCounts {
    std::uint64_t ok = 0;
    std::uint64_t failed = 0;
};

// The workers' blocks summed: plain numbers, a consistent-enough snapshot
// (each value is one recent reading; a scrape racing a request may see its
// request counted and not yet its bytes, as every Prometheus client does).
struct WorkerTotals {
    std::uint64_t connections_accepted = 0;
    std::uint64_t connections_closed = 0;
    std::array<std::array<std::uint64_t, kStatusClasses>, kMethodClasses> requests{};
    std::uint64_t response_bytes = 0;
    std::array<std::uint64_t, kDurationBuckets> duration_buckets{};
    std::uint64_t duration_nanoseconds = 0;
    std::array<std::uint64_t, kDeadlineKinds> deadlines{};
    std::array<std::uint64_t, kTransmitPaths> transmits{};
    std::uint64_t sockets_reused = 0;
    std::uint64_t sockets_closed = 0;

    void add(const WorkerMetrics& block) noexcept;
};

class Registry {
public:
    explicit Registry(unsigned workers);

    [[nodiscard]] WorkerMetrics& worker(unsigned index) { return *workers_.at(index); }
    [[nodiscard]] WorkerTotals totals() const noexcept;

    // The running caches' counts, read at each scrape. A reload builds new
    // caches, whose counters start again at 0: Prometheus' rate() and
    // increase() read that as a counter reset. Without a source, no samples.
    void set_cache_source(std::function<std::vector<CacheCounts>()> source);
    // tpserve_build_info's labels; `engine` also picks the transmit paths shown.
    void set_build_info(std::string version, std::string engine);
    // The reload code's counts, read at each scrape. Without one, both are 0.
    void set_reload_source(std::function<ReloadCounts()> source);

    // /readyz: every listener open and not draining.
    void set_ready(bool ready) noexcept { ready_.store(ready, std::memory_order_release); }
    [[nodiscard]] bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }

    // Replaces `out` with the exposition text (format 0.0.4).
    void render(std::string& out) const;

private:
    void render_caches(class TextWriter& w) const;

    std::vector<std::unique_ptr<WorkerMetrics>> workers_;
    std::function<std::vector<CacheCounts>()> caches_;
    std::string version_ = "unknown";
    std::string engine_ = "unknown";
    std::function<ReloadCounts()> reloads_;
    std::atomic<bool> ready_{false};
};

}  // namespace tpserve::metrics
