#pragma once
// What app/ needs from the platform, declared once for every OS; each
// platform directory implements it (platform/linux/LinuxPlatform.cpp). This
// is the only platform header app/ includes, so main() has no #ifdef.
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "config/Config.h"
#include "conn/Proactor.h"
#include "files/FileSystem.h"

namespace tpserve::platform {

// The document root, held open for the process lifetime.
std::unique_ptr<files::FileSystem> open_document_root(const config::Config& config,
                                                      std::string& error);

// Listening sockets for every worker plus one completion engine per worker.
class IoEngine {
public:
    virtual ~IoEngine() = default;
    // "io_uring", "epoll", "iocp": for the start-up log and status output.
    [[nodiscard]] virtual std::string_view name() const = 0;
    // The bound addresses, as URLs with the real (possibly ephemeral) port.
    [[nodiscard]] virtual std::span<const std::string> urls() const = 0;
    // The proactor for worker `index` (< workers), created on that worker's
    // thread; null + error on failure. Called once per index.
    virtual std::unique_ptr<conn::Proactor> make_proactor(unsigned index, std::string& error) = 0;
};

// Which engine `config` gets on this machine, decided once at start-up by
// trying the kernel (io.backend: auto falls back from io_uring to epoll).
struct EngineChoice {
    bool ok = true;    // false: the configured engine cannot run here (exit code 2)
    std::string name;  // "io_uring", "epoll", "iocp"
    std::string note;  // why this engine (a fallback's reason), or why none; may be ""
};
EngineChoice choose_io_engine(const config::Config& config);

// Binds the listeners and prepares `workers` proactors of the chosen engine.
std::unique_ptr<IoEngine> create_io_engine(const config::Config& config,
                                           const EngineChoice& choice, unsigned workers,
                                           std::string& error);

// Worker count for `workers: auto`.
unsigned available_cores();

// Calls `on_stop` (from a background thread) on the first SIGINT/SIGTERM
// (Ctrl+C / Ctrl+Break / service stop on Windows). Construct before any
// other thread starts.
class ShutdownSignals {
public:
    virtual ~ShutdownSignals() = default;
};
std::unique_ptr<ShutdownSignals> watch_shutdown_signals(std::function<void()> on_stop);

}  // namespace tpserve::platform
