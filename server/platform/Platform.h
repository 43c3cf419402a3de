#pragma once
// What app/ needs from the platform, declared once for every OS; each
// platform directory implements it (platform/linux/LinuxPlatform.cpp). This
// is the only platform header app/ includes, so main() has no #ifdef.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "config/Config.h"
#include "conn/Proactor.h"
#include "files/ChangeWatch.h"
#include "files/FileSystem.h"

namespace tpserve::platform {

// A site's document root, held open for the process lifetime.
std::unique_ptr<files::FileSystem> open_document_root(const config::SiteSettings& site,
                                                      std::string& error);

// Change notices for `site`'s root, sent to `listener` from the watcher's
// own thread until the watcher is destroyed (files/ChangeWatch.h). Null when
// the platform cannot watch it (`error` says why): the cache then relies on
// its validity window alone.
std::unique_ptr<files::DirectoryWatcher> watch_document_root(const config::SiteSettings& site,
                                                             files::ChangeListener& listener,
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
    // A proactor of the same engine with one listener on `address` and at
    // most `max_connections` slots: the admin listener's, created on its own
    // thread. `url` receives the bound address as a URL; null + error when
    // the address cannot be bound. Called at most once.
    virtual std::unique_ptr<conn::Proactor> make_admin_proactor(
        const config::ListenAddress& address, std::uint32_t max_connections, std::string& url,
        std::string& error) = 0;
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
std::unique_ptr<IoEngine> create_io_engine(const config::Config& config, const EngineChoice& choice,
                                           unsigned workers, std::string& error);

// Raises this process's open-file limit to the most it may have (Linux:
// the soft RLIMIT_NOFILE to the hard one; Debian's soft default is 1024,
// far below max_connections plus the file cache). Returns the limit now in
// force (0 = no such limit, as on Windows). Never fails.
std::uint64_t raise_open_file_limit() noexcept;

// Worker count for `workers: auto`.
unsigned available_cores();

// Hands memory the allocator holds free back to the system (a worker calls
// it after freeing a burst's buffers; without it they stay in its RSS).
void return_free_memory() noexcept;

// What the process does on an operator's signal. Each action is called on
// the watcher's own thread, one at a time; an action must not block (it hands
// its work to another thread). A null action: that signal is ignored. Linux
// signals do not queue: two of a kind that arrive before the watcher reads
// them call the action once (both actions here are idempotent).
struct ControlActions {
    // The first SIGINT/SIGTERM (Windows: Ctrl+C / Ctrl+Break / console close,
    // or, under `--service run`, the service manager's STOP and SHUTDOWN).
    // A second one ends the process at once: exit code 1, a note on stderr.
    std::function<void()> stop;
    // Each SIGHUP. Windows: SERVICE_CONTROL_PARAMCHANGE is to call it (issue
    // 20); until then it is not called there.
    std::function<void()> reload;
    // Each SIGUSR1, logrotate's convention (as nginx). Not called on Windows
    // (log rotation there is issue 20).
    std::function<void()> reopen_logs;
};

// Watches the control signals until destroyed (destruction is prompt and
// joins the watcher: no action runs after it). Construct before any other
// thread starts (Linux: the signals are blocked in the calling thread, and
// later threads inherit that). Never null; if the watcher cannot start, a
// warning says so and the signals keep their default actions (SIGTERM,
// SIGHUP and SIGUSR1 then end the process).
class ControlSignals {
public:
    virtual ~ControlSignals() = default;
};
std::unique_ptr<ControlSignals> watch_control_signals(ControlActions actions);

// --- Running under a service manager ----------------------------------------

// What `--service install` writes into the service's command line.
struct ServiceSettings {
    std::string config_path;  // absolute; "" = the service starts with the defaults
    std::string executable;   // absolute; "" = this process's own executable
};

// `tpserve --service ACTION`. "install" first calls `body` to check the
// configuration (non-zero: nothing is installed, that code is returned),
// then registers the service (auto start, restart on failure) to run
// `"<exe>" --service run --config "<config>"`; "uninstall" stops it
// (bounded wait) and removes it; "run" is the entry the service manager
// starts: it connects to the manager, calls `body` (the server) on a service
// thread, reporting the service's states around it, and returns body's exit
// code. Returns the process exit code: 2 for usage or permission errors (and
// on systems without such services: Linux uses systemd, see notify_ready), 1
// for other failures. Messages go to stderr. Call from main() before any
// other thread starts.
int service_command(std::string_view action, const ServiceSettings& settings,
                    const std::function<int()>& body);

// The server is listening (notify_ready) / has begun to drain
// (notify_stopping). Linux: "READY=1" / "STOPPING=1" to $NOTIFY_SOCKET when
// the service manager (systemd Type=notify) set it; Windows: the service
// status RUNNING / STOP_PENDING when started by `--service run`. Otherwise
// nothing. Thread-safe, never throws; a failure is logged as a warning.
void notify_ready();
void notify_stopping();

// A reload has begun (app/Reloader); notify_ready() follows when it ends,
// applied or refused. Linux: "RELOADING=1" with "MONOTONIC_USEC=" (the
// CLOCK_MONOTONIC time in µs, which systemd >= 253 requires with it) to
// $NOTIFY_SOCKET; Windows: nothing (the service stays RUNNING). Thread-safe.
void notify_reloading();

}  // namespace tpserve::platform
