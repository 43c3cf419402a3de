#pragma once
// The sites one server runs and how a request's Host picks one: an exact
// name, else the longest matching "*.suffix" wildcard, else the default
// site (like nginx's server_name). Built at start-up; read-only afterwards,
// so every worker shares one table.
#include <memory>
#include <string_view>
#include <vector>

#include "config/Config.h"
#include "files/FileSystem.h"
#include "handler/HeaderRules.h"
#include "log/AccessLog.h"

namespace tpserve::handler {

struct Site {
    Site(const config::Site& site_settings, const files::FileSystem& site_files,
         log::AccessLog* site_log)
        : settings(site_settings),
          files(site_files),
          access_log(site_log),
          rules(site_settings.headers) {}

    const config::Site& settings;
    const files::FileSystem& files;
    log::AccessLog* access_log;  // null: this site does not log
    HeaderRules rules;
};

class SiteTable {
public:
    // `sites` must hold exactly one default site (config::effective_sites
    // guarantees it); every reference in them must outlive the table.
    explicit SiteTable(std::vector<std::unique_ptr<Site>> sites);

    // `host` is a Host field value or an absolute-form authority, as
    // received ("Example.COM:8080", "[::1]:80"). Never fails: unknown or
    // malformed names get the default site. No allocation.
    [[nodiscard]] const Site& select(std::string_view host) const noexcept;
    [[nodiscard]] const Site& default_site() const noexcept { return *default_; }
    [[nodiscard]] std::size_t size() const noexcept { return sites_.size(); }

private:
    struct Name {
        std::string_view name;  // exact name, or the suffix of a wildcard ("example.com")
        const Site* site;
    };
    std::vector<std::unique_ptr<Site>> sites_;
    std::vector<Name> exact_;      // sorted by name
    std::vector<Name> wildcards_;  // longest suffix first
    const Site* default_ = nullptr;
};

}  // namespace tpserve::handler
