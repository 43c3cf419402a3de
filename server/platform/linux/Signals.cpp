#include "platform/linux/Signals.h"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstring>

namespace tpserve::platform {

namespace {

sigset_t watched_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    // Not a user-facing signal here: the destructor sends it to wake sigwait.
    sigaddset(&set, SIGUSR1);
    return set;
}

void write_stderr(const char* text) {
    // write(2) only: this may run while other threads hold stdio locks.
    const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int signo)> on_first)
    : on_first_(std::move(on_first)) {
    (void)::signal(SIGPIPE, SIG_IGN);
    const sigset_t set = watched_set();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
    if (thread_.joinable()) {
        stopping_.store(true);
        ::pthread_kill(thread_.native_handle(), SIGUSR1);
        thread_.join();
    }
}

void SignalWatcher::watch() {
    const sigset_t set = watched_set();
    bool first_seen = false;
    for (;;) {
        int signo = 0;
        if (::sigwait(&set, &signo) != 0) continue;
        if (signo == SIGUSR1) {
            // A stray SIGUSR1 from outside is ignored; only ours ends the thread.
            if (stopping_.load()) return;
            continue;
        }
        if (!first_seen) {
            first_seen = true;
            if (on_first_) on_first_(signo);
            continue;
        }
        write_stderr("tpserve: second signal, exiting immediately\n");
        ::_exit(1);
    }
}

}  // namespace tpserve::platform
