#pragma once
// Runs the real server binary as a child process for one test.
//
// The command comes from the environment so the same suite runs against every
// build: TPSERVE_SERVER is the command prefix, split on whitespace (e.g.
// "/usr/lib/wine/wine64 /build/tpserve.exe"), TPSERVE_SERVER_ARGS extra
// arguments appended last (e.g. "--io-backend epoll"). Without TPSERVE_SERVER
// the build's own tpserve (TPSERVE_DEFAULT_SERVER) is used.
//
// A background thread drains the child's stdout and stderr into buffers from
// start to exit, so the child never blocks on a full pipe and tests can assert
// on what it logged. All waits are bounded.
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace tpserve::integration {

using namespace std::chrono_literals;

struct ServerOptions {
    std::filesystem::path root;
    std::string listen = "127.0.0.1:0";
    std::optional<std::filesystem::path> config;
    unsigned workers = 2;  // 0: no --workers (the config file's count, else one per core)
    std::vector<std::string> extra_args;  // before TPSERVE_SERVER_ARGS
    std::chrono::milliseconds startup_timeout = 10s;
    // Where the server's error log goes when the config sends it to a file:
    // start() then looks for the "listening on" line there, not on stderr.
    std::optional<std::filesystem::path> error_log;
};

struct RunResult {
    bool timed_out = false;
    int exit_code = -1;  // -1 unless the process exited normally
    int term_signal = 0;
    std::string out;
    std::string err;
};

class ServerProcess {
public:
    ServerProcess() = default;
    ~ServerProcess();  // SIGKILLs a child still running, joins the drain thread
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    static std::vector<std::string> command_prefix();  // TPSERVE_SERVER, split
    static std::vector<std::string> server_args();     // TPSERVE_SERVER_ARGS, split
    // The signal that asks the server to shut down gracefully: SIGTERM, or
    // what TPSERVE_STOP_SIGNAL names ("INT"): Wine turns SIGINT into a
    // console CTRL_C_EVENT but lets SIGTERM kill the process outright.
    static int stop_signal();

    // Starts `prefix --root R --listen L --workers N --access-log off
    // --log-level info [--config F] extra... server_args...` and waits for the
    // "listening on http://HOST:PORT/" line on stderr. On failure the message
    // carries the command line and everything the child printed. A launch
    // that exits non-zero before printing anything of its own (Wine failing
    // to start the program) is tried once more.
    testing::AssertionResult start(const ServerOptions& options);

    // Runs prefix + args + server_args to completion (bounded; killed on timeout).
    static RunResult run(const std::vector<std::string>& args, std::chrono::milliseconds timeout);

    const std::string& host() const { return host_; }  // as printed, without brackets
    std::uint16_t port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string command_line() const;

    std::string stderr_text() const;
    std::string stdout_text() const;

    void signal(int sig) const;
    // Reaps the child if it exits within `timeout`; returns the raw wait status.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool exited() const { return wait_status_.has_value(); }

    // stop_signal(), then waits up to `timeout`; success only for exit status 0. On
    // a hang the child is SIGKILLed and the result is a failure.
    testing::AssertionResult stop(std::chrono::milliseconds timeout = 15s);

private:
    testing::AssertionResult start_once(const std::vector<std::string>& argv,
                                        const ServerOptions& options);
    // The error log so far: stderr, or the file options.error_log names.
    std::string error_log_text(const ServerOptions& options) const;  // mutex_ held
    // The child exited non-zero having printed nothing of its own: nothing
    // on stdout, on stderr only Wine's own "wine..." lines.
    bool launch_failed();
    void reset();  // forgets a child that has exited, to spawn another
    void spawn(const std::vector<std::string>& argv);
    void drain_loop(int out_fd, int err_fd);
    void wait_drained(std::chrono::milliseconds timeout);
    std::string describe() const;

    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    std::optional<int> wait_status_;
    std::string host_;
    std::uint16_t port_ = 0;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string out_;
    std::string err_;
    bool drained_ = false;
    bool stop_drain_ = false;
    std::thread drain_;
};

// "exited with status 0", "killed by signal 9", ...
std::string describe_wait_status(int status);

}  // namespace tpserve::integration
