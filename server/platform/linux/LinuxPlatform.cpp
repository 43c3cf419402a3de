// The Linux implementation of platform/Platform.h: wires the document root
// (openat2 beneath a directory fd), SO_REUSEPORT listeners (or those systemd
// passed in, SystemdListeners.h) and one proactor per worker — io_uring, or
// epoll where io_uring is refused.
#include <malloc.h>
#include <sys/resource.h>

#include <cstdint>
#include <thread>

#include "log/ErrorLog.h"
#include "platform/Platform.h"
#include "platform/linux/BackendChoice.h"
#include "platform/linux/EpollProactor.h"
#include "platform/linux/InotifyWatcher.h"
#include "platform/linux/LinuxFileSystem.h"
#include "platform/linux/Listener.h"
#include "platform/linux/Signals.h"
#include "platform/linux/SystemdListeners.h"
#include "platform/linux/UringProactor.h"
#include "platform/linux/UringProbe.h"

namespace tpserve::platform {

namespace {

class UringEngine final : public IoEngine {
public:
    UringEngine(BoundListeners listeners, UringOptions options)
        : listeners_(std::move(listeners)), options_(options) {}

    [[nodiscard]] std::string_view name() const override { return "io_uring"; }
    [[nodiscard]] std::span<const std::string> urls() const override { return listeners_.urls; }

    std::unique_ptr<conn::Proactor> make_proactor(unsigned index, std::string& error) override {
        int error_errno = 0;
        return UringProactor::create(std::move(listeners_.per_worker.at(index)), options_, error,
                                     error_errno);
    }

    std::unique_ptr<conn::Proactor> make_admin_proactor(const config::ListenAddress& address,
                                                        std::uint32_t max_connections,
                                                        std::string& url,
                                                        std::string& error) override {
        BoundListeners listeners;
        if (!bind_listeners({address}, 1, listeners, error)) return nullptr;
        url = listeners.urls.at(0);
        UringOptions options = options_;
        options.max_connections = max_connections;
        int error_errno = 0;
        return UringProactor::create(std::move(listeners.per_worker.at(0)), options, error,
                                     error_errno);
    }

private:
    BoundListeners listeners_;
    UringOptions options_;
};

class EpollEngine final : public IoEngine {
public:
    EpollEngine(BoundListeners listeners, EpollOptions options)
        : listeners_(std::move(listeners)), options_(options) {}

    [[nodiscard]] std::string_view name() const override { return "epoll"; }
    [[nodiscard]] std::span<const std::string> urls() const override { return listeners_.urls; }

    std::unique_ptr<conn::Proactor> make_proactor(unsigned index, std::string& error) override {
        return EpollProactor::create(std::move(listeners_.per_worker.at(index)), options_, error);
    }

    std::unique_ptr<conn::Proactor> make_admin_proactor(const config::ListenAddress& address,
                                                        std::uint32_t max_connections,
                                                        std::string& url,
                                                        std::string& error) override {
        BoundListeners listeners;
        if (!bind_listeners({address}, 1, listeners, error)) return nullptr;
        url = listeners.urls.at(0);
        EpollOptions options = options_;
        options.max_connections = max_connections;
        return EpollProactor::create(std::move(listeners.per_worker.at(0)), options, error);
    }

private:
    BoundListeners listeners_;
    EpollOptions options_;
};

class SignalGuard final : public ControlSignals {
public:
    explicit SignalGuard(ControlActions actions)
        : watcher_(
              {std::move(actions.stop), std::move(actions.reload), std::move(actions.reopen_logs)},
              error_) {
        if (!watcher_.running())
            log::warn(
                "control signals keep their default actions (SIGTERM, SIGHUP and SIGUSR1 "
                "end the process): " +
                error_);
    }

private:
    std::string error_;  // before watcher_: its constructor writes it
    SignalWatcher watcher_;
};

}  // namespace

std::unique_ptr<files::FileSystem> open_document_root(const config::SiteSettings& site,
                                                      std::string& error) {
    return LinuxFileSystem::open_root(site.root, site.symlinks, error);
}

std::unique_ptr<files::DirectoryWatcher> watch_document_root(const config::SiteSettings& site,
                                                             files::ChangeListener& listener,
                                                             std::string& error) {
    return InotifyWatcher::start(site.root, listener, error);
}

std::uint64_t raise_open_file_limit() noexcept {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? UINT64_MAX : limit.rlim_cur;
}

EngineChoice choose_io_engine(const config::Config& config) {
    UringAttempt attempt;
    if (config.io.backend != config::IoBackend::Epoll) attempt = probe_io_uring();
    const BackendDecision decision = choose_backend(config.io.backend, attempt);
    return EngineChoice{decision.ok, std::string(backend_name(decision.backend)), decision.reason};
}

std::unique_ptr<IoEngine> create_io_engine(const config::Config& config, const EngineChoice& choice,
                                           unsigned workers, std::string& error) {
    BoundListeners listeners;
    // Sockets passed by systemd (socket activation) where it passed them.
    if (!open_listeners(config.listen, workers, listeners, error)) return nullptr;
    if (choice.name == backend_name(Backend::Epoll)) {
        EpollOptions options;
        options.max_connections = config.limits.max_connections;
        options.drain_timeout = config.timeouts.drain;
        return std::make_unique<EpollEngine>(std::move(listeners), options);
    }
    UringOptions options;
    options.max_connections = config.limits.max_connections;
    options.drain_timeout = config.timeouts.drain;
    return std::make_unique<UringEngine>(std::move(listeners), options);
}

unsigned available_cores() {
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : cores;
}

void return_free_memory() noexcept {
    // glibc returns only the top of a heap by itself; freed chunks in the
    // middle of a worker's arena stay resident until trimmed.
    ::malloc_trim(0);
}

std::unique_ptr<ControlSignals> watch_control_signals(ControlActions actions) {
    return std::make_unique<SignalGuard>(std::move(actions));
}

}  // namespace tpserve::platform
