#include "platform/windows/WinsockSession.h"

#include "platform/windows/Win32.h"

namespace tpserve::platform {

WinsockSession::~WinsockSession() {
    if (started_) ::WSACleanup();
}

bool WinsockSession::start(std::string& error) {
    if (started_) return true;
    WSADATA data{};
    const int rc = ::WSAStartup(MAKEWORD(2, 2), &data);
    if (rc != 0) {
        // WSAStartup returns its error; WSAGetLastError is not usable yet.
        error = "WSAStartup failed with error " + std::to_string(rc);
        return false;
    }
    if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
        ::WSACleanup();
        error = "Winsock 2.2 is not available";
        return false;
    }
    started_ = true;
    return true;
}

}  // namespace tpserve::platform
