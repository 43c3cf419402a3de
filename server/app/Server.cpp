#include "app/Server.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app/AdminServer.h"
#include "app/Reloader.h"
#include "app/ServingState.h"
#include "conn/Worker.h"
#include "log/ErrorLog.h"
#include "metrics/Registry.h"
#include "platform/Platform.h"

namespace tpserve::app {

namespace {

// Counts workers that finished starting. Not std::latch: MinGW's libstdc++ 12
// can lose its wake-up (GCC bug 106183) and the server then never says it
// listens.
class StartupLatch {
public:
    explicit StartupLatch(unsigned count) : left_(count) {}
    void count_down() {
        const std::lock_guard lock(mutex_);
        if (left_ > 0 && --left_ == 0) done_.notify_all();
    }
    void wait() {
        std::unique_lock lock(mutex_);
        done_.wait(lock, [this] { return left_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable done_;
    unsigned left_;
};

// Passes the operator's reload (SIGHUP) and log reopen (SIGUSR1) requests
// to the reloader, which owns the running generation and its access logs.
// A request that arrives while the server is still starting is kept and
// passed on once the reloader exists; the error log reopens at once.
class ControlRelay {
public:
    void reload() {
        const std::lock_guard lock(mutex_);
        if (target_ != nullptr) {
            target_->request_reload();
        } else {
            reload_pending_ = true;
        }
    }
    // SIGUSR1 (logrotate's postrotate). Quick enough for the signal
    // watcher's thread: the error log reopens under its own lock (one
    // fopen), the access logs' writer threads do theirs between whole chunks.
    void reopen_logs() {
        log::reopen();
        {
            const std::lock_guard lock(mutex_);
            if (target_ != nullptr) {
                target_->reopen_logs();
            } else {
                reopen_pending_ = true;
            }
        }
        log::info("SIGUSR1: log files reopened");
    }
    // `target` null: requests are kept again (the reloader is going away).
    void attach(Reloader* target) {
        const std::lock_guard lock(mutex_);
        target_ = target;
        if (target_ == nullptr) return;
        if (std::exchange(reopen_pending_, false)) target_->reopen_logs();
        if (std::exchange(reload_pending_, false)) target_->request_reload();
    }

private:
    std::mutex mutex_;
    Reloader* target_ = nullptr;
    bool reload_pending_ = false;
    bool reopen_pending_ = false;
};

struct StartFigures {
    unsigned workers;
    std::uint64_t file_limit;  // 0 or UINT64_MAX: none
    std::size_t max_open_per_site;
};

// The start-up lines: engine and limits, the active configuration, the
// sites, the addresses.
void log_started(const StartFigures& figures, const platform::IoEngine& engine,
                 const platform::EngineChoice& choice, const std::string& active,
                 const std::vector<config::Site>& sites) {
    std::string engine_line = "tpserve " TPSERVE_VERSION ": " + std::to_string(figures.workers) +
                              " worker(s), I/O engine " + std::string(engine.name());
    if (!choice.note.empty()) engine_line += " (" + choice.note + ")";
    if (figures.file_limit != 0 && figures.file_limit != UINT64_MAX)
        engine_line +=
            ", " + std::to_string(figures.file_limit) +
            " open files allowed (file cache: " + std::to_string(figures.max_open_per_site) +
            " per site)";
    log::info(engine_line);
    log::info("configuration active: " + active);
    for (const config::Site& site : sites) {
        std::string line = "site " + site.name + (site.is_default ? " (default)" : "");
        line += ": root " + site.root;
        log::info(line);
    }
    for (const std::string& url : engine.urls())
        log::info("listening on " + url);
}

}  // namespace

int run_server(const config::Config& config, std::function<config::Config()> reload_config) {
    std::string error;
    if (!log::configure(config.log.level, config.log.error, error)) {
        (void)std::fprintf(stderr, "tpserve: error log: %s\n", error.c_str());
        return 2;
    }
    std::stop_source stop;
    ControlRelay relay;
    auto signals =
        platform::watch_control_signals({.stop = [&stop] { stop.request_stop(); },
                                         .reload = [&relay] { relay.reload(); },
                                         .reopen_logs = [&relay] { relay.reopen_logs(); }});
    // Whoever asks for the stop (a signal, the service manager, a failed
    // worker), the service manager hears that draining has begun.
    const std::stop_callback stopping(stop.get_token(), [] { platform::notify_stopping(); });

    const std::uint64_t file_limit = platform::raise_open_file_limit();
    auto first = ServingState::open(config, file_limit, nullptr, error);
    if (!first) {
        log::error(error);
        return 2;
    }
    const std::size_t max_open_per_site = first->max_open_per_site();
    const std::vector<config::Site> site_settings = first->sites();

    const platform::EngineChoice choice = platform::choose_io_engine(config);
    if (!choice.ok) {
        log::error(choice.note);
        return 2;
    }
    const unsigned workers = config.workers != 0 ? config.workers : platform::available_cores();
    auto engine = platform::create_io_engine(config, choice, workers, error);
    if (!engine) {
        log::error(error);
        return 1;
    }
    // Declared before the workers' threads: the generations they hold end
    // (on the reloader's thread) only after every worker has been joined.
    Reloader reloader(std::move(reload_config), std::move(first), file_limit);

    // The counters every worker writes and the admin listener shows; not
    // ready (/readyz 503) until every listener is open, and again from the
    // moment a stop is requested.
    metrics::Registry registry(workers);
    registry.set_build_info(TPSERVE_VERSION, std::string(engine->name()));
    registry.set_cache_source([&reloader] { return reloader.cache_counts(); });
    registry.set_reload_source([&reloader] {
        return metrics::ReloadCounts{reloader.reloads_ok(), reloader.reloads_failed()};
    });
    const std::stop_callback unready(stop.get_token(), [&registry] { registry.set_ready(false); });
    // Opened before the workers, stopped after they have joined (declared
    // before `threads`): it answers 503 on /readyz for the whole drain.
    const auto admin = AdminServer::start(config, *engine, registry, error);
    if (config.admin.listen && !admin) {
        log::error(error);
        return 1;
    }

    std::atomic<bool> failed{false};
    StartupLatch ready(workers);
    std::vector<std::jthread> threads;
    threads.reserve(workers);
    for (unsigned index = 0; index < workers; ++index) {
        threads.emplace_back([&, index] {
            std::string worker_error;
            auto proactor = engine->make_proactor(index, worker_error);
            if (!proactor) {
                log::error("worker " + std::to_string(index) + ": " + worker_error);
                failed = true;
                stop.request_stop();
                ready.count_down();
                return;
            }
            conn::Worker worker(reloader.source(), *proactor, config.limits.max_connections,
                                &platform::return_free_memory, &registry.worker(index));
            worker.start();
            ready.count_down();
            proactor->run(worker, stop.get_token());
        });
    }
    ready.wait();
    if (!failed) {
        log_started({workers, file_limit, max_open_per_site}, *engine, choice,
                    reloader.describe_active(), site_settings);
        if (admin)
            log::info("admin listener on " + admin->url() + " (/metrics, /healthz, /readyz)");
        registry.set_ready(true);
        if (stop.stop_requested()) registry.set_ready(false);  // the stop came first
        platform::notify_ready();
        relay.attach(&reloader);
    }
    for (std::jthread& thread : threads)
        thread.join();
    relay.attach(nullptr);
    reloader.flush_logs();
    log::info(failed ? "stopped after an error" : "stopped");
    return failed ? 1 : 0;
}

}  // namespace tpserve::app
