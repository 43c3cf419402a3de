#include "conn/Connection.h"

#include <algorithm>
#include <cstring>

#include "handler/DateCache.h"
#include "log/ErrorLog.h"

namespace tpserve::conn {

namespace {

// Room for the longest allowed head plus the start of a pipelined request,
// so the parser, not the buffer, is what enforces the header limits.
constexpr std::size_t kBufferSlack = 4096;
// What a connection receives into at first: most request heads fit, and an
// idle keep-alive connection holds no more. A larger head grows the buffer
// once, up to the limit (header_bytes + slack).
constexpr std::size_t kInitialBuffer = 4096;

std::string_view protocol_of(const http::Request& request) noexcept {
    return request.version_minor == 0 ? "HTTP/1.0" : "HTTP/1.1";
}

// "192.0.2.1:5555" -> "192.0.2.1", "[::1]:5555" -> "::1".
std::string_view address_only(std::string_view peer) noexcept {
    const std::size_t colon = peer.rfind(':');
    if (colon != std::string_view::npos && peer.find(':') != colon) {
        // IPv6: only bracketed forms carry a port.
        if (peer.front() != '[') return peer;
    }
    std::string_view host = colon == std::string_view::npos ? peer : peer.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return host;
}

// "192.0.2.1:80" -> 80; 0 when there is no port.
std::uint16_t port_of(std::string_view address) noexcept {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos || (address.front() != '[' && address.find(':') != colon))
        return 0;
    unsigned port = 0;
    for (const char c : address.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535) return 0;
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    return port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
}

}  // namespace

Connection::Connection(ConnectionEnv& env)
    : env_(env),
      parser_(env.config.limits),
      capacity_(env.config.limits.header_bytes + kBufferSlack) {}

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
    if (!buffer_) {
        size_ = std::min(kInitialBuffer, capacity_);
        buffer_ = std::make_unique_for_overwrite<std::byte[]>(size_);
    }
    const std::size_t size = std::min(completion.peer.size(), peer_.size());
    std::memcpy(peer_.data(), completion.peer.data(), size);
    peer_size_ = size;
    local_size_ = std::min(completion.local.size(), local_.size());
    std::memcpy(local_.data(), completion.local.data(), local_size_);
    parser_.reset();
    filled_ = 0;
    served_ = 0;
    plan_.clear();
    if (stopping_) return abort();
    post_receive();
    return Outcome::Live;
}

Connection::Outcome Connection::on_receive(const Completion& completion) {
    if (state_ == State::Closing || completion.status != IoStatus::Ok) {
        if (state_ == State::Closing) return freed();
        // A stalled request or a dead peer: nothing useful can be answered.
        if (completion.status == IoStatus::TimedOut && filled_ > 0) {
            log::debug("request head timed out");
        }
        return abort();
    }
    if (filled_ == 0) {
        request_start_ = Clock::now();
        request_deadline_ = request_start_ + env_.config.timeouts.header;
    }
    filled_ += completion.bytes;
    return process();
}

Connection::Outcome Connection::on_transmit(const Completion& completion) {
    if (completion.closed || state_ == State::Closing) return freed();
    if (completion.status != IoStatus::Ok) return abort();
    plan_.clear();
    if (stopping_ && !request_in_progress()) return abort();
    return process();
}

Connection::Outcome Connection::on_stop() {
    stopping_ = true;
    if (state_ == State::Reading && !request_in_progress()) {
        // An idle keep-alive connection: cancel its receive; the Cancelled
        // completion frees the slot.
        state_ = State::Closing;
        env_.proactor.close(id_);
    }
    return Outcome::Live;
}

bool Connection::request_in_progress() const noexcept {
    return filled_ > 0;
}

