#pragma once
// One client connection: the single state machine every backend drives.
//
//   Accepting --accept--> Reading --request(s)--> Transmitting --done--> Reading
//                            |  error / timeout          | Close plan
//                            +--------> Closing <--------+--> Free
//
// Exactly one operation is in flight while Reading or Transmitting; the
// object is touched only from its worker thread. Pipelined requests found in
// one receive are answered by one plan, in order. Between requests the
// connection holds no Workspace: it waits with a receive into the backend's
// memory and takes a workspace from the worker's pool when bytes arrive.
// Holding a workspace is holding a request: the connection answers it under
// the serving generation current when it began (conn/Epochs), and takes the
// latest one for the next.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "config/Config.h"
#include "conn/Proactor.h"
#include "conn/Workspace.h"
#include "files/PathResolver.h"
#include "handler/RequestHandler.h"
#include "log/AccessLog.h"
#include "metrics/WorkerMetrics.h"
#include "net/SocketAddress.h"

namespace tpserve::conn {

class Epochs;

// One serving generation as a worker uses it (conn/Epochs.h).
struct ConnectionEnv {
    const config::Config& config;
    handler::RequestHandler& handler;  // its ResponseInfo names the site, whose log is used
    files::PathResolver& resolver;     // the worker's: only used while a request is answered
    WorkspacePool& workspaces;         // the generation's, in the worker
};

class Connection {
public:
    enum class State : std::uint8_t { Free, Accepting, Reading, Transmitting, Closing };
    enum class Outcome : std::uint8_t { Live, Freed };

    // `metrics`: the worker's, written only on its thread.
    Connection(Epochs& epochs, Proactor& proactor, metrics::WorkerMetrics& metrics);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() = default;

    // The slot was offered to the proactor's accept pool under `id`.
    void offered(ConnId id) noexcept;
    // Every completion for this slot; Freed means the slot may be offered again.
    Outcome on_completion(const Completion& completion);
    // Shutdown: idle connections close now, busy ones after their response.
    Outcome on_stop();

    [[nodiscard]] State state() const noexcept { return state_; }
    [[nodiscard]] ConnId id() const noexcept { return id_; }
    [[nodiscard]] bool live() const noexcept {
        return state_ == State::Reading || state_ == State::Transmitting ||
               state_ == State::Closing;
    }

private:
    Outcome on_accept(const Completion& completion);
    Outcome on_receive(const Completion& completion);
    Outcome on_transmit(const Completion& completion);
    Outcome process();
    Outcome abort();
    Outcome freed() noexcept;
    void respond(const http::Request& request);
    void respond_error(std::uint16_t status);
    void compact() noexcept;
    void post_receive();
    void grow();
    void take_workspace();
    void give_back_workspace(Clock::time_point now) noexcept;
    void log_access(const http::Request* request, const handler::ResponseInfo& info);
    void count_response(metrics::MethodClass method, std::uint16_t status) noexcept;
    void count_receive_timeout() noexcept;
    [[nodiscard]] bool request_in_progress() const noexcept;

    Epochs& epochs_;
    Proactor& proactor_;
    metrics::WorkerMetrics& metrics_;
    ConnectionEnv* env_ = nullptr;  // the request's generation, while workspace_ is held
    ConnId id_{};
    State state_ = State::Free;
    bool stopping_ = false;
    std::uint32_t served_ = 0;
    Deadline request_deadline_{};
    Clock::time_point request_start_{};  // first byte of the request being parsed
    // The responses in the plan being built or sent, and the first byte of
    // the first of their requests: the request duration histogram's input.
    std::uint32_t planned_ = 0;
    Clock::time_point plan_start_{};
    // When the wait for the next request began (accept, or the last answer
    // sent): its header or keep-alive timeout counts from there, so bytes
    // that start no request (the empty lines RFC 9112 §2.2 lets a client
    // send before one) cannot keep a connection open.
    Clock::time_point idle_since_{};
    std::unique_ptr<Workspace> workspace_;  // held from the first byte of a request to idle
    bool receiving_any_ = false;            // the receive in flight uses the backend's memory
    std::size_t capacity_ = 0;              // the most the receive buffer may grow to
    std::size_t filled_ = 0;
    // The client's and the server side's address (Family::None: not known
    // yet, asked for when a request is logged).
    net::SocketAddress peer_;
    net::SocketAddress local_;
};

}  // namespace tpserve::conn
