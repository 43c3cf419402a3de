#include "platform/windows/ExtensionFunctions.h"

#include "platform/windows/UniqueSocket.h"

namespace tpserve::platform {

namespace {

// Returns the WSA error (0 on success); `fn` receives the pointer.
template <typename Fn>
int load(SOCKET socket, GUID guid, Fn& fn) noexcept {
    DWORD returned = 0;
    void* pointer = nullptr;
    if (::WSAIoctl(socket, SIO_GET_EXTENSION_FUNCTION_POINTER, &guid, sizeof guid, &pointer,
                   sizeof pointer, &returned, nullptr, nullptr) != 0) {
        fn = nullptr;
        return ::WSAGetLastError();
    }
    fn = reinterpret_cast<Fn>(pointer);
    return fn != nullptr ? 0 : WSAEINVAL;
}

}  // namespace

std::optional<ExtensionFunctions> ExtensionFunctions::resolve(int family, std::string& error) {
    const UniqueSocket scratch(
        ::WSASocketW(family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED));
    if (!scratch) {
        error = "cannot create a socket to resolve Winsock extensions: WSA error " +
                std::to_string(::WSAGetLastError());
        return std::nullopt;
    }
    ExtensionFunctions table;
    struct Required {
        const char* name;
        int error;
    };
    const Required required[] = {
        {"AcceptEx", load(scratch.get(), WSAID_ACCEPTEX, table.accept_ex)},
        {"GetAcceptExSockaddrs",
         load(scratch.get(), WSAID_GETACCEPTEXSOCKADDRS, table.get_accept_ex_sockaddrs)},
        {"TransmitFile", load(scratch.get(), WSAID_TRANSMITFILE, table.transmit_file)},
    };
    for (const Required& r : required) {
        if (r.error != 0) {
            error = std::string("Winsock extension ") + r.name + " is unavailable: WSA error " +
                    std::to_string(r.error);
            return std::nullopt;
        }
    }
    table.transmit_packets_error =
        load(scratch.get(), WSAID_TRANSMITPACKETS, table.transmit_packets);
    (void)load(scratch.get(), WSAID_DISCONNECTEX, table.disconnect_ex);
    (void)load(scratch.get(), WSAID_CONNECTEX, table.connect_ex);
    return table;
}

std::string ExtensionFunctions::describe() const {
    std::string text = "TransmitPackets: ";
    text += transmit_packets != nullptr
                ? "yes"
                : "no (WSA error " + std::to_string(transmit_packets_error) + ")";
    text += ", DisconnectEx: ";
    text += disconnect_ex != nullptr ? "yes" : "no";
    text += ", ConnectEx: ";
    text += connect_ex != nullptr ? "yes" : "no";
    return text;
}

}  // namespace tpserve::platform
