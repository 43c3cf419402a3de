#include "conn/Epochs.h"

#include <algorithm>
#include <optional>
#include <utility>

namespace tpserve::conn {

struct Epochs::Epoch {
    Epoch(ServingSource::Latest latest, WorkspacePool::MemoryReturn memory_return)
        : serving(std::move(latest.serving)),
          number(latest.number),
          static_handler(make_static_handler(*serving)),
          resolver(serving->config.serve_hidden),
          workspaces(serving->config.limits, memory_return),
          env{serving->config, serving->handler != nullptr ? *serving->handler : *static_handler,
              resolver, workspaces} {}

    static std::optional<handler::StaticHandler> make_static_handler(const Serving& serving) {
        if (serving.handler != nullptr) return std::nullopt;
        return std::optional<handler::StaticHandler>(std::in_place, serving.config, *serving.sites,
                                                     *serving.mime);
    }

    std::shared_ptr<const Serving> serving;  // what everything below refers to
    std::uint64_t number;
    std::optional<handler::StaticHandler> static_handler;  // unless serving->handler answers
    files::PathResolver resolver;
    WorkspacePool workspaces;  // its parsers refer to this generation's limits
    ConnectionEnv env;
    std::uint32_t requests = 0;  // entered and not yet left
};

Epochs::Epochs(ServingSource& source, WorkspacePool::MemoryReturn memory_return)
    : source_(source),
      memory_return_(memory_return),
      current_(std::make_unique<Epoch>(source.latest(), memory_return)) {}

Epochs::~Epochs() = default;

ConnectionEnv& Epochs::enter() {
    if (source_.number() != current_->number) switch_to_latest();
    ++current_->requests;
    return current_->env;
}

void Epochs::leave(ConnectionEnv& env) noexcept {
    if (&env == &current_->env) {
        --current_->requests;
        return;
    }
    const auto found = std::find_if(draining_.begin(), draining_.end(),
                                    [&env](const auto& epoch) { return &epoch->env == &env; });
    if (found == draining_.end()) return;
    if (--(*found)->requests == 0) draining_.erase(found);  // its last request ended
}

void Epochs::switch_to_latest() {
    auto next = std::make_unique<Epoch>(source_.latest(), memory_return_);
    std::unique_ptr<Epoch> before = std::exchange(current_, std::move(next));
    if (before->requests > 0) draining_.push_back(std::move(before));
}

const config::Config& Epochs::current_config() const noexcept {
    return current_->serving->config;
}

Clock::time_point Epochs::housekeeping_due() const noexcept {
    return current_->workspaces.trim_due();
}

void Epochs::housekeep(Clock::time_point now) {
    if (source_.number() != current_->number) switch_to_latest();
    current_->workspaces.housekeep(now);
}

std::uint64_t Epochs::current_number() const noexcept {
    return current_->number;
}

}  // namespace tpserve::conn
