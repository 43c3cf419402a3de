// The Windows implementation of platform/Platform.h: wires the document root
// (CreateFileW beneath the root's final path) and its change notices
// (ReadDirectoryChangesW), one listening socket per address shared through an
// AcceptHub, and one IOCP proactor per worker.
#include <malloc.h>

#include <optional>
#include <thread>

#include "log/ErrorLog.h"
#include "platform/Platform.h"
#include "platform/windows/AcceptHub.h"
#include "platform/windows/ConsoleSignals.h"
#include "platform/windows/DirectoryChangeWatcher.h"
#include "platform/windows/ExtensionFunctions.h"
#include "platform/windows/IocpProactor.h"
#include "platform/windows/WindowsFileSystem.h"
#include "platform/windows/WindowsService.h"
#include "platform/windows/WineDetect.h"
#include "platform/windows/WinsockSession.h"

namespace tpserve::platform {

namespace {

// Winsock for the whole process: started by the first engine decision and
// cleaned up at exit, after every socket is gone.
WinsockSession& winsock() {
    static WinsockSession session;
    return session;
}

SocketReuse reuse_policy(config::SocketReuse configured) noexcept {
    switch (configured) {
        case config::SocketReuse::On:
            return SocketReuse::On;
        case config::SocketReuse::Off:
            return SocketReuse::Off;
        case config::SocketReuse::Auto:
            break;
    }
    return SocketReuse::Auto;
}

struct Engine {
    ExtensionFunctions functions;
    IocpStrategy strategy;
};

// Winsock, the extension functions and the strategy; nullopt + error if
// Winsock or a required extension is missing.
std::optional<Engine> prepare(const config::Config& config, std::string& error) {
    if (!winsock().start(error)) return std::nullopt;
    auto functions = ExtensionFunctions::resolve(AF_INET, error);
    if (!functions) return std::nullopt;
    Engine engine{*functions, {}};
    engine.strategy = choose_iocp_strategy(
        reuse_policy(config.windows.socket_reuse), functions->transmit_packets != nullptr,
        functions->transmit_packets_error, functions->disconnect_ex != nullptr, wine_version());
    return engine;
}

class IocpEngine final : public IoEngine {
public:
    IocpEngine(std::shared_ptr<AcceptHub> hub, ExtensionFunctions functions, IocpOptions options)
        : hub_(std::move(hub)), functions_(functions), options_(std::move(options)) {}

    std::string_view name() const override { return "iocp"; }
    std::span<const std::string> urls() const override { return hub_->urls(); }

    std::unique_ptr<conn::Proactor> make_proactor(unsigned, std::string& error) override {
        return IocpProactor::create(hub_, functions_, options_, error);
    }

    // The admin listener gets an AcceptHub of its own, so its accepts never
    // reach a public worker's port.
    std::unique_ptr<conn::Proactor> make_admin_proactor(const config::ListenAddress& address,
                                                        std::uint32_t max_connections,
                                                        std::string& url,
                                                        std::string& error) override {
        auto hub = AcceptHub::create({address}, functions_, error);
        if (!hub) return nullptr;
        url = hub->urls().front();
        IocpOptions options = options_;
        options.max_connections = max_connections;
        return IocpProactor::create(std::move(hub), functions_, options, error);
    }

private:
    std::shared_ptr<AcceptHub> hub_;
    ExtensionFunctions functions_;
    IocpOptions options_;
};

// Windows has no SIGHUP/SIGUSR1: a console gives Ctrl+C / Ctrl+Break /
// close only, so only `stop` is wired here.
class ConsoleGuard final : public ControlSignals {
public:
    explicit ConsoleGuard(ControlActions actions) : signals_(std::move(actions.stop)) {}

private:
    ConsoleSignals signals_;
};

// Under `--service run` the service manager's STOP / SHUTDOWN stop the
// server; there is no console to send Ctrl+C. SERVICE_CONTROL_PARAMCHANGE is
// to call `actions.reload` (and log rotation its own control): issue 20, not
// wired yet, so the service does not accept PARAMCHANGE.
class ServiceStopGuard final : public ControlSignals {
public:
    explicit ServiceStopGuard(ControlActions actions) {
        winservice::set_stop_handler(std::move(actions.stop));
    }
    ~ServiceStopGuard() override { winservice::set_stop_handler(nullptr); }
    ServiceStopGuard(const ServiceStopGuard&) = delete;
    ServiceStopGuard& operator=(const ServiceStopGuard&) = delete;
};

}  // namespace

std::unique_ptr<files::FileSystem> open_document_root(const config::SiteSettings& site,
                                                      std::string& error) {
    return WindowsFileSystem::open_root(site.root, site.symlinks, error);
}

std::unique_ptr<files::DirectoryWatcher> watch_document_root(const config::SiteSettings& site,
                                                             files::ChangeListener& listener,
                                                             std::string& error) {
    return DirectoryChangeWatcher::start(site.root, listener, error);
}

std::uint64_t raise_open_file_limit() noexcept {
    return 0;  // handles are limited by memory, not by a per-process count
}

EngineChoice choose_io_engine(const config::Config& config) {
    if (config.io.backend != config::IoBackend::Auto) {
        return EngineChoice{false, "iocp",
                            "io.backend: io_uring and epoll are Linux engines; Windows has "
                            "only IOCP (use auto)"};
    }
    std::string error;
    const auto engine = prepare(config, error);
    if (!engine) return EngineChoice{false, "iocp", error};
    return EngineChoice{true, "iocp", engine->strategy.note};
}

std::unique_ptr<IoEngine> create_io_engine(const config::Config& config, const EngineChoice&,
                                           unsigned workers, std::string& error) {
    auto engine = prepare(config, error);
    if (!engine) return nullptr;
    auto hub = AcceptHub::create(config.listen, engine->functions, error);
    if (!hub) return nullptr;
    IocpOptions options;
    options.max_connections = config.limits.max_connections;
    options.drain_timeout = config.timeouts.drain;
    options.strategy = engine->strategy;
    options.accepts_per_listener = config.windows.accepts_per_listener;
    DWORD handles = 0;
    ::GetProcessHandleCount(::GetCurrentProcess(), &handles);
    log::info("iocp: " + std::to_string(workers) + " worker(s), " +
              std::to_string(options.accepts_per_listener) + " AcceptEx per listener each; " +
              engine->functions.describe() + "; process handles " + std::to_string(handles));
    return std::make_unique<IocpEngine>(std::move(hub), engine->functions, std::move(options));
}

unsigned available_cores() {
    const DWORD active = ::GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    if (active != 0) return active;
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : cores;
}

void return_free_memory() noexcept {
    // The CRT heap decommits large free blocks by itself; this coalesces
    // the rest and releases what it can.
    ::_heapmin();
}

std::unique_ptr<ControlSignals> watch_control_signals(ControlActions actions) {
    if (winservice::active()) return std::make_unique<ServiceStopGuard>(std::move(actions));
    return std::make_unique<ConsoleGuard>(std::move(actions));
}

}  // namespace tpserve::platform
