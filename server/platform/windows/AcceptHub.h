#pragma once
// The listening sockets of the whole server and the thread that routes their
// AcceptEx completions (docs/windows-iocp.md, option A). Windows has no
// SO_REUSEPORT balancing, so there is one listening socket per configured
// address, shared by every worker. An AcceptEx completion is queued to the
// port *the listening socket* is associated with: that is this hub's accept
// port, drained by one small acceptor thread that forwards each completion
// (PostQueuedCompletionStatus, same OVERLAPPED, key kKeyForwardedAccept) to
// the port of the worker that posted it (iocp::AcceptOp::port). The worker
// then finishes the accept on its own thread.
//
// Threading: created at start-up; post_accept / update_accept_context /
// close_listeners may be called from any worker thread at any time (a shared
// lock keeps a listener from being closed under a running AcceptEx call).
// Destroy only after every worker's accepts have completed (each
// IocpProactor holds a shared_ptr and waits for its accepts in `run`).
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "config/Config.h"
#include "platform/windows/ExtensionFunctions.h"
#include "platform/windows/UniqueHandle.h"
#include "platform/windows/UniqueSocket.h"

namespace tpserve::platform {

class AcceptHub {
public:
    // Binds and listens on every address (IPV6_V6ONLY for v6; port 0 = an
    // ephemeral port, the one listening socket serves every worker),
    // associates them with a new accept port and starts the acceptor thread.
    // Needs a started WinsockSession. On failure returns nullptr and `error`
    // names the address and the WSA error. Start-up only.
    static std::shared_ptr<AcceptHub> create(const std::vector<config::ListenAddress>& addresses,
                                             const ExtensionFunctions& functions,
                                             std::string& error);
    ~AcceptHub();
    AcceptHub(const AcceptHub&) = delete;
    AcceptHub& operator=(const AcceptHub&) = delete;

    [[nodiscard]] std::size_t listeners() const noexcept { return listeners_.size(); }
    [[nodiscard]] int family(std::size_t index) const noexcept { return families_[index]; }
    // "http://127.0.0.1:41234/", "http://[::1]:8080/", one per address.
    [[nodiscard]] std::span<const std::string> urls() const noexcept { return urls_; }

    // AcceptEx(listener `index`, accept_socket, buffer with no receive data,
    // two kAddressLength address areas, overlapped). Returns 0 when the
    // accept is pending (or completed: it is queued either way), WSAENOTSOCK
    // once the listeners are closed, or the WSA error of a failed call.
    int post_accept(std::size_t index, SOCKET accept_socket, void* buffer, OVERLAPPED* overlapped);
    // SO_UPDATE_ACCEPT_CONTEXT for a socket accepted from listener `index`
    // (getpeername, shutdown and the like need it). Returns the WSA error or 0.
    int update_accept_context(std::size_t index, SOCKET accepted);
    // Closes every listener once (idempotent): new clients are refused and
    // every AcceptEx still pending completes (with an error) and is forwarded.
    void close_listeners();
    [[nodiscard]] bool closed() const;

    struct Key {
        explicit Key() = default;
    };
    AcceptHub(Key, UniqueHandle port, std::vector<UniqueSocket> listeners,
              std::vector<int> families, std::vector<std::string> urls, LPFN_ACCEPTEX accept_ex);

private:
    void forward();

    UniqueHandle port_;
    std::vector<UniqueSocket> listeners_;
    std::vector<int> families_;
    std::vector<std::string> urls_;
    LPFN_ACCEPTEX accept_ex_;
    mutable std::shared_mutex lock_;  // listeners_ against close_listeners
    bool closed_ = false;
    std::thread thread_;
};

}  // namespace tpserve::platform
