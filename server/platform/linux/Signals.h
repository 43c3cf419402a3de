#pragma once
// Turns the operator's signals into plain callbacks on a dedicated thread, so
// no code runs in signal-handler context and the workers never see them.
#include <functional>
#include <string>
#include <thread>

#include "platform/linux/Fd.h"

namespace tpserve::platform {

class SignalWatcher {
public:
    struct Actions {
        std::function<void()> stop;         // first SIGINT or SIGTERM
        std::function<void()> reload;       // each SIGHUP
        std::function<void()> reopen_logs;  // each SIGUSR1
    };

    // Must be constructed in main before any other thread starts: it blocks
    // SIGINT, SIGTERM, SIGHUP and SIGUSR1 in the calling thread, and threads
    // started later inherit that mask (a thread that left one unblocked would
    // take that signal with its default action: the end of the process).
    // SIGPIPE is set to SIG_IGN for the whole process (a write to a closed
    // socket then fails with EPIPE instead of killing us).
    // The actions run on the watcher thread, one at a time; a null one leaves
    // its signal ignored. A second SIGINT/SIGTERM writes a short note to
    // stderr and ends the process at once with _exit(1).
    // On failure (no signalfd/eventfd: out of descriptors) `error` says why
    // and running() is false; the signals are then left as they were.
    SignalWatcher(Actions actions, std::string& error);
    // Wakes and joins the watcher thread at once (the signals stay blocked:
    // one arriving later stays pending instead of killing the process).
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    [[nodiscard]] bool running() const noexcept { return thread_.joinable(); }

private:
    void watch();
    void dispatch(int signo, bool& stop_seen) const;

    Actions actions_;
    UniqueFd signals_;  // signalfd for the watched set
    UniqueFd wake_;     // eventfd the destructor writes to end watch()
    std::thread thread_;
};

}  // namespace tpserve::platform
