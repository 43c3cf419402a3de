#include "conn/Connection.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "conn/Epochs.h"
#include "handler/SiteTable.h"
#include "log/ErrorLog.h"
#include "net/AddressText.h"
#include "time/TurnClock.h"

namespace tpserve::conn {

namespace {

// Room for the longest allowed head plus the start of a pipelined request,
// so the parser, not the buffer, is what enforces the header limits.
constexpr std::size_t kBufferSlack = 4096;

std::string_view protocol_of(const http::Request& request) noexcept {
    return request.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
}

}  // namespace

Connection::Connection(Epochs& epochs, Proactor& proactor, metrics::WorkerMetrics& metrics)
    : epochs_(epochs), proactor_(proactor), metrics_(metrics) {}

void Connection::offered(ConnId id) noexcept {
    id_ = id;
    state_ = State::Accepting;
}

Connection::Outcome Connection::on_completion(const Completion& completion) {
    switch (completion.kind) {
        case OpKind::Accept:
            return on_accept(completion);
        case OpKind::Receive:
            return on_receive(completion);
        case OpKind::Transmit:
            return on_transmit(completion);
    }
    return Outcome::Live;
}

Connection::Outcome Connection::on_accept(const Completion& completion) {
    if (completion.status != IoStatus::Ok) return freed();
    peer_ = completion.peer;
    local_ = completion.local;
    filled_ = 0;
    served_ = 0;
    idle_since_ = time::TurnClock::now();
    if (stopping_) return abort();
    post_receive();
    return Outcome::Live;
}

Connection::Outcome Connection::on_receive(const Completion& completion) {
    if (state_ == State::Closing || completion.status != IoStatus::Ok) {
        if (state_ == State::Closing) return freed();
        // A stalled request or a dead peer: nothing useful can be answered.
        if (completion.status == IoStatus::TimedOut) {
            if (filled_ > 0) log::debug("request head timed out");
            count_receive_timeout();
        }
        return abort();
    }
    std::size_t received = completion.bytes;
    if (receiving_any_) {
        // The bytes are in the backend's memory only for this call.
        receiving_any_ = false;
        take_workspace();
        received = std::min(completion.data.size(), workspace_->size - filled_);
        std::memcpy(workspace_->buffer.get() + filled_, completion.data.data(), received);
    }
    if (filled_ == 0) {
        request_start_ = time::TurnClock::now();
        request_deadline_ = request_start_ + env_->config.timeouts.header;
    }
    filled_ += received;
    return process();
}

Connection::Outcome Connection::on_transmit(const Completion& completion) {
    metrics::WorkerMetrics& metrics = metrics_;
    metrics.response_bytes.add(completion.bytes);
    if (planned_ > 0) {
        metrics.observe_duration(time::TurnClock::now() - plan_start_, planned_);
        planned_ = 0;
    }
    if (completion.status == IoStatus::TimedOut)
        metrics.count_deadline(metrics::DeadlineKind::Send);
    if (completion.closed || state_ == State::Closing) return freed();
    if (completion.status != IoStatus::Ok) return abort();
    workspace_->plan.clear();
    idle_since_ = time::TurnClock::now();
    if (stopping_ && !request_in_progress()) return abort();
    return process();
}

Connection::Outcome Connection::on_stop() {
    stopping_ = true;
    if (state_ == State::Reading && !request_in_progress()) {
        // An idle keep-alive connection: cancel its receive; the Cancelled
        // completion frees the slot.
        state_ = State::Closing;
        proactor_.close(id_);
    }
    return Outcome::Live;
}

bool Connection::request_in_progress() const noexcept {
    return filled_ > 0;
}

Connection::Outcome Connection::process() {
    http::RequestParser& parser = workspace_->parser;
    plan::TransmitPlan& plan = workspace_->plan;
    for (;;) {
        const http::ParseEvent event =
            parser.parse(std::span<const std::byte>(workspace_->buffer.get(), filled_));
        if (event == http::ParseEvent::Request) {
            respond(parser.request());
            if (plan.disposition == plan::Disposition::Close) {
                // Nothing received beyond this request: nothing to drain.
                plan.linger = filled_ > parser.parsed();
                break;
            }
            parser.next();
            continue;
        }
        if (event == http::ParseEvent::ExpectContinue) {
            handler::RequestHandler::add_continue(plan);
        } else if (event == http::ParseEvent::Error) {
            respond_error(parser.error_status());
        }
        break;
    }
    compact();
    if (!plan.empty()) {
        state_ = State::Transmitting;
        proactor_.transmit(id_, plan, time::TurnClock::now() + env_->config.timeouts.send);
        return Outcome::Live;
    }
    if (filled_ == workspace_->size && workspace_->size < capacity_) grow();
    if (filled_ == capacity_) {
        // Unreachable while the parser enforces the limits; never spin on a full buffer.
        respond_error(431);
        state_ = State::Transmitting;
        proactor_.transmit(id_, plan, time::TurnClock::now() + env_->config.timeouts.send);
        return Outcome::Live;
    }
    post_receive();
    return Outcome::Live;
}

void Connection::respond(const http::Request& request) {
    const bool keep_alive = !stopping_ && served_ + 1 < env_->config.limits.keepalive_requests;
    const handler::ResponseInfo info =
        env_->handler.respond(request, keep_alive, env_->resolver, workspace_->plan);
    ++served_;
    count_response(metrics::method_class(request.method), info.status);
    log_access(&request, info);
}

void Connection::respond_error(std::uint16_t status) {
    const handler::ResponseInfo info = env_->handler.respond_error(status, workspace_->plan);
    count_response(metrics::MethodClass::Other, info.status);
    log_access(nullptr, info);
}

void Connection::count_response(metrics::MethodClass method, std::uint16_t status) noexcept {
    metrics_.count_request(method, status);
    if (planned_++ == 0) plan_start_ = request_start_;
}

// Which wait ran out: a request head (or the first request) not received in
// time, a body stalled between its reads, or an idle keep-alive connection.
void Connection::count_receive_timeout() noexcept {
    const bool between = !workspace_ || workspace_->parser.between_requests();
    metrics::DeadlineKind kind = metrics::DeadlineKind::Header;
    if (!between && filled_ == 0) {
        kind = metrics::DeadlineKind::Body;
    } else if (between && filled_ == 0 && served_ > 0) {
        kind = metrics::DeadlineKind::KeepAlive;
    }
    metrics_.count_deadline(kind);
}

void Connection::log_access(const http::Request* request, const handler::ResponseInfo& info) {
    log::AccessLog* const access_log = info.site != nullptr ? info.site->access_log : nullptr;
    if (access_log == nullptr) return;
    log::AccessRecord record{};
    // The addresses are formatted here, and asked for (a system call for
    // some backends) on the first logged request of the connection.
    if (!peer_.known()) peer_ = proactor_.peer_address(id_);
    std::array<char, net::kMaxAddressText> peer_text{};
    record.peer = net::address_text(peer_, peer_text);
    std::array<char, net::kMaxAddressText> local_text{};
    if (log::logs_local_address(access_log->format())) {
        if (!local_.known()) local_ = proactor_.local_address(id_);
        record.local_ip = net::address_text(local_, local_text);
        record.local_port = local_.port;
    }
    record.unix_time = time::TurnClock::unix_seconds();
    if (request != nullptr) {
        record.method = request->method_text;
        record.target = request->target;
        record.protocol = protocol_of(*request);
        record.referer = request->header("referer");
        record.user_agent = request->header("user-agent");
        record.host = request->header("host");
    }
    record.site = info.site->settings.name;
    record.status = info.status;
    record.body_bytes = info.body_bytes;
    record.bytes_sent = info.head_bytes + info.body_bytes;
    record.encoding = info.encoding;
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        time::TurnClock::now() - request_start_);
    record.request_time_us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, elapsed.count()));
    access_log->write(record);
}

