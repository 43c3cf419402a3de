#include "platform/windows/IocpErrors.h"

namespace tpserve::platform::iocp {

namespace {

// The NTSTATUS values a socket op ends with (ntstatus.h; not all MinGW
// configurations expose them next to winsock2.h).
constexpr std::uint32_t kStatusCancelled = 0xC0000120;
constexpr std::uint32_t kStatusConnectionReset = 0xC000020D;
constexpr std::uint32_t kStatusConnectionAborted = 0xC0000241;
constexpr std::uint32_t kStatusLocalDisconnect = 0xC000013B;
constexpr std::uint32_t kStatusRemoteDisconnect = 0xC000013C;
constexpr std::uint32_t kStatusPipeDisconnected = 0xC00000B0;
constexpr std::uint32_t kStatusFileClosed = 0xC0000128;
constexpr std::uint32_t kStatusHandlesClosed = 0xC0000235;
constexpr std::uint32_t kStatusInsufficientResources = 0xC000009A;
constexpr std::uint32_t kStatusNoMemory = 0xC0000017;

int map_ntstatus(std::uint32_t status) noexcept {
    switch (status) {
        case 0:
            return 0;
        case kStatusCancelled:
        case kStatusFileClosed:
        case kStatusHandlesClosed:
            return WSA_OPERATION_ABORTED;
        case kStatusConnectionReset:
        case kStatusRemoteDisconnect:
            return WSAECONNRESET;
        case kStatusConnectionAborted:
        case kStatusLocalDisconnect:
            return WSAECONNABORTED;
        case kStatusPipeDisconnected:
            return WSAESHUTDOWN;
        case kStatusInsufficientResources:
        case kStatusNoMemory:
            return WSAENOBUFS;
        default:
            return static_cast<int>(status);
    }
}

}  // namespace

conn::IoStatus status_for(int wsa_error) noexcept {
    switch (wsa_error) {
        case 0:
            return conn::IoStatus::Ok;
        case WSAECONNRESET:
        case WSAECONNABORTED:
        case WSAENETRESET:
        case WSAESHUTDOWN:
        case WSAEDISCON:
        case WSAENOTCONN:
        case ERROR_NETNAME_DELETED:
        case ERROR_CONNECTION_ABORTED:
            return conn::IoStatus::Reset;
        case WSA_OPERATION_ABORTED:
            return conn::IoStatus::Cancelled;
        case WSAETIMEDOUT:
        case ERROR_SEM_TIMEOUT:
            return conn::IoStatus::TimedOut;
        case WSAENOBUFS:
        case WSAEMFILE:
        case ERROR_NOT_ENOUGH_MEMORY:
        case ERROR_NO_SYSTEM_RESOURCES:
            return conn::IoStatus::NoResources;
        default:
            return conn::IoStatus::Failed;
    }
}

int completion_error(SOCKET socket, OVERLAPPED& overlapped) noexcept {
    const auto status = static_cast<std::uint32_t>(overlapped.Internal);
    if (status == 0) return 0;
    if (socket != INVALID_SOCKET) {
        DWORD bytes = 0;
        DWORD flags = 0;
        if (!::WSAGetOverlappedResult(socket, &overlapped, &bytes, FALSE, &flags)) {
            const int error = ::WSAGetLastError();
            if (error != 0 && error != WSA_IO_INCOMPLETE) return error;
        }
    }
    return map_ntstatus(status);
}

}  // namespace tpserve::platform::iocp
