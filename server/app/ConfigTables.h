#pragma once
// The key table of every config section (see ConfigRules.h): which keys
// each section has, the member each one sets and how its value is read.
// config/default.yaml documents the same keys in the same order.
#include "app/ConfigRules.h"
#include "config/Config.h"

namespace tpserve::app {

// The top level, with `sites` (read after every other key: sites inherit them).
const KeyTable<config::Config>& top_level_keys();

// The settings a site may set for itself, whose defaults are the top-level
// ones: for the top level (config::Config) and for a site (config::SiteSettings).
template <class S>
const KeyTable<S>& site_setting_keys();

const KeyTable<config::Precompressed>& precompressed_keys();
const KeyTable<config::HeaderRule>& header_rule_keys();
const KeyTable<config::Limits>& limit_keys();
const KeyTable<config::Timeouts>& timeout_keys();
const KeyTable<config::Cache>& cache_keys();
const KeyTable<config::Io>& io_keys();
const KeyTable<config::Windows>& windows_keys();
const KeyTable<config::Logging>& log_keys();
const KeyTable<config::Admin>& admin_keys();
const KeyTable<config::Site>& site_log_keys();

}  // namespace tpserve::app
