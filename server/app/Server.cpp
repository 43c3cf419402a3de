#include "app/Server.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "conn/Worker.h"
#include "files/MimeTable.h"
#include "log/AccessLog.h"
#include "log/ErrorLog.h"
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

}  // namespace

int run_server(const config::Config& config) {
    std::string error;
    if (!log::configure(config.log.level, config.log.error, error)) {
        (void)std::fprintf(stderr, "tpserve: error log: %s\n", error.c_str());
        return 2;
    }
    std::stop_source stop;
    auto signals = platform::watch_shutdown_signals([&stop] { stop.request_stop(); });
    // Whoever asks for the stop (a signal, the service manager, a failed
    // worker), the service manager hears that draining has begun.
    const std::stop_callback stopping(stop.get_token(), [] { platform::notify_stopping(); });

    auto files = platform::open_document_root(config, error);
    if (!files) {
        log::error("document root: " + error);
        return 2;
    }
    const files::MimeTable mime(config.mime_types, config.default_mime_type);
    auto access_log = log::AccessLog::open(config.log.access, error);
    if (!access_log) {
        log::error("access log: " + error);
        return 2;
    }
    log::AccessLog* access = access_log->enabled() ? access_log.get() : nullptr;

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
            conn::Worker worker(config, *proactor, *files, mime, access,
                                config.limits.max_connections);
            worker.start();
            ready.count_down();
            proactor->run(worker, stop.get_token());
        });
    }
    ready.wait();
    if (!failed) {
        std::string engine_line = "tpserve " TPSERVE_VERSION ": " + std::to_string(workers) +
                                  " worker(s), I/O engine " + std::string(engine->name());
        if (!choice.note.empty()) engine_line += " (" + choice.note + ")";
        log::info(engine_line + ", root " + config.root);
        for (const std::string& url : engine->urls())
            log::info("listening on " + url);
        platform::notify_ready();
    }
    for (std::jthread& thread : threads)
        thread.join();
    access_log->flush();
    log::info(failed ? "stopped after an error" : "stopped");
    return failed ? 1 : 0;
}

}  // namespace tpserve::app
