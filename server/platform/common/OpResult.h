#pragma once
// What an operation ended with, and the one definition, for every backend, of
// how that result becomes the conn::Completion the core sees.
#include <cstddef>
#include <cstdint>
#include <span>

#include "conn/Proactor.h"

namespace tpserve::platform {

struct OpResult {
    conn::OpKind kind = conn::OpKind::Receive;
    conn::IoStatus status = conn::IoStatus::Ok;
    std::uint64_t bytes = 0;    // received / sent (a transmit: all it sent, whatever the status)
    std::int32_t os_error = 0;  // for the log only
    bool closed = false;        // a Close plan ended: the socket is no longer the slot's
};

// The result of an op the core gave up on: Proactor::close came before the
// result was delivered, so it reports Cancelled whatever the op did — a
// receive with no bytes (they are not the core's any more), a transmit with
// the bytes it sent.
[[nodiscard]] inline OpResult as_cancelled(const OpResult& result) noexcept {
    return {.kind = result.kind,
            .status = conn::IoStatus::Cancelled,
            .bytes = result.kind == conn::OpKind::Receive ? 0 : result.bytes,
            .closed = result.closed};
}

// `received`: where a receive's bytes landed.
[[nodiscard]] inline conn::Completion make_completion(conn::ConnId id, const OpResult& result,
                                                      const std::byte* received) noexcept {
    conn::Completion completion;
    completion.conn = id;
    completion.kind = result.kind;
    completion.status = result.status;
    completion.bytes = result.bytes;
    completion.closed = result.closed;
    completion.os_error = result.os_error;
    if (result.kind == conn::OpKind::Receive && result.status == conn::IoStatus::Ok) {
        completion.data = {received, static_cast<std::size_t>(result.bytes)};
    }
    return completion;
}

}  // namespace tpserve::platform
