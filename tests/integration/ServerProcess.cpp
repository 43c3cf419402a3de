#include "ServerProcess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "WaitUntil.h"

namespace tpserve::integration {

namespace {

std::vector<std::string> split_words(const char* text) {
    std::vector<std::string> words;
    if (text == nullptr) return words;
    std::istringstream in(text);
    for (std::string w; in >> w;)
        words.push_back(w);
    return words;
}

void make_pipe(int fds[2]) {
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
    }
}

}  // namespace

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        return "killed by signal " + std::to_string(WTERMSIG(status)) + " (" +
               strsignal(WTERMSIG(status)) + ")";
    }
    return "wait status " + std::to_string(status);
}

std::vector<std::string> ServerProcess::command_prefix() {
    auto words = split_words(std::getenv("TPSERVE_SERVER"));
#ifdef TPSERVE_DEFAULT_SERVER
    if (words.empty()) words = split_words(TPSERVE_DEFAULT_SERVER);
#endif
    if (words.empty()) throw std::runtime_error("TPSERVE_SERVER is not set");
    return words;
}

int ServerProcess::stop_signal() {
    const char* name = std::getenv("TPSERVE_STOP_SIGNAL");
    if (name != nullptr && std::string_view(name) == "INT") return SIGINT;
    return SIGTERM;
}

std::vector<std::string> ServerProcess::server_args() {
    return split_words(std::getenv("TPSERVE_SERVER_ARGS"));
}

ServerProcess::~ServerProcess() {
    if (pid_ > 0 && !wait_status_) {
        ::kill(pid_, SIGKILL);
        wait_exit(5s);
    }
    {
        std::lock_guard lock(mutex_);
        stop_drain_ = true;
    }
    if (drain_.joinable()) drain_.join();
}

std::string ServerProcess::command_line() const {
    std::string s;
    for (const auto& a : argv_) {
        if (!s.empty()) s += ' ';
        s += a;
    }
    return s;
}

std::string ServerProcess::stderr_text() const {
    std::lock_guard lock(mutex_);
    return err_;
}

std::string ServerProcess::stdout_text() const {
    std::lock_guard lock(mutex_);
    return out_;
}

std::string ServerProcess::describe() const {
    std::lock_guard lock(mutex_);
    return "command: " + command_line() + "\n--- server stderr ---\n" + err_ +
           "\n--- server stdout ---\n" + out_ + "\n---";
}

void ServerProcess::spawn(const std::vector<std::string>& argv) {
    argv_ = argv;
    int out[2];
    int err[2];
    make_pipe(out);
    make_pipe(err);
    std::vector<char*> cargv;
    for (auto& a : argv_)
        cargv.push_back(a.data());
    cargv.push_back(nullptr);
    const pid_t parent = ::getpid();

    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid_ == 0) {
        // A crashed or killed test must not leave servers behind.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(126);
        const int null_fd = ::open("/dev/null", O_RDONLY);
        if (null_fd >= 0) ::dup2(null_fd, 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execvp(cargv[0], cargv.data());
        // Only async-signal-safe calls between fork and exec: no allocation.
        static constexpr char msg[] = "exec failed: ";
        [[maybe_unused]] auto n1 = ::write(2, msg, sizeof msg - 1);
        [[maybe_unused]] auto n2 = ::write(2, cargv[0], std::strlen(cargv[0]));
        [[maybe_unused]] auto n3 = ::write(2, "\n", 1);
        ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    drain_ = std::thread([this, o = out[0], e = err[0]] { drain_loop(o, e); });
}

void ServerProcess::drain_loop(int out_fd, int err_fd) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    std::string* sinks[2] = {&out_, &err_};
    int open_count = 2;
    char buf[8192];
    while (open_count > 0) {
        {
            std::lock_guard lock(mutex_);
            if (stop_drain_) break;
        }
        // A short timeout so a grandchild holding the pipe (wineserver) cannot
        // keep this thread alive past the destructor.
        const int ready = ::poll(fds, 2, 100);
        if (ready < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                std::lock_guard lock(mutex_);
                sinks[i]->append(buf, static_cast<std::size_t>(n));
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            }
        }
        changed_.notify_all();
    }
    for (auto& f : fds) {
        if (f.fd >= 0) ::close(f.fd);
    }
    {
        std::lock_guard lock(mutex_);
        drained_ = true;
    }
    changed_.notify_all();
}

