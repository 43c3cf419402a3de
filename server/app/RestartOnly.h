#pragma once
// The configuration keys a reload cannot apply: they shape what exists
// from start-up to exit — the listening sockets, the worker threads, the
// I/O engine and each worker's slot table and drain bound. A reload that
// changes them applies everything else and keeps their running values
// (issue 17: "reported as needing a restart and ignored — never half-applied").
// Pure functions, table-driven (RestartOnly.cpp).
#include <string>
#include <vector>

#include "config/Config.h"

namespace tpserve::app {

// The keys whose value differs between `running` and `next`, in the
// table's order, as written in the config file ("workers", "io.backend").
std::vector<std::string> restart_only_changes(const config::Config& running,
                                              const config::Config& next);

// Sets every restart-only key of `next` back to `running`'s value.
void keep_restart_only(const config::Config& running, config::Config& next);

}  // namespace tpserve::app
