#pragma once
// Winsock / NTSTATUS results → the core's IoStatus, for the IOCP backend.
#include <cstdint>

#include "conn/Proactor.h"
#include "platform/windows/Win32.h"

namespace tpserve::platform::iocp {

// A WSA / Win32 error code (as WSAGetLastError returns) → IoStatus.
[[nodiscard]] conn::IoStatus status_for(int wsa_error) noexcept;

// The WSA error of a completed op from its OVERLAPPED: 0 on success. Asks
// WSAGetOverlappedResult when `socket` is still open, else maps the NTSTATUS
// in Internal itself (the common cases; other codes come back as-is).
[[nodiscard]] int completion_error(SOCKET socket, OVERLAPPED& overlapped) noexcept;

}  // namespace tpserve::platform::iocp
