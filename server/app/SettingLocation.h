#pragma once
// Where the config file sets a site's root or access log, so a reload
// refused because of one (a missing root, a log that cannot be opened) says
// file:line:column like every refusal the loader makes. config::Config keeps
// no positions; this reads the file again (yaml-cpp) and finds the node.
// Reload only: allocates, never throws.
#include <cstddef>
#include <string>

#include "config/Config.h"

namespace tpserve::app {

enum class SiteSetting : std::uint8_t { Root, AccessLog };

// "file:line:column" of the value that site `site_index` of
// config::effective_sites(config) takes for `setting` — its own, or the
// top-level one it inherits — when config.source writes that value;
// otherwise config.source alone (a value from the command line or the
// defaults, or a file changed since).
std::string setting_location(const config::Config& config, std::size_t site_index,
                             SiteSetting setting);

// The location of the first site setting check_runtime refuses (a root that
// is not a directory, an access log whose directory is missing or that is a
// directory), in check_runtime's order; config.source alone when none is.
std::string refused_setting_location(const config::Config& config);

}  // namespace tpserve::app
