#pragma once
// A SiteTable over one document root for handler and connection tests: the
// config's top-level settings as the only (default) site.
#include <memory>
#include <vector>

#include "config/Config.h"
#include "files/FileSystem.h"
#include "handler/SiteTable.h"
#include "log/AccessLog.h"

namespace tpserve::testing {

struct TestSites {
    // Every site of `config` (effective_sites) served from `files`; call
    // after the test has finished changing `config`.
    TestSites(const config::Config& config, const files::FileSystem& files,
              log::AccessLog* access_log = nullptr)
        : settings(config::effective_sites(config)) {
        std::vector<std::unique_ptr<handler::Site>> sites;
        for (const config::Site& site : settings)
            sites.push_back(std::make_unique<handler::Site>(site, files, access_log));
        table = std::make_unique<handler::SiteTable>(std::move(sites));
    }

    std::vector<config::Site> settings;
    std::unique_ptr<handler::SiteTable> table;
};

}  // namespace tpserve::testing