void ServerProcess::wait_drained(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return drained_; });
}

testing::AssertionResult ServerProcess::start(const ServerOptions& options) {
    std::vector<std::string> argv = command_prefix();
    const std::vector<std::string> fixed = {"--root",       options.root.string(),
                                            "--listen",     options.listen,
                                            "--access-log", "off",
                                            "--log-level",  "info"};
    argv.insert(argv.end(), fixed.begin(), fixed.end());
    if (options.workers != 0) {
        argv.push_back("--workers");
        argv.push_back(std::to_string(options.workers));
    }
    if (options.config) {
        argv.push_back("--config");
        argv.push_back(options.config->string());
    }
    argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
    const auto tail = server_args();
    argv.insert(argv.end(), tail.begin(), tail.end());
    testing::AssertionResult started = start_once(argv, options);
    if (started || !launch_failed()) return started;
    // Under Wine, about once in a few thousand launches wine64 exits at once
    // without running the program ("wine client error:0: recvmsg: Connection
    // reset by peer": its wineserver was exiting as it connected). The same
    // narrow retry as build/windows/wine-test.sh gives the test programs.
    std::cerr << "ServerProcess: the server exited before printing anything of its own; "
                 "Wine did not start it, starting it once more\n"
              << describe() << "\n";
    reset();
    return start_once(argv, options);
}

bool ServerProcess::launch_failed() {
    if (!wait_status_) return false;
    if (WIFEXITED(*wait_status_) && WEXITSTATUS(*wait_status_) == 0) return false;
    wait_drained(1s);
    std::lock_guard lock(mutex_);
    if (!out_.empty()) return false;
    // Only Wine's own complaint counts: a native server that dies silently
    // (a crash before its first line) fails the test, it is not retried.
    bool wine_spoke = false;
    std::istringstream lines(err_);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("wine", 0) != 0) return false;  // the program spoke
        wine_spoke = true;
    }
    return wine_spoke;
}

void ServerProcess::reset() {
    {
        std::lock_guard lock(mutex_);
        stop_drain_ = true;
    }
    if (drain_.joinable()) drain_.join();
    std::lock_guard lock(mutex_);
    out_.clear();
    err_.clear();
    drained_ = false;
    stop_drain_ = false;
    wait_status_.reset();
    pid_ = -1;
}

