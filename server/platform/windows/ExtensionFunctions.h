#pragma once
// The Winsock extension functions, resolved once at start-up with
// WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER) on a scratch socket and then
// shared read-only by every worker thread. The pointers belong to the
// provider of that socket (the Microsoft TCP/IP provider for AF_INET and
// AF_INET6 alike); resolve with the family the listeners use.
//
// A test can replace a member (e.g. a stand-in TransmitPackets under Wine)
// before handing the table to the proactor.
#include <optional>
#include <string>

#include "platform/windows/Win32.h"

namespace tpserve::platform {

struct ExtensionFunctions {
    // Required: resolve fails without them.
    LPFN_ACCEPTEX accept_ex = nullptr;
    LPFN_GETACCEPTEXSOCKADDRS get_accept_ex_sockaddrs = nullptr;
    LPFN_TRANSMITFILE transmit_file = nullptr;
    // Optional: null where the provider lacks them. Wine has no
    // TransmitPackets (WSAIoctl answers WSAEINVAL): use TransmitFile + WSASend.
    LPFN_TRANSMITPACKETS transmit_packets = nullptr;
    int transmit_packets_error = 0;  // the WSA error when transmit_packets is null
    LPFN_DISCONNECTEX disconnect_ex = nullptr;
    LPFN_CONNECTEX connect_ex = nullptr;

    // Needs a started WinsockSession. On failure returns nullopt and sets
    // `error` (naming the missing function and the WSA error). Start-up only.
    static std::optional<ExtensionFunctions> resolve(int family, std::string& error);

    // "TransmitPackets: no (WSAEINVAL 10022)"-style summary of the optional
    // ones, for the start-up log.
    [[nodiscard]] std::string describe() const;
};

}  // namespace tpserve::platform
