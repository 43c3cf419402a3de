#include "app/AdminServer.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <utility>

#include "admin/AdminHandler.h"
#include "conn/Worker.h"
#include "log/ErrorLog.h"

namespace tpserve::app {

namespace {

// Slots of the admin worker: a scraper or two and the probes of a load
// balancer or kubelet; more connections wait in the listen backlog.
constexpr std::uint32_t kAdminConnections = 64;

// The admin thread's start, reported to the thread that waits for it.
struct Opening {
    std::mutex mutex;
    std::condition_variable done_changed;
    bool done = false;
    std::string url;
    std::string error;

    void finish(std::string opened_url, std::string why) {
        const std::lock_guard lock(mutex);
        url = std::move(opened_url);
        error = std::move(why);
        done = true;
        done_changed.notify_all();
    }
};

}  // namespace

std::unique_ptr<AdminServer> AdminServer::start(const config::Config& config,
                                                platform::IoEngine& engine,
                                                const metrics::Registry& registry,
                                                std::string& error) {
    if (!config.admin.listen) return nullptr;
    std::unique_ptr<AdminServer> server(new AdminServer());
    // Shared: the admin thread may still be leaving finish() when this one
    // goes on.
    const auto opening = std::make_shared<Opening>();
    server->thread_ = std::jthread([&config, &engine, &registry, opening](std::stop_token stop) {
        std::string url;
        std::string why;
        auto proactor =
            engine.make_admin_proactor(*config.admin.listen, kAdminConnections, url, why);
        if (!proactor) {
            opening->finish({}, "admin listener: " + why);
            return;
        }
        admin::AdminHandler handler(registry, config.server_header);
        conn::Worker worker(config, *proactor, handler, kAdminConnections);
        worker.start();
        opening->finish(url, {});
        proactor->run(worker, std::move(stop));
    });
    std::unique_lock lock(opening->mutex);
    opening->done_changed.wait(lock, [&opening] { return opening->done; });
    if (!opening->error.empty()) {
        error = opening->error;
        lock.unlock();
        server->thread_.join();
        return nullptr;
    }
    server->url_ = opening->url;
    return server;
}

AdminServer::~AdminServer() {
    if (thread_.joinable()) {
        thread_.request_stop();
        thread_.join();
    }
}

}  // namespace tpserve::app
