#pragma once
// Where the config file sets a site's root, so a reload refused because a
// root is missing says file:line:column like every other refusal. The
// loader keeps no positions in config::Config; this reads the file again
// (yaml-cpp) and finds the node. Reload only: allocates, never throws.
#include <cstddef>
#include <string>

#include "config/Config.h"

namespace tpserve::app {

// "file:line:column" of the root that site `site_index` of
// config::effective_sites(config) takes — its own `root`, or the top-level
// one it inherits — when config.source writes that value; otherwise
// config.source alone (a root from --root, the default, an unreadable file).
std::string root_location(const config::Config& config, std::size_t site_index);

}  // namespace tpserve::app