void Connection::compact() noexcept {
    const std::size_t drop = std::min(workspace_->parser.droppable(), filled_);
    if (drop == 0) return;
    std::byte* const buffer = workspace_->buffer.get();
    std::memmove(buffer, buffer + drop, filled_ - drop);
    workspace_->parser.drop(drop);
    filled_ -= drop;
    // What is left is the start of the next request: its head timer starts now.
    if (filled_ > 0) {
        request_start_ = time::TurnClock::now();
        request_deadline_ = request_start_ + env_->config.timeouts.header;
    }
}

void Connection::post_receive() {
    const Clock::time_point now = time::TurnClock::now();
    // Between requests (after the accept) no generation is held: the current one decides.
    const config::Timeouts& timeouts =
        env_ != nullptr ? env_->config.timeouts : epochs_.current_config().timeouts;
    const Clock::duration idle_timeout = served_ == 0 ? timeouts.header : timeouts.keepalive;
    // Between requests the wait counts from idle_since_; inside a body whose
    // bytes were all consumed, from each read, like nginx's client_body_timeout.
    const bool between = !workspace_ || workspace_->parser.between_requests();
    const Deadline deadline = request_in_progress() ? request_deadline_
                              : between             ? idle_since_ + idle_timeout
                                                    : now + idle_timeout;
    state_ = State::Reading;
    if (filled_ == 0 && between) {
        // Nothing to keep between requests: wait without a buffer.
        give_back_workspace(now);
        receiving_any_ = true;
        proactor_.receive(id_, {}, deadline);
        return;
    }
    proactor_.receive(
        id_, std::span<std::byte>(workspace_->buffer.get() + filled_, workspace_->size - filled_),
        deadline);
}

void Connection::grow() {
    // The parser keeps offsets, not pointers, so the window may move.
    auto larger = std::make_unique_for_overwrite<std::byte[]>(capacity_);
    std::memcpy(larger.get(), workspace_->buffer.get(), filled_);
    workspace_->buffer = std::move(larger);
    workspace_->size = capacity_;
}

void Connection::take_workspace() {
    if (workspace_) return;
    // A request begins: under the latest generation, held until it ends.
    env_ = &epochs_.enter();
    capacity_ = env_->config.limits.header_bytes + kBufferSlack;
    workspace_ = env_->workspaces.acquire();
}

void Connection::give_back_workspace(Clock::time_point now) noexcept {
    if (!workspace_) return;
    env_->workspaces.release(std::move(workspace_), now);
    epochs_.leave(*env_);
    env_ = nullptr;
}

Connection::Outcome Connection::abort() {
    proactor_.close(id_);
    return freed();
}

Connection::Outcome Connection::freed() noexcept {
    state_ = State::Free;
    filled_ = 0;
    planned_ = 0;
    receiving_any_ = false;
    if (workspace_) give_back_workspace(time::TurnClock::now());
    return Outcome::Freed;
}

}  // namespace tpserve::conn
