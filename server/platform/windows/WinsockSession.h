#pragma once
// Winsock 2.2 for the lifetime of the object: WSAStartup in `start`,
// WSACleanup in the destructor (only if started). Create one in main() before
// any socket exists and destroy it after the last one is closed; nesting is
// allowed (Winsock counts the calls). Start-up only; not thread-safe.
#include <string>

namespace tpserve::platform {

class WinsockSession {
public:
    WinsockSession() noexcept = default;
    ~WinsockSession();
    WinsockSession(const WinsockSession&) = delete;
    WinsockSession& operator=(const WinsockSession&) = delete;

    // False (and `error` set) if Winsock 2.2 is unavailable.
    bool start(std::string& error);
    [[nodiscard]] bool started() const noexcept { return started_; }

private:
    bool started_ = false;
};

}  // namespace tpserve::platform
