#pragma once
// The sd_notify(3) protocol without libsystemd: one datagram, such as
// "READY=1", to the AF_UNIX socket systemd names in $NOTIFY_SOCKET for a
// Type=notify unit. Thread-safe (no state; a socket per message, which is
// rare: start-up and shutdown).
#include <string>
#include <string_view>

namespace tpserve::platform {

// Sends `state` to `socket_name`: an absolute path, or an abstract socket
// written with a leading '@'. "" means no service manager is listening:
// nothing is sent and the answer is true. False + error (with errno's text)
// when the name is unsupported or the send fails.
bool notify_socket_send(std::string_view socket_name, std::string_view state, std::string& error);

// notify_socket_send with $NOTIFY_SOCKET ("" when unset).
bool systemd_notify(std::string_view state, std::string& error);

}  // namespace tpserve::platform
