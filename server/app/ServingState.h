#pragma once
// One generation of what the server serves (conn/Serving.h): the config,
// the MIME table, the site table and everything the sites hold open — their
// document roots, file caches, change watchers and access logs. Built off
// the workers' threads (at start-up, and by app/Reloader on a reload);
// immutable once built. Start-up/reload only: allocates, may throw.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/SettingLocation.h"
#include "config/Config.h"
#include "conn/Serving.h"
#include "files/ChangeWatch.h"
#include "files/FileCache.h"
#include "files/FileSystem.h"
#include "files/MimeTable.h"
#include "handler/SiteTable.h"
#include "log/AccessLog.h"
#include "metrics/Registry.h"

namespace tpserve::app {

class ServingState {
public:
    // Opens what `config` names. An access log whose destination and format
    // are those of one of `previous`'s (may be null) is that same log, not
    // reopened: no line is lost or reordered across a reload. `file_limit`
    // is the process's open-file limit (0 or UINT64_MAX: none), which the
    // file caches share. Null + `error` when a root or a log cannot be
    // opened; then `location` (if given) says where the file sets it
    // ("file:line:column", app/SettingLocation.h).
    static std::unique_ptr<ServingState> open(config::Config config, std::uint64_t file_limit,
                                              const ServingState* previous, std::string& error,
                                              std::string* location = nullptr);

    ServingState(const ServingState&) = delete;
    ServingState& operator=(const ServingState&) = delete;
    ~ServingState();

    [[nodiscard]] const conn::Serving& serving() const noexcept { return *serving_; }
    [[nodiscard]] const config::Config& config() const noexcept { return config_; }
    [[nodiscard]] const std::vector<config::Site>& sites() const noexcept { return site_settings_; }
    // The most descriptors each site's file cache may keep open.
    [[nodiscard]] std::size_t max_open_per_site() const noexcept { return max_open_per_site_; }
    // Writes out what the access logs hold (shutdown).
    void flush_logs() const noexcept;
    // Each access log opens its path again (SIGUSR1: log rotation).
    void reopen_logs() const noexcept;
    // Each site's file cache counters, for /metrics (none when the cache is off).
    [[nodiscard]] std::vector<metrics::CacheCounts> cache_counts() const;

private:
    struct Log {
        std::string destination;
        config::AccessFormat format;
        std::shared_ptr<log::AccessLog> log;  // shared with the generations that reuse it
    };

    explicit ServingState(config::Config config);
    // False + `error`; `failed` is then the site whose setting could not be opened.
    bool open_sites(std::uint64_t file_limit, const ServingState* previous, std::string& error,
                    std::size_t& failed, SiteSetting& setting);
    log::AccessLog* access_log_for(const config::Site& site, const ServingState* previous,
                                   std::string& error);
    void add_cache(const config::Site& site, const files::FileSystem*& served);

    config::Config config_;
    std::vector<config::Site> site_settings_;  // what each handler::Site refers to
    files::MimeTable mime_;
    std::size_t max_open_per_site_ = SIZE_MAX;
    std::vector<std::unique_ptr<files::FileSystem>> roots_;
    std::vector<std::unique_ptr<files::FileCache>> caches_;  // in front of roots, same order
    // Declared after the caches, so destroyed (their threads stopped) first.
    std::vector<std::unique_ptr<files::DirectoryWatcher>> watchers_;
    std::vector<Log> logs_;
    std::unique_ptr<handler::SiteTable> sites_;
    std::optional<conn::Serving> serving_;  // set once everything above is open
};

}  // namespace tpserve::app
