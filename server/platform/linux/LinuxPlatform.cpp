// The Linux implementation of platform/Platform.h: wires the document root
// (openat2 beneath a directory fd), SO_REUSEPORT listeners and one io_uring
// proactor per worker.
#include <thread>

#include "platform/Platform.h"
#include "platform/linux/LinuxFileSystem.h"
#include "platform/linux/Listener.h"
#include "platform/linux/Signals.h"
#include "platform/linux/UringProactor.h"

namespace tpserve::platform {

namespace {

class UringEngine final : public IoEngine {
public:
    UringEngine(BoundListeners listeners, UringOptions options)
        : listeners_(std::move(listeners)), options_(options) {}

    std::string_view name() const override { return "io_uring"; }
    std::span<const std::string> urls() const override { return listeners_.urls; }

    std::unique_ptr<conn::Proactor> make_proactor(unsigned index, std::string& error) override {
        int error_errno = 0;
        return UringProactor::create(std::move(listeners_.per_worker.at(index)), options_, error,
                                     error_errno);
    }

private:
    BoundListeners listeners_;
    UringOptions options_;
};

class SignalGuard final : public ShutdownSignals {
public:
    explicit SignalGuard(std::function<void()> on_stop)
        : watcher_([stop = std::move(on_stop)](int) { stop(); }) {}

private:
    SignalWatcher watcher_;
};

}  // namespace

std::unique_ptr<files::FileSystem> open_document_root(const config::Config& config,
                                                      std::string& error) {
    return LinuxFileSystem::open_root(config.root, config.symlinks, error);
}

std::unique_ptr<IoEngine> create_io_engine(const config::Config& config, unsigned workers,
                                           std::string& error) {
    BoundListeners listeners;
    if (!bind_listeners(config.listen, workers, listeners, error)) return nullptr;
    UringOptions options;
    options.drain_timeout = config.timeouts.drain;
    return std::make_unique<UringEngine>(std::move(listeners), options);
}

unsigned available_cores() {
    const unsigned cores = std::thread::hardware_concurrency();
    return cores == 0 ? 1 : cores;
}

std::unique_ptr<ShutdownSignals> watch_shutdown_signals(std::function<void()> on_stop) {
    return std::make_unique<SignalGuard>(std::move(on_stop));
}

}  // namespace tpserve::platform
