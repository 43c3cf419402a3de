#pragma once
// Ctrl+C, Ctrl+Break and closing the console window → one plain callback
// (SetConsoleCtrlHandler). Windows runs console handlers on a thread it
// creates for the event, so the callback runs there, never on a worker.
//
// The first event calls `on_first` once; a second Ctrl+C / Ctrl+Break ends
// the process at once (exit code 1), as a second SIGINT does on Linux. For
// CTRL_CLOSE / LOGOFF / SHUTDOWN Windows ends the process when the handler
// returns, so the handler waits (≤ 4.5 s, under the system's 5 s limit) for
// this object's destruction, i.e. for the server to finish draining.
//
// At most one instance at a time (the handler is process-wide).
#include <functional>

#include "platform/windows/UniqueHandle.h"

namespace tpserve::platform {

class ConsoleSignals {
public:
    explicit ConsoleSignals(std::function<void()> on_first);
    ~ConsoleSignals();
    ConsoleSignals(const ConsoleSignals&) = delete;
    ConsoleSignals& operator=(const ConsoleSignals&) = delete;

    // What the handler does for `event` (CTRL_C_EVENT ...); public for tests.
    // Returns TRUE when handled.
    static int handle(unsigned long event);

private:
    UniqueHandle done_;  // manual-reset event, set by the destructor
};

}  // namespace tpserve::platform