std::string ServerProcess::error_log_text(const ServerOptions& options) const {
    if (!options.error_log) return err_;
    std::ifstream in(*options.error_log, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

testing::AssertionResult ServerProcess::start_once(const std::vector<std::string>& argv,
                                                   const ServerOptions& options) {
    spawn(argv);
    const std::chrono::milliseconds startup_timeout = options.startup_timeout;

    static constexpr std::string_view marker = "listening on http://";
    const auto deadline = std::chrono::steady_clock::now() + startup_timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
        const std::string text = error_log_text(options);
        const auto at = text.find(marker);
        if (at != std::string::npos) {
            // HOST:PORT/ or [V6HOST]:PORT/
            std::size_t p = at + marker.size();
            std::size_t host_end;
            if (p < text.size() && text[p] == '[') {
                host_end = text.find(']', p);
                if (host_end != std::string::npos) {
                    host_ = text.substr(p + 1, host_end - p - 1);
                    ++host_end;
                }
            } else {
                host_end = text.find(':', p);
                if (host_end != std::string::npos) host_ = text.substr(p, host_end - p);
            }
            if (host_end != std::string::npos && host_end < text.size() && text[host_end] == ':') {
                std::size_t q = host_end + 1;
                unsigned long port = 0;
                while (q < text.size() && text[q] >= '0' && text[q] <= '9') {
                    port = port * 10 + static_cast<unsigned long>(text[q] - '0');
                    ++q;
                }
                if (q < text.size() && text[q] == '/' && port > 0 && port < 65536) {
                    port_ = static_cast<std::uint16_t>(port);
                    return testing::AssertionSuccess();
                }
            }
        }
        if (drained_) break;  // the child closed its pipes: it is gone
        // A file says nothing when it grows: look again every 10 ms.
        const auto next = options.error_log
                              ? std::min(deadline, std::chrono::steady_clock::now() + 10ms)
                              : deadline;
        if (changed_.wait_until(lock, next) == std::cv_status::timeout &&
            std::chrono::steady_clock::now() >= deadline)
            break;
    }
    lock.unlock();
    std::string why;
    if (wait_exit(200ms)) {
        why = "the server " + describe_wait_status(*wait_status_) +
              " without printing 'listening on http://HOST:PORT/'";
    } else {
        why = "the server did not print 'listening on http://HOST:PORT/' within " +
              std::to_string(startup_timeout.count()) + " ms";
    }
    return testing::AssertionFailure() << why << "\n" << describe();
}

void ServerProcess::signal(int sig) const {
    if (pid_ > 0 && !wait_status_) ::kill(pid_, sig);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
    if (wait_status_) return wait_status_;
    if (pid_ <= 0) return std::nullopt;
    bool lost = false;  // waitpid failed: nothing to wait for
    support::wait_until(
        [&] {
            int status = 0;
            const pid_t r = ::waitpid(pid_, &status, WNOHANG);
            if (r == pid_) wait_status_ = status;
            lost = r < 0 && errno != EINTR;
            return wait_status_.has_value() || lost;
        },
        timeout, 5ms);
    return wait_status_;
}

testing::AssertionResult ServerProcess::stop(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return testing::AssertionFailure() << "the server was never started";
    signal(stop_signal());
    const auto t0 = std::chrono::steady_clock::now();
    if (!wait_exit(timeout)) {
        ::kill(pid_, SIGKILL);
        wait_exit(5s);
        wait_drained(500ms);
        return testing::AssertionFailure() << "the server did not exit within " << timeout.count()
                                           << " ms of SIGTERM and was killed\n"
                                           << describe();
    }
    wait_drained(500ms);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - t0);
    if (!WIFEXITED(*wait_status_) || WEXITSTATUS(*wait_status_) != 0) {
        return testing::AssertionFailure()
               << "after SIGTERM the server " << describe_wait_status(*wait_status_) << " (after "
               << ms.count() << " ms), expected exit status 0\n"
               << describe();
    }
    return testing::AssertionSuccess();
}

RunResult ServerProcess::run(const std::vector<std::string>& args,
                             std::chrono::milliseconds timeout) {
    std::vector<std::string> argv = command_prefix();
    argv.insert(argv.end(), args.begin(), args.end());
    const auto tail = server_args();
    argv.insert(argv.end(), tail.begin(), tail.end());
    ServerProcess p;
    p.spawn(argv);
    RunResult result;
    if (!p.wait_exit(timeout)) {
        result.timed_out = true;
        ::kill(p.pid_, SIGKILL);
        p.wait_exit(5s);
    }
    p.wait_drained(1s);
    if (p.wait_status_) {
        if (WIFEXITED(*p.wait_status_)) result.exit_code = WEXITSTATUS(*p.wait_status_);
        if (WIFSIGNALED(*p.wait_status_)) result.term_signal = WTERMSIG(*p.wait_status_);
    }
    result.out = p.stdout_text();
    result.err = p.stderr_text();
    return result;
}

}  // namespace tpserve::integration