Connection::Outcome Connection::process() {
    for (;;) {
        const http::ParseEvent event =
            parser_.parse(std::span<const std::byte>(buffer_.get(), filled_));
        if (event == http::ParseEvent::Request) {
            respond(parser_.request());
            if (plan_.disposition == plan::Disposition::Close) break;
            parser_.next();
            continue;
        }
        if (event == http::ParseEvent::ExpectContinue) {
            handler::StaticHandler::add_continue(plan_);
        } else if (event == http::ParseEvent::Error) {
            respond_error(parser_.error_status());
        }
        break;
    }
    compact();
    if (!plan_.empty()) {
        state_ = State::Transmitting;
        env_.proactor.transmit(id_, plan_, Clock::now() + env_.config.timeouts.send);
        return Outcome::Live;
    }
    if (filled_ == size_ && size_ < capacity_) grow();
    if (filled_ == capacity_) {
        // Unreachable while the parser enforces the limits; never spin on a full buffer.
        respond_error(431);
        state_ = State::Transmitting;
        env_.proactor.transmit(id_, plan_, Clock::now() + env_.config.timeouts.send);
        return Outcome::Live;
    }
    post_receive();
    return Outcome::Live;
}

void Connection::respond(const http::Request& request) {
    const bool keep_alive = !stopping_ && served_ + 1 < env_.config.limits.keepalive_requests;
    const handler::ResponseInfo info =
        env_.handler.respond(request, keep_alive, env_.resolver, plan_);
    ++served_;
    log_access(&request, info);
}

void Connection::respond_error(std::uint16_t status) {
    const handler::ResponseInfo info = env_.handler.respond_error(status, plan_);
    log_access(nullptr, info);
}

void Connection::log_access(const http::Request* request, const handler::ResponseInfo& info) {
    log::AccessLog* const access_log = info.site != nullptr ? info.site->access_log : nullptr;
    if (access_log == nullptr) return;
    log::AccessRecord record{};
    record.peer = address_only(std::string_view(peer_.data(), peer_size_));
    record.unix_time = handler::DateCache::unix_seconds();
    if (request != nullptr) {
        record.method = request->method_text;
        record.target = request->target;
        record.protocol = protocol_of(*request);
        record.referer = request->header("referer");
        record.user_agent = request->header("user-agent");
        record.host = request->header("host");
    }
    record.site = info.site->settings.name;
    const std::string_view local(local_.data(), local_size_);
    record.local_ip = address_only(local);
    record.local_port = port_of(local);
    record.status = info.status;
    record.body_bytes = info.body_bytes;
    record.bytes_sent = info.head_bytes + info.body_bytes;
    record.encoding = info.encoding;
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - request_start_);
    record.request_time_us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, elapsed.count()));
    access_log->write(record);
}

void Connection::compact() noexcept {
    const std::size_t drop = std::min(parser_.droppable(), filled_);
    if (drop == 0) return;
    std::memmove(buffer_.get(), buffer_.get() + drop, filled_ - drop);
    parser_.drop(drop);
    filled_ -= drop;
    // What is left is the start of the next request: its head timer starts now.
    if (filled_ > 0) {
        request_start_ = Clock::now();
        request_deadline_ = request_start_ + env_.config.timeouts.header;
    }
}

void Connection::post_receive() {
    const Deadline deadline = request_in_progress() ? request_deadline_
                              : served_ == 0        ? Clock::now() + env_.config.timeouts.header
                                                    : Clock::now() + env_.config.timeouts.keepalive;
    state_ = State::Reading;
    env_.proactor.receive(id_, std::span<std::byte>(buffer_.get() + filled_, size_ - filled_),
                          deadline);
}

void Connection::grow() {
    // The parser keeps offsets, not pointers, so the window may move.
    auto larger = std::make_unique_for_overwrite<std::byte[]>(capacity_);
    std::memcpy(larger.get(), buffer_.get(), filled_);
    buffer_ = std::move(larger);
    size_ = capacity_;
}

Connection::Outcome Connection::abort() {
    env_.proactor.close(id_);
    return freed();
}

Connection::Outcome Connection::freed() noexcept {
    state_ = State::Free;
    filled_ = 0;
    plan_.clear();
    return Outcome::Freed;
}

}  // namespace tpserve::conn
