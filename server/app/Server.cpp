#include "app/Server.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "app/AdminServer.h"
#include "conn/Worker.h"
#include "files/FileCache.h"
#include "files/MimeTable.h"
#include "handler/SiteTable.h"
#include "log/AccessLog.h"
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

// What the sites hold open for the server's lifetime: one file system per
// site, one access log per destination.
struct SiteResources {
    struct Log {
        std::string destination;
        config::AccessFormat format;
        std::unique_ptr<log::AccessLog> log;
    };
    std::vector<std::unique_ptr<files::FileSystem>> roots;
    std::vector<std::unique_ptr<files::FileCache>> caches;  // in front of roots, same order
    // Declared after the caches, so destroyed (their threads stopped) first.
    std::vector<std::unique_ptr<files::DirectoryWatcher>> watchers;
    std::vector<Log> logs;
};

log::AccessFormat log_format(config::AccessFormat format) {
    switch (format) {
        case config::AccessFormat::Json:
            return log::AccessFormat::Json;
        case config::AccessFormat::W3c:
            return log::AccessFormat::W3c;
        case config::AccessFormat::Combined:
            break;
    }
    return log::AccessFormat::Combined;
}

std::unique_ptr<handler::SiteTable> open_sites(const std::vector<config::Site>& settings,
                                               const config::Cache& cache,
                                               std::size_t max_open_per_site,
                                               SiteResources& resources, std::string& error) {
    std::vector<std::unique_ptr<handler::Site>> sites;
    for (const config::Site& site : settings) {
        const std::string who = settings.size() > 1 ? "site " + site.name + ": " : "";
        auto root = platform::open_document_root(site, error);
        if (!root) {
            error.insert(0, who + "document root: ");
            return nullptr;
        }
        log::AccessLog* access = nullptr;
        if (site.access_log != "off") {
            for (const SiteResources::Log& open : resources.logs) {
                if (open.destination != site.access_log) continue;
                if (open.format != site.access_format) {
                    error = who + "access log " + site.access_log +
                            " is shared with another site in a different format";
                    return nullptr;
                }
                access = open.log.get();
            }
            if (access == nullptr) {
                auto opened = log::AccessLog::open(site.access_log, log_format(site.access_format),
                                                   error, log::AccessLog::kDefaultMaxBufferBytes,
                                                   "tpserve " TPSERVE_VERSION);
                if (!opened) {
                    error.insert(0, who + "access log: ");
                    return nullptr;
                }
                access = opened.get();
                resources.logs.push_back({site.access_log, site.access_format, std::move(opened)});
            }
        }
        const files::FileSystem* served = root.get();
        resources.roots.push_back(std::move(root));
        if (cache.enabled) {
            resources.caches.push_back(std::make_unique<files::FileCache>(
                *served,
                files::FileCache::Settings{cache.validity, cache.max_entries, cache.max_file_bytes,
                                           cache.max_bytes, max_open_per_site}));
            files::FileCache& opened = *resources.caches.back();
            served = &opened;
            if (cache.watch) {
                std::string why;
                auto watcher = platform::watch_document_root(site, opened, why);
                if (watcher) {
                    opened.attach(watcher.get());
                    resources.watchers.push_back(std::move(watcher));
                } else {
                    why.insert(0, who + "file changes are seen within cache.validity only: ");
                    log::warn(why);
                }
            }
        }
        sites.push_back(std::make_unique<handler::Site>(site, *served, access));
    }
    return std::make_unique<handler::SiteTable>(std::move(sites));
}

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

    const std::uint64_t file_limit = platform::raise_open_file_limit();
    const files::MimeTable mime(config.mime_types, config.default_mime_type);
    const std::vector<config::Site> site_settings = config::effective_sites(config);
    SiteResources resources;
    // The file caches may hold half the descriptors; connections, logs and
    // the rest keep the other half (10,000 cached files must not stop accepts).
    const std::size_t max_open_per_site =
        file_limit == 0 || file_limit == UINT64_MAX
            ? SIZE_MAX
            : static_cast<std::size_t>(std::max<std::uint64_t>(
                  64, file_limit / 2 / std::max<std::size_t>(1, site_settings.size())));
    auto sites = open_sites(site_settings, config.cache, max_open_per_site, resources, error);
    if (!sites) {
        log::error(error);
        return 2;
    }

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

    // The counters every worker writes and the admin listener shows; not
    // ready (/readyz 503) until every listener is open, and again from the
    // moment a stop is requested.
    metrics::Registry registry(workers);
    registry.set_build_info(TPSERVE_VERSION, std::string(engine->name()));
    for (std::size_t i = 0; i < resources.caches.size(); ++i)
        registry.add_cache(site_settings.at(i).name, *resources.caches[i]);
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
            conn::Worker worker(config, *proactor, *sites, mime, config.limits.max_connections,
                                &platform::return_free_memory, &registry.worker(index));
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
        if (file_limit != 0 && file_limit != UINT64_MAX)
            engine_line += ", " + std::to_string(file_limit) +
                           " open files allowed (file cache: " + std::to_string(max_open_per_site) +
                           " per site)";
        log::info(engine_line);
        for (const config::Site& site : site_settings) {
            std::string line = "site " + site.name + (site.is_default ? " (default)" : "");
            line += ": root " + site.root;
            log::info(line);
        }
        for (const std::string& url : engine->urls())
            log::info("listening on " + url);
        if (admin)
            log::info("admin listener on " + admin->url() + " (/metrics, /healthz, /readyz)");
        registry.set_ready(true);
        if (stop.stop_requested()) registry.set_ready(false);  // the stop came first
        platform::notify_ready();
    }
    for (std::jthread& thread : threads)
        thread.join();
    for (const auto& access_log : resources.logs)
        access_log.log->flush();
    log::info(failed ? "stopped after an error" : "stopped");
    return failed ? 1 : 0;
}

}  // namespace tpserve::app
