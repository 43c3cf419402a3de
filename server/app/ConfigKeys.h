#pragma once
// Every key a config file can set outside a site or a header rule, by its
// dotted name ("limits.max_ranges"), with a comparison of the one member it
// sets: the key tables (ConfigTables.h) seen without YAML, for tests.
#include <functional>
#include <string>
#include <vector>

#include "config/Config.h"

namespace tpserve::app {

struct ConfigKey {
    std::string name;  // "listen", "limits.max_ranges", "mime.types"
    std::function<bool(const config::Config&, const config::Config&)> same;
};

// In the order of the tables (and of config/default.yaml).
std::vector<ConfigKey> config_keys();

}  // namespace tpserve::app
