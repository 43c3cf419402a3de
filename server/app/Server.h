#pragma once
// Runs the server with a validated configuration until a shutdown signal;
// returns the process exit code.
#include "config/Config.h"

namespace tpserve::app {

int run_server(const config::Config& config);

}  // namespace tpserve::app
