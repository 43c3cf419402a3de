#include "FakeProactor.h"

#include <algorithm>
#include <cstring>

namespace tpserve::testing {

using conn::Completion;
using conn::IoStatus;
using conn::OpKind;

void FakeProactor::accept(conn::ConnId into) {
    offered_.push_back(into);
}

void FakeProactor::receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) {
    ++operations;
    if (in_flight_.count(conn.slot) != 0) violations.push_back("receive while an op is in flight");
    in_flight_[conn.slot] = Pending{conn, OpKind::Receive, into, nullptr, deadline};
}

void FakeProactor::transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) {
    ++operations;
    if (in_flight_.count(conn.slot) != 0) violations.push_back("transmit while an op is in flight");
    if (plan.empty()) violations.push_back("transmit of an empty plan");
    in_flight_[conn.slot] = Pending{conn, OpKind::Transmit, {}, &plan, deadline};
}

void FakeProactor::close(conn::ConnId conn) {
    ++closed_[conn.slot];
    auto it = in_flight_.find(conn.slot);
    if (it == in_flight_.end()) return;
    Completion completion;
    completion.conn = conn;
    completion.kind = it->second.kind;
    completion.status = IoStatus::Cancelled;
    in_flight_.erase(it);
    complete(completion);
}

void FakeProactor::run(conn::CompletionSink& sink, std::stop_token stop) {
    bool stopped = false;
    while (!(stopped && sink.idle())) {
        if (stop.stop_requested() && !stopped) {
            stopped = true;
            sink.on_stop();
        }
        if (step(sink) == 0 && !stop.stop_requested()) break;  // nothing can happen by itself
        if (stopped && queue_.empty()) break;
    }
}

net::SocketAddress FakeProactor::peer_address(conn::ConnId) {
    ++peer_requests;
    return peer_on_request;
}

net::SocketAddress FakeProactor::local_address(conn::ConnId) {
    ++local_requests;
    return local_on_request;
}

std::optional<std::uint32_t> FakeProactor::connect(net::SocketAddress peer) {
    if (offered_.empty()) return std::nullopt;
    const conn::ConnId id = offered_.front();
    offered_.pop_front();
    closed_.erase(id.slot);
    Completion completion;
    completion.conn = id;
    completion.kind = OpKind::Accept;
    completion.peer = peer;
    complete(completion);
    return id.slot;
}

void FakeProactor::deliver(std::uint32_t slot, std::string_view bytes) {
    auto it = in_flight_.find(slot);
    if (it == in_flight_.end() || it->second.kind != OpKind::Receive) {
        violations.push_back("deliver without a receive in flight");
        return;
    }
    std::span<std::byte> into = it->second.into;
    if (into.empty()) {
        // A receive into the backend's memory: valid until this completion
        // has been delivered (step), like a real backend's scratch buffer.
        std::string& memory = backend_memory_.emplace_back(conn::kReceiveAnyBytes, '\0');
        into = std::as_writable_bytes(std::span<char>(memory));
        ++receives_any;
    }
    const std::size_t n = std::min(bytes.size(), into.size());
    std::memcpy(into.data(), bytes.data(), n);
    Completion completion;
    completion.conn = it->second.id;
    completion.kind = OpKind::Receive;
    completion.bytes = n;
    completion.data = std::span<const std::byte>(into.data(), n);
    in_flight_.erase(it);
    complete(completion);
}

void FakeProactor::peer_close(std::uint32_t slot) {
    fail(slot, IoStatus::PeerClosed);
}

void FakeProactor::fail(std::uint32_t slot, IoStatus status) {
    auto it = in_flight_.find(slot);
    if (it == in_flight_.end()) {
        violations.push_back("fail without an op in flight");
        return;
    }
    Completion completion;
    completion.conn = it->second.id;
    completion.kind = it->second.kind;
    completion.status = status;
    in_flight_.erase(it);
    complete(completion);
}

std::string FakeProactor::finish_transmit(std::uint32_t slot, IoStatus status) {
    auto it = in_flight_.find(slot);
    if (it == in_flight_.end() || it->second.kind != OpKind::Transmit) {
        violations.push_back("finish_transmit without a transmit in flight");
        return {};
    }
    plan::TransmitPlan& plan = *it->second.plan;
    std::string wire;
    for (const plan::Part& part : plan.pending()) {
        if (const auto* memory = std::get_if<plan::MemoryPart>(&part)) {
            wire.append(reinterpret_cast<const char*>(memory->bytes.data()), memory->bytes.size());
        } else {
            const auto& file = std::get<plan::FilePart>(part);
            wire +=
                "<file:" + std::to_string(file.offset) + "+" + std::to_string(file.length) + ">";
        }
    }
    Completion completion;
    completion.conn = it->second.id;
    completion.kind = OpKind::Transmit;
    completion.status = status;
    completion.bytes = status == IoStatus::Ok ? plan.pending_bytes() : 0;
    // A Close plan that went out whole leaves the socket disconnected.
    if (status == IoStatus::Ok && plan.disposition == plan::Disposition::Close) {
        completion.closed = true;
        ++closed_[slot];
    }
    plan.consume(plan.pending_bytes());
    in_flight_.erase(it);
    complete(completion);
    return wire;
}

std::size_t FakeProactor::step(conn::CompletionSink& sink) {
    std::size_t delivered = 0;
    // Completions queued while delivering wait for the next step, as they
    // would in a real loop turn.
    std::deque<Completion> batch;
    batch.swap(queue_);
    std::deque<std::string> memory;
    memory.swap(backend_memory_);
    for (const Completion& completion : batch) {
        sink.on_completion(completion);
        ++delivered;
    }
    // Reused by the next deliveries in a real backend: the core must not keep it.
    for (std::string& bytes : memory)
        bytes.assign(bytes.size(), '#');
    return delivered;
}

const FakeProactor::Pending* FakeProactor::pending(std::uint32_t slot) const {
    auto it = in_flight_.find(slot);
    return it == in_flight_.end() ? nullptr : &it->second;
}

void FakeProactor::complete(Completion completion) {
    queue_.push_back(completion);
}

}  // namespace tpserve::testing
