#include "app/ServingState.h"

#include <algorithm>
#include <utility>

#include "log/ErrorLog.h"
#include "platform/Platform.h"

namespace tpserve::app {

namespace {

log::AccessFormat log_format(config::AccessFormat format) {
    switch (format) {
        case config::AccessFormat::Json:
            return log::AccessFormat::Json;
        case config::AccessFormat::W3c:
            return log::AccessFormat::W3c;
        case config::AccessFormat::Combined:
            break;
    }
    return log::AccessFormat::Combined;
}

}  // namespace

ServingState::ServingState(config::Config config)
    : config_(std::move(config)),
      site_settings_(config::effective_sites(config_)),
      mime_(config_.mime_types, config_.default_mime_type) {}

ServingState::~ServingState() = default;

std::unique_ptr<ServingState> ServingState::open(config::Config config, std::uint64_t file_limit,
                                                 const ServingState* previous, std::string& error,
                                                 std::string* location) {
    std::unique_ptr<ServingState> state(new ServingState(std::move(config)));
    std::size_t failed = 0;
    SiteSetting setting = SiteSetting::Root;
    if (!state->open_sites(file_limit, previous, error, failed, setting)) {
        if (location != nullptr) *location = setting_location(state->config_, failed, setting);
        return nullptr;
    }
    state->serving_.emplace(state->config_, *state->sites_, state->mime_);
    return state;
}

void ServingState::flush_logs() const noexcept {
    for (const Log& access : logs_)
        access.log->flush();
}

std::vector<metrics::CacheCounts> ServingState::cache_counts() const {
    std::vector<metrics::CacheCounts> counts;
    counts.reserve(caches_.size());
    for (std::size_t i = 0; i < caches_.size(); ++i)  // caches_[i] is site_settings_[i]'s
        counts.push_back({site_settings_.at(i).name, caches_[i]->counters()});
    return counts;
}

void ServingState::reopen_logs() const noexcept {
    for (const Log& access : logs_)
        access.log->reopen();
}

bool ServingState::open_sites(std::uint64_t file_limit, const ServingState* previous,
                              std::string& error, std::size_t& failed, SiteSetting& setting) {
    // The file caches may hold half the descriptors; connections, logs and
    // the rest keep the other half (10,000 cached files must not stop accepts).
    if (file_limit != 0 && file_limit != UINT64_MAX) {
        max_open_per_site_ = static_cast<std::size_t>(std::max<std::uint64_t>(
            64, file_limit / 2 / std::max<std::size_t>(1, site_settings_.size())));
    }
    std::vector<std::unique_ptr<handler::Site>> sites;
    for (const config::Site& site : site_settings_) {
        const std::string who = site_settings_.size() > 1 ? "site " + site.name + ": " : "";
        failed = sites.size();
        auto root = platform::open_document_root(site, error);
        if (!root) {
            error.insert(0, who + "document root: ");
            setting = SiteSetting::Root;
            return false;
        }
        std::string log_error;
        log::AccessLog* const access = access_log_for(site, previous, log_error);
        if (!log_error.empty()) {
            error = who + log_error;
            setting = SiteSetting::AccessLog;
            return false;
        }
        const files::FileSystem* served = root.get();
        roots_.push_back(std::move(root));
        if (config_.cache.enabled) add_cache(site, served);
        sites.push_back(std::make_unique<handler::Site>(site, *served, access));
    }
    sites_ = std::make_unique<handler::SiteTable>(std::move(sites));
    return true;
}

log::AccessLog* ServingState::access_log_for(const config::Site& site, const ServingState* previous,
                                             std::string& error) {
    if (site.access_log == "off") return nullptr;
    for (const Log& open : logs_) {
        if (open.destination != site.access_log) continue;
        if (open.format != site.access_format) {
            error = "access log " + site.access_log +
                    " is shared with another site in a different format";
            return nullptr;
        }
        return open.log.get();
    }
    if (previous != nullptr) {
        for (const Log& kept : previous->logs_) {
            if (kept.destination == site.access_log && kept.format == site.access_format) {
                logs_.push_back(kept);  // the same writer: nothing reopened, no line lost
                return kept.log.get();
            }
        }
    }
    std::unique_ptr<log::AccessLog> opened =
        log::AccessLog::open(site.access_log, log_format(site.access_format), error,
                             log::AccessLog::kDefaultMaxBufferBytes, "tpserve " TPSERVE_VERSION);
    if (!opened) {
        error.insert(0, "access log: ");
        return nullptr;
    }
    logs_.push_back({site.access_log, site.access_format, std::move(opened)});
    return logs_.back().log.get();
}

void ServingState::add_cache(const config::Site& site, const files::FileSystem*& served) {
    const config::Cache& cache = config_.cache;
    caches_.push_back(std::make_unique<files::FileCache>(
        *served, files::FileCache::Settings{cache.validity, cache.max_entries, cache.max_file_bytes,
                                            cache.max_bytes, max_open_per_site_}));
    files::FileCache& opened = *caches_.back();
    served = &opened;
    if (!cache.watch) return;
    std::string why;
    auto watcher = platform::watch_document_root(site, opened, why);
    if (watcher) {
        opened.attach(watcher.get());
        watchers_.push_back(std::move(watcher));
    } else {
        const std::string who = site_settings_.size() > 1 ? "site " + site.name + ": " : "";
        log::warn(who + "file changes are seen within cache.validity only: " + why);
    }
}

}  // namespace tpserve::app
