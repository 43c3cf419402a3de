#pragma once
// One worker's view of the serving generations (conn/Serving.h): the
// latest, which new requests use, and the older ones that requests begun
// before a reload still use. Each generation gets its own handler, path
// resolver and workspace pool here (allocated at the switch, never per
// request); a generation is released when its last request has ended, so an
// in-flight response finishes under the config it started with and a
// keep-alive connection's next request uses the new one.
//
// A request's span is the span its connection holds a Workspace: enter()
// when the first bytes of a request arrive, leave() when the workspace goes
// back. Worker-local and not thread-safe; the counts are plain integers.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "config/Config.h"
#include "conn/Connection.h"
#include "conn/Proactor.h"
#include "conn/Serving.h"
#include "conn/Workspace.h"
#include "files/PathResolver.h"
#include "handler/StaticHandler.h"

namespace tpserve::conn {

class Epochs {
public:
    Epochs(ServingSource& source, WorkspacePool::MemoryReturn memory_return);
    Epochs(const Epochs&) = delete;
    Epochs& operator=(const Epochs&) = delete;
    ~Epochs();

    // A request begins: switches to the latest generation first if one was
    // published (one relaxed load when none was), then pins it.
    ConnectionEnv& enter();
    // The request that enter() returned `env` for has ended.
    void leave(ConnectionEnv& env) noexcept;

    // The current generation's config, for what a connection decides between
    // requests (the first header timeout). Not pinned: read it at once.
    [[nodiscard]] const config::Config& current_config() const noexcept;

    // The housekeeping tick: also switches an idle worker, so a generation
    // is not kept alive by a worker that gets no requests.
    [[nodiscard]] Clock::time_point housekeeping_due() const noexcept;
    void housekeep(Clock::time_point now);

    // Generations this worker holds (the current one + those still in use).
    [[nodiscard]] std::size_t held() const noexcept { return 1 + draining_.size(); }
    [[nodiscard]] std::uint64_t current_number() const noexcept;

private:
    struct Epoch;
    void switch_to_latest();

    ServingSource& source_;
    WorkspacePool::MemoryReturn memory_return_;
    std::unique_ptr<Epoch> current_;
    std::vector<std::unique_ptr<Epoch>> draining_;  // older, each with requests in flight
};

}  // namespace tpserve::conn
