#pragma once
// Start-up checks that need the file system (std::filesystem only), kept
// apart from parsing so a config can be validated on another machine.
#include <string>
#include <vector>

#include "config/Config.h"

namespace tpserve::app {

// Returns one human-readable problem per failed check (empty = all good):
// the root exists and is a directory; the directory of each log file exists;
// a log file path is not a directory. Never throws.
std::vector<std::string> check_runtime(const config::Config& config);

}  // namespace tpserve::app
