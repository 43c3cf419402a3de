#pragma once
// The admin listener (config `admin.listen`): one more proactor of the
// server's I/O engine, on a thread of its own, driven by a conn::Worker
// whose requests admin::AdminHandler answers. It starts before the public
// workers and stops after they have joined, so /readyz can say 503 for the
// whole drain.
#include <memory>
#include <string>
#include <thread>

#include "config/Config.h"
#include "metrics/Registry.h"
#include "platform/Platform.h"

namespace tpserve::app {

class AdminServer {
public:
    // Opens the listener and starts serving; null + error if it cannot be
    // opened. `config`, `engine` and `registry` must outlive the server.
    static std::unique_ptr<AdminServer> start(const config::Config& config,
                                              platform::IoEngine& engine,
                                              const metrics::Registry& registry,
                                              std::string& error);
    // Stops: in-flight answers finish (within timeouts.drain), then joins.
    ~AdminServer();
    AdminServer(const AdminServer&) = delete;
    AdminServer& operator=(const AdminServer&) = delete;

    [[nodiscard]] const std::string& url() const noexcept { return url_; }

private:
    AdminServer() = default;

    std::string url_;
    std::jthread thread_;  // its stop_token stops the admin proactor
};

}  // namespace tpserve::app
