#pragma once
// Reloading the configuration while serving (issue 17): one entry point,
// request_reload(), for every trigger — SIGHUP on Linux, the Windows
// service's SERVICE_CONTROL_PARAMCHANGE. The reload runs on the reloader's
// own thread, never on the caller's or a worker's: it reads the file again
// with the same loader and checks as --check-config, builds the next
// ServingState (reusing the access logs that did not change) and publishes
// it through source(); each worker switches at its next request
// (conn/Epochs.h). A failure keeps the running generation and says why with
// the file, line and column. Keys that cannot change live (RestartOnly.h)
// keep their running values, and each is named in a warning. The
// generations the workers release are destroyed on a second thread of the
// reloader (their watchers' threads joined, their access logs flushed), not
// on a worker, and without delaying the next reload.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "app/ServingState.h"
#include "config/Config.h"
#include "conn/Serving.h"

namespace tpserve::app {

class Reloader {
public:
    // Reads the configuration anew (the file and the command line's
    // overrides, app::build_config); throws ConfigError, or another
    // std::exception, when it cannot.
    using Load = std::function<config::Config()>;

    // `first` is the generation the server started with (generation 1);
    // `file_limit` as for ServingState::open.
    Reloader(Load load, std::unique_ptr<ServingState> first, std::uint64_t file_limit);
    Reloader(const Reloader&) = delete;
    Reloader& operator=(const Reloader&) = delete;
    ~Reloader();

    // What the workers serve from.
    [[nodiscard]] conn::ServingSource& source() noexcept { return *source_; }

    // Asks for a reload and returns at once. Any thread; requests made while
    // one runs are coalesced into one more, which reads the file as it is then.
    void request_reload();

    // Reloads applied / refused so far. Any thread (relaxed atomics).
    [[nodiscard]] std::uint64_t reloads_ok() const noexcept {
        return reloads_ok_.load(std::memory_order_relaxed);
    }
    [[nodiscard]] std::uint64_t reloads_failed() const noexcept {
        return reloads_failed_.load(std::memory_order_relaxed);
    }

    // The running generation's file cache counters (/metrics).
    [[nodiscard]] std::vector<metrics::CacheCounts> cache_counts() const;

    // "generation 3, /etc/tpserve/tpserve.yaml modified 2026-12-08T00:41:02Z":
    // which configuration is active, for the log.
    [[nodiscard]] std::string describe_active() const;

    // Flushes the access logs of the generation published last (shutdown).
    void flush_logs() const;
    // The access logs of the generation published last open their paths
    // again (SIGUSR1). A generation still held for requests in flight shares
    // every log it kept with the running one (ServingState::open); a log it
    // alone had gets its last lines in the renamed file, none lost.
    void reopen_logs() const;

private:
    struct Retire {
        Reloader* reloader;
        void operator()(const ServingState* state) const noexcept;
    };

    void run(const std::stop_token& stop);
    void reap(const std::stop_token& stop);
    void reload();
    // Null + `error` when `next` cannot be served.
    std::unique_ptr<ServingState> prepare(config::Config next, std::string& error);
    // `modified`: the file's time when it was read (modified_text).
    void publish(std::unique_ptr<ServingState> next, const std::string& modified);
    [[nodiscard]] std::shared_ptr<const ServingState> running() const;

    Load load_;
    std::uint64_t file_limit_;
    std::atomic<std::uint64_t> reloads_ok_{0};
    std::atomic<std::uint64_t> reloads_failed_{0};

    mutable std::mutex mutex_;
    std::condition_variable_any wake_;
    bool requested_ = false;
    // Generations every worker has released, waiting to be destroyed here.
    // Declared before what holds generations, so it outlives them.
    std::vector<std::unique_ptr<const ServingState>> retired_;

    // Published last; changed by the reloader's thread only, under mutex_.
    std::shared_ptr<const ServingState> running_;
    std::string active_;  // running_'s describe_active(), under mutex_
    std::optional<conn::ServingSource> source_;
    // Last: started when everything above exists, joined first.
    std::jthread reaper_;  // destroys the retired generations
    std::jthread thread_;  // reloads
};

}  // namespace tpserve::app
