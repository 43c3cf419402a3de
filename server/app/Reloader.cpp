#include "app/Reloader.h"

#include <chrono>
#include <exception>
#include <filesystem>
#include <utility>

#include "app/ConfigError.h"
#include "app/RestartOnly.h"
#include "app/RuntimeCheck.h"
#include "app/SettingLocation.h"
#include "log/CivilTime.h"
#include "log/ErrorLog.h"
#include "platform/Platform.h"

namespace tpserve::app {

namespace {

// " modified 2026-12-08T00:41:02Z", or "" when the file's time is unknown.
std::string modified_text(const std::string& path) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(path, ec);
    if (ec) return "";
    const auto system = std::chrono::file_clock::to_sys(written);
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(system.time_since_epoch()).count();
    std::string text(log::kIsoLength, '\0');
    log::format_iso8601(seconds, text.data());
    return " modified " + text;
}

}  // namespace

void Reloader::Retire::operator()(const ServingState* state) const noexcept {
    // Runs where the last holder let go — often a worker switching to the
    // next generation — so the destruction itself is handed to the reloader.
    std::unique_ptr<const ServingState> owned(state);
    try {
        const std::lock_guard lock(reloader->mutex_);
        reloader->retired_.push_back(std::move(owned));
    } catch (...) {
        return;  // no memory to queue it: destroyed here instead
    }
    reloader->wake_.notify_all();
}

Reloader::Reloader(Load load, std::unique_ptr<ServingState> first, std::uint64_t file_limit)
    : load_(std::move(load)),
      file_limit_(file_limit),
      running_(first.release(), Retire{this}),
      source_(std::in_place, std::shared_ptr<const conn::Serving>(running_, &running_->serving())),
      reaper_([this](const std::stop_token& stop) { reap(stop); }),
      thread_([this](const std::stop_token& stop) { run(stop); }) {
    const std::string& source = running_->config().source;
    const std::lock_guard lock(mutex_);
    active_ = "generation 1, " +
              (source.empty() ? std::string("(defaults)") : source + modified_text(source));
}

Reloader::~Reloader() {
    thread_.request_stop();
    thread_.join();
    reaper_.request_stop();
    reaper_.join();
    // The members go in reverse order: the source and running_ hand their
    // generation to retired_, which destroys it last.
}

void Reloader::request_reload() {
    {
        const std::lock_guard lock(mutex_);
        requested_ = true;
    }
    wake_.notify_all();
}

void Reloader::run(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, stop, [this] { return requested_; });
        if (stop.stop_requested()) return;
        requested_ = false;
        lock.unlock();
        reload();
        lock.lock();
    }
}

void Reloader::reap(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, stop, [this] { return !retired_.empty(); });
        if (stop.stop_requested()) return;
        std::vector<std::unique_ptr<const ServingState>> ending = std::move(retired_);
        retired_.clear();
        lock.unlock();
        // Closing a root's inotify descriptor waits for the kernel's SRCU
        // grace period (measured here: 10-40 ms, seconds under a CPU-bound
        // load), so it is done here, where it delays neither a worker nor
        // the next reload.
        ending.clear();
        lock.lock();
    }
}

void Reloader::reload() {
    platform::notify_reloading();
    const std::string file =
        running_->config().source.empty() ? "(defaults)" : running_->config().source;
    // Read before the file is: a write after it shows as a later time.
    const std::string modified = modified_text(running_->config().source);
    std::string error;
    std::unique_ptr<ServingState> next;
    try {
        next = prepare(load_(), error);
    } catch (const ConfigError& failure) {
        error = failure.what();  // "file:line:column: reason"
    } catch (const std::exception& failure) {
        error = file + ": " + failure.what();
    }
    if (next) {
        publish(std::move(next), modified);
        reloads_ok_.fetch_add(1, std::memory_order_relaxed);
        log::info("reload: configuration active: " + describe_active());
    } else {
        reloads_failed_.fetch_add(1, std::memory_order_relaxed);
        log::error("reload failed: " + error + " (still serving " + describe_active() + ")");
    }
    platform::notify_ready();
}

std::unique_ptr<ServingState> Reloader::prepare(config::Config next, std::string& error) {
    const config::Config& running = running_->config();
    const std::string file = next.source.empty() ? "(defaults)" : next.source;
    // The checks --check-config makes beyond parsing (roots, log directories).
    const std::vector<std::string> problems = check_runtime(next);
    if (!problems.empty()) {
        error = refused_setting_location(next) + ": " + problems.front();
        for (std::size_t i = 1; i < problems.size(); ++i)
            error += "; " + problems[i];
        return nullptr;
    }
    const std::vector<std::string> restart_only = restart_only_changes(running, next);
    keep_restart_only(running, next);
    const bool error_log_changed =
        next.log.error != running.log.error || next.log.level != running.log.level;
    std::string location;
    auto state = ServingState::open(std::move(next), file_limit_, running_.get(), error, &location);
    if (!state) {
        error.insert(0, location + ": ");
        return nullptr;
    }
    if (error_log_changed) {
        // Last: nothing after it can fail, so the error log never switches
        // for a reload that is then refused.
        const config::Logging& logging = state->config().log;
        if (!log::configure(logging.level, logging.error, error)) {
            error.insert(0, file + ": error log: ");
            return nullptr;
        }
    }
    for (const std::string& key : restart_only) {
        std::string warning = "reload: " + file + ": ";
        warning += key;
        warning += " changed, which needs a restart: the running value is kept";
        log::warn(warning);
    }
    return state;
}

void Reloader::publish(std::unique_ptr<ServingState> next, const std::string& modified) {
    std::shared_ptr<const ServingState> state(next.release(), Retire{this});
    const std::string& source = state->config().source;
    std::string active = "generation " + std::to_string(source_->number() + 1) + ", ";
    active += source.empty() ? std::string("(defaults)") : source + modified;
    source_->publish(std::shared_ptr<const conn::Serving>(state, &state->serving()));
    std::shared_ptr<const ServingState> before;  // released after the lock: Retire takes it
    const std::lock_guard lock(mutex_);
    before = std::exchange(running_, std::move(state));
    active_ = std::move(active);
}

std::shared_ptr<const ServingState> Reloader::running() const {
    const std::lock_guard lock(mutex_);
    return running_;
}

std::string Reloader::describe_active() const {
    const std::lock_guard lock(mutex_);
    return active_;
}

void Reloader::flush_logs() const {
    running()->flush_logs();
}

std::vector<metrics::CacheCounts> Reloader::cache_counts() const {
    return running()->cache_counts();
}

void Reloader::reopen_logs() const {
    running()->reopen_logs();
}

}  // namespace tpserve::app
