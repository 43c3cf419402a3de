// The running half of WindowsService.h: the dispatcher, ServiceMain, the
// control handler and the status reports. The state is process-wide because
// the service manager's callbacks are plain function pointers.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "platform/windows/Win32.h"
#include "platform/windows/WindowsService.h"

namespace tpserve::platform::winservice {

namespace {

constexpr DWORD kWaitHintMs = 10000;  // between checkpoints; they tick every second

struct ServiceState {
    std::mutex lock;
    std::condition_variable changed;
    SERVICE_STATUS_HANDLE handle = nullptr;
    SERVICE_STATUS status{};
    std::function<void()> on_stop;
    bool stop_requested = false;
    bool finished = false;  // run_server returned: the ticker ends
    const std::function<int()>* run_server = nullptr;
    int exit_code = 0;
};

ServiceState& state() {
    static ServiceState s;
    return s;
}

std::atomic<bool> g_active{false};

// Caller holds the lock.
void publish(ServiceState& s) {
    if (s.handle != nullptr) ::SetServiceStatus(s.handle, &s.status);
}

// Caller holds the lock.
void enter(ServiceState& s, DWORD new_state) {
    s.status.dwCurrentState = new_state;
    const bool pending = new_state == SERVICE_START_PENDING || new_state == SERVICE_STOP_PENDING;
    s.status.dwCheckPoint = pending ? 1 : 0;
    s.status.dwWaitHint = pending ? kWaitHintMs : 0;
    s.status.dwControlsAccepted =
        new_state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    publish(s);
}

// While starting or draining, a checkpoint a second tells the manager the
// service is alive (it gives up after a wait hint without progress).
void tick_checkpoints() {
    ServiceState& s = state();
    std::unique_lock lock(s.lock);
    while (!s.finished) {
        s.changed.wait_for(lock, std::chrono::seconds(1));
        if (s.finished) break;
        const DWORD current = s.status.dwCurrentState;
        if (current == SERVICE_START_PENDING || current == SERVICE_STOP_PENDING) {
            ++s.status.dwCheckPoint;
            publish(s);
        }
    }
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
    ServiceState& s = state();
    switch (control) {
        case SERVICE_CONTROL_STOP:
        case SERVICE_CONTROL_SHUTDOWN: {
            std::function<void()> on_stop;
            {
                const std::lock_guard lock(s.lock);
                if (s.stop_requested) return NO_ERROR;
                s.stop_requested = true;
                if (s.status.dwCurrentState != SERVICE_STOPPED) enter(s, SERVICE_STOP_PENDING);
                on_stop = s.on_stop;
            }
            if (on_stop) on_stop();  // outside the lock: it reports STOP_PENDING too
            return NO_ERROR;
        }
        case SERVICE_CONTROL_INTERROGATE:
            return NO_ERROR;
        default:
            return ERROR_CALL_NOT_IMPLEMENTED;
    }
}

void WINAPI service_main(DWORD, LPWSTR*) {
    ServiceState& s = state();
    const SERVICE_STATUS_HANDLE handle =
        ::RegisterServiceCtrlHandlerExW(L"tpserve", control_handler, nullptr);
    if (handle == nullptr) {
        s.exit_code = 1;  // nothing to report the failure to
        return;
    }
    {
        const std::lock_guard lock(s.lock);
        s.handle = handle;
        s.status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
        enter(s, SERVICE_START_PENDING);
    }
    std::thread ticker(tick_checkpoints);
    g_active = true;
    const int code = (*s.run_server)();
    g_active = false;
    {
        const std::lock_guard lock(s.lock);
        s.finished = true;
        s.exit_code = code;
    }
    s.changed.notify_all();
    ticker.join();
    const std::lock_guard lock(s.lock);
    // A non-zero exit is the service's own code: `sc query` shows it and
    // the failure actions (restart) apply.
    s.status.dwWin32ExitCode = code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
    s.status.dwServiceSpecificExitCode = static_cast<DWORD>(code);
    enter(s, SERVICE_STOPPED);
}

}  // namespace

int run(const std::function<int()>& run_server) {
    state().run_server = &run_server;
    // For an own-process service the name here is not checked.
    wchar_t name[] = L"tpserve";
    const SERVICE_TABLE_ENTRYW table[] = {{name, service_main}, {nullptr, nullptr}};
    if (!::StartServiceCtrlDispatcherW(table)) {
        const DWORD error = ::GetLastError();
        if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            (void)std::fprintf(
                stderr,
                "tpserve: --service run is how the service manager starts tpserve; it cannot "
                "run from a console (%s). Start the installed service with 'sc start tpserve', "
                "or run tpserve without --service.\n",
                error_text(error).c_str());
            return 2;
        }
        (void)std::fprintf(stderr, "tpserve: StartServiceCtrlDispatcher: %s\n",
                           error_text(error).c_str());
        return 1;
    }
    const std::lock_guard lock(state().lock);
    return state().exit_code;
}

bool active() noexcept {
    return g_active;
}

void set_stop_handler(std::function<void()> on_stop) {
    ServiceState& s = state();
    bool stop_now = false;
    {
        const std::lock_guard lock(s.lock);
        s.on_stop = on_stop;
        stop_now = s.stop_requested && on_stop;
    }
    if (stop_now) on_stop();
}

void report_running() {
    ServiceState& s = state();
    const std::lock_guard lock(s.lock);
    if (s.status.dwCurrentState == SERVICE_START_PENDING && !s.stop_requested)
        enter(s, SERVICE_RUNNING);
}

void report_stop_pending() {
    ServiceState& s = state();
    const std::lock_guard lock(s.lock);
    const DWORD current = s.status.dwCurrentState;
    if (current == SERVICE_START_PENDING || current == SERVICE_RUNNING)
        enter(s, SERVICE_STOP_PENDING);
}

}  // namespace tpserve::platform::winservice
