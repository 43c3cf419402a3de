#pragma once
// Turns SIGINT/SIGTERM into a plain callback on a dedicated thread, so no code
// runs in signal-handler context and the workers never see these signals.
#include <atomic>
#include <functional>
#include <thread>

namespace tpserve::platform {

class SignalWatcher {
public:
    // Must be constructed in main before any other thread starts: it blocks
    // SIGINT, SIGTERM and SIGUSR1 in the calling thread, and threads started
    // later inherit that mask. SIGPIPE is set to SIG_IGN for the whole process
    // (a write to a closed socket then fails with EPIPE instead of killing us).
    // `on_first` is called once, on the watcher thread, for the first SIGINT or
    // SIGTERM (e.g. to request stop on a std::stop_source). A second one writes a
    // short note to stderr and ends the process at once with _exit(1).
    explicit SignalWatcher(std::function<void(int signo)> on_first);
    // Stops and joins the watcher thread (the signals stay blocked).
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

private:
    void watch();

    std::function<void(int)> on_first_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace tpserve::platform
