#include "platform/linux/Signals.h"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>

namespace tpserve::platform {

namespace {

// SIGHUP (reload) and SIGUSR1 (log reopen, logrotate's convention as with
// nginx) are the operator's now, so the watcher cannot borrow one to wake
// itself. It waits in poll() on a signalfd for the set and an eventfd the
// destructor writes: destruction is prompt and sends no signal, and there is
// no periodic wake-up (sigtimedwait + a flag would need one).
sigset_t watched_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    return set;
}

void write_stderr(const char* text) {
    // write(2) only: this may run while other threads hold stdio locks.
    const ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
    (void)ignored;
}

void call(const std::function<void()>& action) {
    if (action) action();
}

}  // namespace

SignalWatcher::SignalWatcher(Actions actions, std::string& error) : actions_(std::move(actions)) {
    (void)::signal(SIGPIPE, SIG_IGN);
    const sigset_t set = watched_set();
    wake_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_) {
        error = std::string("eventfd: ") + std::strerror(errno);
        return;
    }
    signals_.reset(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signals_) {
        error = std::string("signalfd: ") + std::strerror(errno);
        return;
    }
    // signalfd only sees signals that no thread takes: block them here, in
    // the thread every later one inherits its mask from.
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
    thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
    if (!thread_.joinable()) return;
    const std::uint64_t one = 1;
    const ssize_t ignored = ::write(wake_.get(), &one, sizeof one);
    (void)ignored;
    thread_.join();
}

void SignalWatcher::watch() {
    bool stop_seen = false;
    std::array<pollfd, 2> fds{pollfd{signals_.get(), POLLIN, 0}, pollfd{wake_.get(), POLLIN, 0}};
    for (;;) {
        if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR
        if (fds[1].revents != 0) return;
        // A burst of signals may be queued: read them all before waiting again.
        signalfd_siginfo info{};
        while (::read(signals_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info))
            dispatch(static_cast<int>(info.ssi_signo), stop_seen);
    }
}

void SignalWatcher::dispatch(int signo, bool& stop_seen) const {
    switch (signo) {
        case SIGHUP:
            call(actions_.reload);
            return;
        case SIGUSR1:
            call(actions_.reopen_logs);
            return;
        default:
            break;
    }
    if (!stop_seen) {
        stop_seen = true;
        call(actions_.stop);
        return;
    }
    write_stderr("tpserve: second signal, exiting immediately\n");
    ::_exit(1);
}

}  // namespace tpserve::platform
