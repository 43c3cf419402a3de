#pragma once
// What requests are answered with — the config, the sites, the MIME table —
// and how a new generation of it reaches the workers (a reload).
//
// A generation is immutable once published. ServingSource holds the latest
// one and its number: a worker reads the number with one relaxed atomic load
// where a request starts (conn/Epochs) and takes the pointer, under the
// mutex, only when the number changed. So nothing shared is written per
// request: no reference count moves until a worker switches.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "config/Config.h"
#include "files/MimeTable.h"
#include "handler/RequestHandler.h"
#include "handler/SiteTable.h"

namespace tpserve::conn {

struct Serving {
    // Requests answered from `serving_sites` by a StaticHandler per worker.
    Serving(const config::Config& serving_config, const handler::SiteTable& serving_sites,
            const files::MimeTable& serving_mime)
        : config(serving_config), sites(&serving_sites), mime(&serving_mime) {}
    // Every request answered by `fixed_handler` (the admin listener's), which
    // must outlive the workers that use it; no sites.
    Serving(const config::Config& serving_config, handler::RequestHandler& fixed_handler)
        : config(serving_config), handler(&fixed_handler) {}
    const config::Config& config;
    const handler::SiteTable* sites = nullptr;  // null exactly when `handler` is set
    const files::MimeTable* mime = nullptr;
    handler::RequestHandler* handler = nullptr;
};

// Thread-safe: publish from any thread, read from every worker.
class ServingSource {
public:
    explicit ServingSource(std::shared_ptr<const Serving> first) : latest_(std::move(first)) {}

    // Workers move to `next` at their next request; the one before stays
    // alive while a request started under it is unfinished.
    void publish(std::shared_ptr<const Serving> next) {
        std::shared_ptr<const Serving> before;  // released outside the lock
        const std::lock_guard lock(mutex_);
        before = std::exchange(latest_, std::move(next));
        number_.store(number_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    // The latest generation's number (1 = the first). Relaxed: a worker that
    // reads a stale number switches at its following request instead.
    [[nodiscard]] std::uint64_t number() const noexcept {
        return number_.load(std::memory_order_relaxed);
    }

    struct Latest {
        std::shared_ptr<const Serving> serving;
        std::uint64_t number = 0;
    };
    [[nodiscard]] Latest latest() const {
        const std::lock_guard lock(mutex_);
        return {latest_, number_.load(std::memory_order_relaxed)};
    }

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Serving> latest_;
    std::atomic<std::uint64_t> number_{1};
};

}  // namespace tpserve::conn
