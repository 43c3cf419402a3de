#include "platform/windows/AcceptHub.h"

#include <mutex>

#include "platform/windows/IocpOps.h"

namespace tpserve::platform {

namespace {

constexpr ULONG_PTR kKeyListener = 0;
constexpr ULONG_PTR kKeyQuit = 1;
constexpr ULONG kBatch = 64;

struct SocketAddress {
    SOCKADDR_STORAGE storage{};
    int length = 0;
    [[nodiscard]] int family() const { return storage.ss_family; }
};

bool parse_address(const config::ListenAddress& address, SocketAddress& out) {
    out = {};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out.storage);
    if (::inet_pton(AF_INET, address.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = ::htons(address.port);
        out.length = sizeof(sockaddr_in);
        return true;
    }
    std::string host = address.host;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out.storage);
    if (::inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = ::htons(address.port);
        out.length = sizeof(sockaddr_in6);
        return true;
    }
    return false;
}

std::string describe(const config::ListenAddress& address) {
    const bool v6 = address.host.find(':') != std::string::npos && address.host.front() != '[';
    return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::string wsa_text(const char* what) {
    return std::string(what) + " failed with WSA error " + std::to_string(::WSAGetLastError());
}

UniqueSocket open_listener(const SocketAddress& address, std::string& error) {
    UniqueSocket socket(
        ::WSASocketW(address.family(), SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED));
    if (!socket) {
        error = wsa_text("WSASocket");
        return {};
    }
    // Another process must not bind the same port while we hold it (the
    // Windows default would let a SO_REUSEADDR socket steal it).
    const BOOL one = TRUE;
    (void)::setsockopt(socket.get(), SOL_SOCKET, SO_EXCLUSIVEADDRUSE,
                       reinterpret_cast<const char*>(&one), sizeof one);
    if (address.family() == AF_INET6 &&
        ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&one),
                     sizeof one) != 0) {
        error = wsa_text("setsockopt(IPV6_V6ONLY)");
        return {};
    }
    if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&address.storage), address.length) !=
        0) {
        error = wsa_text("bind");
        return {};
    }
    if (::listen(socket.get(), SOMAXCONN) != 0) {
        error = wsa_text("listen");
        return {};
    }
    return socket;
}

std::uint16_t bound_port(SOCKET socket) {
    SOCKADDR_STORAGE storage{};
    int length = sizeof storage;
    if (::getsockname(socket, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return 0;
    if (storage.ss_family == AF_INET) {
        return ::ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
    }
    return ::ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
}

std::string url_for(const SocketAddress& address, std::uint16_t port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.family() == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&address.storage)->sin_addr,
                    text, sizeof text);
        return "http://" + std::string(text) + ":" + std::to_string(port) + "/";
    }
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&address.storage)->sin6_addr, text,
                sizeof text);
    return "http://[" + std::string(text) + "]:" + std::to_string(port) + "/";
}

}  // namespace

std::shared_ptr<AcceptHub> AcceptHub::create(const std::vector<config::ListenAddress>& addresses,
                                             const ExtensionFunctions& functions,
                                             std::string& error) {
    UniqueHandle port(::CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, 1));
    if (!port) {
        error = "CreateIoCompletionPort failed with error " + std::to_string(::GetLastError());
        return nullptr;
    }
    std::vector<UniqueSocket> listeners;
    std::vector<int> families;
    std::vector<std::string> urls;
    for (const config::ListenAddress& address : addresses) {
        SocketAddress socket_address;
        if (!parse_address(address, socket_address)) {
            error = "listen " + describe(address) + ": not a numeric IPv4 or IPv6 address";
            return nullptr;
        }
        std::string why;
        UniqueSocket listener = open_listener(socket_address, why);
        if (!listener) {
            error = "listen " + describe(address) + ": " + why;
            return nullptr;
        }
        if (::CreateIoCompletionPort(reinterpret_cast<HANDLE>(listener.get()), port.get(),
                                     kKeyListener, 0) == nullptr) {
            error = "listen " + describe(address) + ": CreateIoCompletionPort failed with error " +
                    std::to_string(::GetLastError());
            return nullptr;
        }
        urls.push_back(url_for(socket_address, bound_port(listener.get())));
        families.push_back(socket_address.family());
        listeners.push_back(std::move(listener));
    }
    return std::make_shared<AcceptHub>(Key{}, std::move(port), std::move(listeners),
                                       std::move(families), std::move(urls), functions.accept_ex);
}

AcceptHub::AcceptHub(Key, UniqueHandle port, std::vector<UniqueSocket> listeners,
                     std::vector<int> families, std::vector<std::string> urls,
                     LPFN_ACCEPTEX accept_ex)
    : port_(std::move(port)),
      listeners_(std::move(listeners)),
      families_(std::move(families)),
      urls_(std::move(urls)),
      accept_ex_(accept_ex),
      thread_([this] { forward(); }) {}

AcceptHub::~AcceptHub() {
    close_listeners();
    ::PostQueuedCompletionStatus(port_.get(), 0, kKeyQuit, nullptr);
    if (thread_.joinable()) thread_.join();
}

int AcceptHub::post_accept(std::size_t index, SOCKET accept_socket, void* buffer,
                           OVERLAPPED* overlapped) {
    const std::shared_lock lock(lock_);
    if (closed_ || index >= listeners_.size()) return WSAENOTSOCK;
    DWORD received = 0;
    if (accept_ex_(listeners_[index].get(), accept_socket, buffer, 0, iocp::kAddressLength,
                   iocp::kAddressLength, &received, overlapped)) {
        return 0;  // completed at once: still queued to the port
    }
    const int error = ::WSAGetLastError();
    return error == ERROR_IO_PENDING ? 0 : error;
}

int AcceptHub::update_accept_context(std::size_t index, SOCKET accepted) {
    const std::shared_lock lock(lock_);
    if (closed_ || index >= listeners_.size()) return WSAENOTSOCK;
    SOCKET listener = listeners_[index].get();
    if (::setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT,
                     reinterpret_cast<const char*>(&listener), sizeof listener) != 0) {
        return ::WSAGetLastError();
    }
    return 0;
}

void AcceptHub::close_listeners() {
    const std::unique_lock lock(lock_);
    if (closed_) return;
    closed_ = true;
    for (UniqueSocket& listener : listeners_) {
        // Cancels every thread's pending AcceptEx on it; closing alone would
        // too, this just does not depend on it.
        ::CancelIoEx(reinterpret_cast<HANDLE>(listener.get()), nullptr);
        listener.reset();
    }
}

bool AcceptHub::closed() const {
    const std::shared_lock lock(lock_);
    return closed_;
}

void AcceptHub::forward() {
    OVERLAPPED_ENTRY entries[kBatch];
    for (;;) {
        ULONG count = 0;
        if (!::GetQueuedCompletionStatusEx(port_.get(), entries, kBatch, &count, INFINITE, FALSE)) {
            continue;
        }
        for (ULONG i = 0; i < count; ++i) {
            const OVERLAPPED_ENTRY& entry = entries[i];
            if (entry.lpCompletionKey == kKeyQuit) return;
            if (entry.lpOverlapped == nullptr) continue;
            auto* op = static_cast<iocp::AcceptOp*>(entry.lpOverlapped);
            // The status stays in the OVERLAPPED (Internal) for the worker.
            ::PostQueuedCompletionStatus(op->port, entry.dwNumberOfBytesTransferred,
                                         iocp::kKeyForwardedAccept, entry.lpOverlapped);
        }
    }
}

}  // namespace tpserve::platform
