#include "conn/Worker.h"

namespace tpserve::conn {

namespace {

// Accepts kept posted ahead of demand: enough for a burst of connects in one
// loop turn, small enough that idle workers hold few slots.
constexpr std::uint32_t kAcceptAhead = 16;

}  // namespace

Worker::Worker(ServingSource& source, Proactor& proactor, std::uint32_t max_connections,
               WorkspacePool::MemoryReturn memory_return, metrics::WorkerMetrics* metrics)
    : Worker(nullptr, &source, proactor, max_connections, memory_return, metrics) {}

Worker::Worker(const config::Config& config, Proactor& proactor, const handler::SiteTable& sites,
               const files::MimeTable& mime, std::uint32_t max_connections,
               WorkspacePool::MemoryReturn memory_return, metrics::WorkerMetrics* metrics)
    : Worker(std::make_unique<ServingSource>(std::make_shared<const Serving>(config, sites, mime)),
             nullptr, proactor, max_connections, memory_return, metrics) {}

Worker::Worker(const config::Config& config, Proactor& proactor, handler::RequestHandler& handler,
               std::uint32_t max_connections, metrics::WorkerMetrics* metrics)
    : Worker(std::make_unique<ServingSource>(std::make_shared<const Serving>(config, handler)),
             nullptr, proactor, max_connections, nullptr, metrics) {}

Worker::Worker(std::unique_ptr<ServingSource> fixed, ServingSource* source, Proactor& proactor,
               std::uint32_t max_connections, WorkspacePool::MemoryReturn memory_return,
               metrics::WorkerMetrics* metrics)
    : fixed_(std::move(fixed)),
      proactor_(proactor),
      metrics_(metrics != nullptr ? *metrics : own_metrics_),
      epochs_(source != nullptr ? *source : *fixed_, memory_return),
      slots_(max_connections),
      generations_(max_connections, 0) {
    proactor.count_into(metrics_);
    free_.reserve(max_connections);
    for (std::uint32_t slot = max_connections; slot > 0; --slot)
        free_.push_back(slot - 1);
}

void Worker::start() {
    offer_more();
}

void Worker::offer_more() {
    while (!stopping_ && offered_ < kAcceptAhead && !free_.empty()) {
        const std::uint32_t slot = free_.back();
        free_.pop_back();
        if (!slots_[slot])
            slots_[slot] = std::make_unique<Connection>(epochs_, proactor_, metrics_);
        const ConnId id{slot, ++generations_[slot]};
        slots_[slot]->offered(id);
        ++offered_;
        proactor_.accept(id);
    }
}

void Worker::release(std::uint32_t slot) {
    free_.push_back(slot);
    offer_more();
}

void Worker::on_completion(const Completion& completion) {
    const std::uint32_t slot = completion.conn.slot;
    if (slot >= slots_.size() || !slots_[slot] || completion.conn != slots_[slot]->id()) {
        return;  // stale: the slot has moved on to another connection
    }
    Connection& connection = *slots_[slot];
    const bool was_accepting = connection.state() == Connection::State::Accepting;
    const Connection::Outcome outcome = connection.on_completion(completion);
    if (was_accepting) {
        --offered_;
        if (connection.live()) {
            ++live_;
            metrics_.connections_accepted.add();
        }
    } else if (outcome == Connection::Outcome::Freed) {
        --live_;
        metrics_.connections_closed.add();
    }
    if (outcome == Connection::Outcome::Freed) {
        release(slot);
    } else if (was_accepting) {
        offer_more();
    }
}

void Worker::on_stop() {
    stopping_ = true;
    for (std::uint32_t slot = 0; slot < slots_.size(); ++slot) {
        if (!slots_[slot] || !slots_[slot]->live()) continue;
        if (slots_[slot]->on_stop() == Connection::Outcome::Freed) {
            --live_;
            metrics_.connections_closed.add();
            free_.push_back(slot);
        }
    }
}

}  // namespace tpserve::conn
