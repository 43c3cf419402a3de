#pragma once
// `sites`: the list of sites, each made of the top-level settings (read
// before it) and its own keys (its key table is in ConfigSites.cpp).
#include "app/ConfigReader.h"
#include "config/Config.h"

namespace tpserve::app {

// Reads the `sites` entry into config.sites; config's top-level settings
// must be read already. Checks across sites: a host belongs to one site, one
// site is the default, one log destination has one format.
void read_sites(const Reader& r, const Entry& e, config::Config& config);

}  // namespace tpserve::app
