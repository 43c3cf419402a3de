#pragma once
// tpserve as a Windows service named "tpserve": installing and removing it
// (the service control manager's database), and running as it — the
// dispatcher connection, ServiceMain, the control handler and the status
// reports (START_PENDING → RUNNING → STOP_PENDING → STOPPED, with
// checkpoints ticking once a second while pending, so a long drain is not
// taken for a hang). The status is process-wide: one service per process.
#include <functional>
#include <string>

#include "platform/Platform.h"

namespace tpserve::platform::winservice {

// Register / remove the service; messages to stderr, the exit code back
// (0, 2 for usage or permission errors, 1 otherwise). uninstall stops a
// running service first, waiting at most 30 s.
int install(const ServiceSettings& settings);
int uninstall();

// Connects to the service manager and runs `run_server` on ServiceMain's
// thread; returns its exit code once the service reported STOPPED. Started
// from a console instead (ERROR_FAILED_SERVICE_CONTROLLER_CONNECT): a
// message and 2. Call on the main thread before any other thread starts.
int run(const std::function<int()>& run_server);

// True while ServiceMain runs `run_server` (any thread may ask).
bool active() noexcept;

// The STOP and SHUTDOWN controls call `on_stop` (on the dispatcher thread,
// once); null removes it. A stop that arrived before it was set is passed
// on at once.
void set_stop_handler(std::function<void()> on_stop);

// RUNNING (accepting STOP and SHUTDOWN) after START_PENDING; STOP_PENDING.
// No-ops when not active or when the state has moved past them.
void report_running();
void report_stop_pending();

// "text of the error (code N)" for a Win32 error code, in UTF-8.
std::string error_text(unsigned long code);

}  // namespace tpserve::platform::winservice
