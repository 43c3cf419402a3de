#pragma once
// An in-memory Proactor for unit tests of the connection state machine.
// Nothing happens until the test says so: operations are recorded, and the
// test completes them (bytes arrive, a deadline fires, the peer resets) and
// then calls step() to deliver the queued completions, as a backend would.
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conn/Proactor.h"
#include "plan/TransmitPlan.h"

namespace tpserve::testing {

class FakeProactor final : public conn::Proactor {
public:
    struct Pending {
        conn::ConnId id;
        conn::OpKind kind;
        std::span<std::byte> into;           // Receive
        plan::TransmitPlan* plan = nullptr;  // Transmit
        conn::Deadline deadline;
    };

    void accept(conn::ConnId into) override;
    void receive(conn::ConnId conn, std::span<std::byte> into, conn::Deadline deadline) override;
    void transmit(conn::ConnId conn, plan::TransmitPlan& plan, conn::Deadline deadline) override;
    void close(conn::ConnId conn) override;
    void run(conn::CompletionSink& sink, std::stop_token stop) override;
    // Give `peer_on_request` / `local_on_request` and count the requests.
    [[nodiscard]] net::SocketAddress peer_address(conn::ConnId conn) override;
    [[nodiscard]] net::SocketAddress local_address(conn::ConnId conn) override;

    // --- driven by the test ---------------------------------------------
    // A client connects: completes the oldest offered accept. Returns its slot.
    std::optional<std::uint32_t> connect(
        net::SocketAddress peer = net::SocketAddress::v4({192, 0, 2, 7}, 40000));
    // Bytes arrive for the receive in flight on `slot` (at most its buffer size,
    // or kReceiveAnyBytes for a receive into the backend's memory).
    void deliver(std::uint32_t slot, std::string_view bytes);
    void peer_close(std::uint32_t slot);
    void fail(std::uint32_t slot,
              conn::IoStatus status);  // reset, timeout, ... of the op in flight
    // The transmit in flight completes; returns what it would have put on the wire
    // (memory bytes; a file part as "<file:offset+length>").
    std::string finish_transmit(std::uint32_t slot, conn::IoStatus status = conn::IoStatus::Ok);
    // Delivers queued completions; returns how many.
    std::size_t step(conn::CompletionSink& sink);

    [[nodiscard]] const Pending* pending(std::uint32_t slot) const;
    [[nodiscard]] std::size_t offered() const noexcept { return offered_.size(); }
    [[nodiscard]] bool closed(std::uint32_t slot) const { return closed_.count(slot) != 0; }
    [[nodiscard]] std::size_t ops_in_flight() const noexcept { return in_flight_.size(); }
    // Receives/transmits issued so far, to assert "one op per connection".
    std::size_t operations = 0;
    std::size_t receives_any = 0;  // receives completed into the backend's memory
    // What the addresses asked for after an Accept that gave none are, and
    // how often they were asked for.
    net::SocketAddress peer_on_request;
    net::SocketAddress local_on_request;
    std::size_t peer_requests = 0;
    std::size_t local_requests = 0;
    std::vector<std::string> violations;  // contract breaches seen (two ops at once, ...)

private:
    void complete(conn::Completion completion);

    std::deque<conn::ConnId> offered_;
    std::map<std::uint32_t, Pending> in_flight_;
    std::map<std::uint32_t, int> closed_;
    std::deque<conn::Completion> queue_;
    std::deque<std::string> backend_memory_;  // receive-any bytes not yet delivered
};

}  // namespace tpserve::testing
