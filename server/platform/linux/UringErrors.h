#pragma once
// Internal: errno → the core's IoStatus, shared by the Linux backends.
#include <cerrno>

#include "conn/Proactor.h"

namespace tpserve::platform::uring {

// `error` is a positive errno. ECANCELED here means a linked deadline fired:
// cancellations we asked for are recognised before this is consulted.
inline conn::IoStatus status_for(int error) noexcept {
    switch (error) {
        case ECANCELED:
        case ETIME:
            return conn::IoStatus::TimedOut;
        case ECONNRESET:
        case EPIPE:
        case ECONNABORTED:
        case ENOTCONN:
        case ETIMEDOUT:
        case ESHUTDOWN:
        case EHOSTUNREACH:
        case ENETUNREACH:
        case ENETDOWN:
            return conn::IoStatus::Reset;
        case ENOMEM:
        case ENOBUFS:
        case EMFILE:
        case ENFILE:
            return conn::IoStatus::NoResources;
        default:
            return conn::IoStatus::Failed;
    }
}

}  // namespace tpserve::platform::uring
