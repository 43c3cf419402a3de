#include "platform/windows/IocpStrategy.h"

namespace tpserve::platform {

IocpStrategy choose_iocp_strategy(SocketReuse policy, bool has_transmit_packets,
                                  int transmit_packets_error, bool has_disconnect_ex,
                                  const char* wine_version) {
    IocpStrategy strategy;
    strategy.transmit_packets = has_transmit_packets;
    if (has_transmit_packets) {
        strategy.note = "TransmitPackets";
    } else {
        strategy.note = "TransmitFile (TransmitPackets unavailable: WSA error " +
                        std::to_string(transmit_packets_error) + ")";
    }
    std::string why;
    switch (policy) {
        case SocketReuse::Off:
            why = "configured";
            break;
        case SocketReuse::On:
            // Reuse needs a disconnecting send; without these it cannot work at all.
            if (!has_disconnect_ex) {
                why = "DisconnectEx unavailable";
            } else if (!has_transmit_packets) {
                why = "TransmitPackets unavailable";
            } else {
                strategy.reuse = true;
                why = wine_version != nullptr ? "configured, despite Wine" : "configured";
            }
            break;
        case SocketReuse::Auto:
            if (wine_version != nullptr) {
                why = std::string("Wine ") + wine_version;
            } else if (!has_transmit_packets) {
                why = "TransmitPackets unavailable";
            } else if (!has_disconnect_ex) {
                why = "DisconnectEx unavailable";
            } else {
                strategy.reuse = true;
                why = "auto";
            }
            break;
    }
    strategy.note += strategy.reuse ? "; socket reuse on (" : "; socket reuse off (";
    strategy.note += why + ")";
    return strategy;
}

}  // namespace tpserve::platform
