#include "platform/windows/ConsoleSignals.h"

#include <atomic>
#include <mutex>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

namespace {

// The handler is a plain function pointer: its state is process-wide.
std::mutex g_lock;
std::function<void()> g_on_first;
HANDLE g_done = nullptr;
std::atomic<int> g_events{0};

BOOL WINAPI console_handler(DWORD event) {
    return ConsoleSignals::handle(event);
}

}  // namespace

ConsoleSignals::ConsoleSignals(std::function<void()> on_first)
    : done_(::CreateEventW(nullptr, TRUE, FALSE, nullptr)) {
    {
        const std::lock_guard lock(g_lock);
        g_on_first = std::move(on_first);
        g_done = done_.get();
        g_events = 0;
    }
    ::SetConsoleCtrlHandler(console_handler, TRUE);
}

ConsoleSignals::~ConsoleSignals() {
    ::SetConsoleCtrlHandler(console_handler, FALSE);
    if (done_) ::SetEvent(done_.get());
    const std::lock_guard lock(g_lock);
    g_on_first = nullptr;
    g_done = nullptr;
}

int ConsoleSignals::handle(unsigned long event) {
    switch (event) {
        case CTRL_C_EVENT:
        case CTRL_BREAK_EVENT:
        case CTRL_CLOSE_EVENT:
        case CTRL_LOGOFF_EVENT:
        case CTRL_SHUTDOWN_EVENT:
            break;
        default:
            return FALSE;
    }
    std::function<void()> on_first;
    HANDLE done = nullptr;
    const int seen = g_events.fetch_add(1);
    {
        const std::lock_guard lock(g_lock);
        if (seen == 0) on_first = g_on_first;
        done = g_done;
    }
    if (seen == 0) {
        if (on_first) on_first();
    } else if (event == CTRL_C_EVENT || event == CTRL_BREAK_EVENT) {
        static const char note[] = "tpserve: second interrupt, exiting immediately\n";
        DWORD written = 0;
        ::WriteFile(::GetStdHandle(STD_ERROR_HANDLE), note, sizeof note - 1, &written, nullptr);
        ::TerminateProcess(::GetCurrentProcess(), 1);
    }
    if (event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT && done != nullptr) {
        // Returning lets Windows end the process: give the drain its time.
        ::WaitForSingleObject(done, 4500);
    }
    return TRUE;
}

}  // namespace tpserve::platform
