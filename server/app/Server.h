#pragma once
// Runs the server with a validated configuration until a shutdown signal;
// returns the process exit code. `reload_config` reads the configuration
// again for a reload (app/Reloader.h: throws ConfigError when it cannot).
#include <functional>

#include "config/Config.h"

namespace tpserve::app {

int run_server(const config::Config& config, std::function<config::Config()> reload_config);

}  // namespace tpserve::app
