#pragma once
// One worker thread's share of the server: a pool of connection slots over
// one proactor. Share-nothing: each worker has its own proactor, handler and
// connections; only the immutable config, the sites (file systems, header
// rules, access logs) and the MIME table are shared (all thread-safe), one
// generation of them per reload (conn/Serving.h, conn/Epochs.h).
#include <cstdint>
#include <memory>
#include <vector>

#include "config/Config.h"
#include "conn/Connection.h"
#include "conn/Epochs.h"
#include "conn/Proactor.h"
#include "conn/Serving.h"
#include "conn/Workspace.h"
#include "files/MimeTable.h"
#include "handler/RequestHandler.h"
#include "handler/SiteTable.h"
#include "metrics/WorkerMetrics.h"

namespace tpserve::conn {

// Final, and CompletionSink's destructor is protected: no deletion through a
// base pointer can reach the non-virtual destructor the check warns about.
class Worker final : public CompletionSink {  // NOLINT(cppcoreguidelines-virtual-class-destructor)
public:
    // `max_connections` bounds the slots; connections are created lazily, so
    // memory follows the peak of concurrent clients, not the bound.
    // `memory_return` gives memory freed after a burst back to the system.
    // Serves whatever generation `source` publishes (switching at the next
    // request after a reload); `source` must outlive the worker.
    Worker(ServingSource& source, Proactor& proactor, std::uint32_t max_connections,
           WorkspacePool::MemoryReturn memory_return = nullptr,
           metrics::WorkerMetrics* metrics = nullptr);
    // Serves one fixed generation; every reference must outlive the worker.
    // `metrics` (null: a block of the worker's own, seen by nobody) is
    // written only by this worker.
    Worker(const config::Config& config, Proactor& proactor, const handler::SiteTable& sites,
           const files::MimeTable& mime, std::uint32_t max_connections,
           WorkspacePool::MemoryReturn memory_return = nullptr,
           metrics::WorkerMetrics* metrics = nullptr);
    // A worker whose requests `handler` answers (the admin listener's);
    // `handler` must outlive the worker.
    Worker(const config::Config& config, Proactor& proactor, handler::RequestHandler& handler,
           std::uint32_t max_connections, metrics::WorkerMetrics* metrics = nullptr);

    // Offers the first slots to the accept pool; call once before `run`.
    void start();

    void on_completion(const Completion& completion) override;
    void on_stop() override;
    [[nodiscard]] bool idle() const override { return live_ == 0; }
    [[nodiscard]] Deadline housekeeping_due() const override { return epochs_.housekeeping_due(); }
    void housekeep(Deadline now) override { epochs_.housekeep(now); }

    [[nodiscard]] std::uint32_t live_connections() const noexcept { return live_; }
    // The serving generations this worker holds, and the one it uses now.
    [[nodiscard]] std::size_t serving_generations_held() const noexcept { return epochs_.held(); }
    [[nodiscard]] std::uint64_t serving_generation() const noexcept {
        return epochs_.current_number();
    }

private:
    // `source` null: serve `fixed`.
    Worker(std::unique_ptr<ServingSource> fixed, ServingSource* source, Proactor& proactor,
           std::uint32_t max_connections, WorkspacePool::MemoryReturn memory_return,
           metrics::WorkerMetrics* metrics);
    void offer_more();
    void release(std::uint32_t slot);

    std::unique_ptr<ServingSource> fixed_;  // the one generation of the fixed constructors
    Proactor& proactor_;
    metrics::WorkerMetrics own_metrics_;  // unless given a block
    metrics::WorkerMetrics& metrics_;
    Epochs epochs_;
    std::vector<std::unique_ptr<Connection>> slots_;
    std::vector<std::uint32_t> generations_;
    std::vector<std::uint32_t> free_;  // never-offered or released slots
    std::uint32_t offered_ = 0;        // slots waiting in the accept pool
    std::uint32_t live_ = 0;           // accepted and not yet freed
    bool stopping_ = false;
};

}  // namespace tpserve::conn
