#pragma once
// How the IOCP backend sends and whether it recycles sockets, decided once at
// start-up from what Winsock offers (ExtensionFunctions) and where we run.
//
// Send strategy: TransmitPackets for plans with file parts when the provider
// has it; otherwise TransmitFile (head + one file range + tail) chained with
// WSASend (SendTranslation.h). Memory-only plans always go by WSASend.
//
// Socket reuse (`windows.socket_reuse`): `on` recycles the socket of a closed
// connection into the AcceptEx pool (TF_DISCONNECT | TF_REUSE_SOCKET on the
// closing transmit, DisconnectEx(TF_REUSE_SOCKET) after the peer closed);
// `off` closes it and the pool gets a fresh socket; `auto` = on only where
// TransmitPackets and DisconnectEx exist and not under Wine (Wine ignores the
// TF_ flags, so no FIN is sent, and recycled sockets fail with WSAESHUTDOWN:
// docs/wine.md). Pure; thread-safe.
#include <cstdint>
#include <string>

namespace tpserve::platform {

enum class SocketReuse : std::uint8_t { Auto, On, Off };

struct IocpStrategy {
    bool transmit_packets = false;  // use TransmitPackets for file plans
    bool reuse = false;             // recycle sockets (see above)
    // "TransmitFile (TransmitPackets unavailable: WSA error 10022); socket reuse
    // off (Wine 8.0)": for EngineChoice::note and the start-up log.
    std::string note;
};

// `has_transmit_packets` / `transmit_packets_error` as ExtensionFunctions
// reports them; `wine_version` null outside Wine. `on` without
// DisconnectEx or TransmitPackets still falls back to off (said in the note).
[[nodiscard]] IocpStrategy choose_iocp_strategy(SocketReuse policy, bool has_transmit_packets,
                                                int transmit_packets_error, bool has_disconnect_ex,
                                                const char* wine_version);

}  // namespace tpserve::platform
