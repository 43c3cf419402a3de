#include "IocpTestSupport.h"

#include <array>

#include "net/AddressText.h"
#include "platform/windows/WineDetect.h"

namespace tpserve::platform::test {

using conn::IoStatus;
using conn::OpKind;

TempFile::TempFile(std::size_t size) {
    bytes.resize(size);
    for (std::size_t i = 0; i < size; ++i)
        bytes[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
    EXPECT_TRUE(dir.write(L"data.bin", bytes));
    const HANDLE handle = ::CreateFileW((dir / L"data.bin").c_str(), GENERIC_READ,
                                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                                        nullptr, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, nullptr);
    EXPECT_NE(handle, INVALID_HANDLE_VALUE);
    file = std::make_shared<HandleFile>(handle);
}

void TestSink::record(const conn::Completion& completion) {
    std::array<char, net::kMaxEndpointText> peer{};
    const std::lock_guard lock(mutex_);
    events_.push_back(Recorded{completion.conn, completion.kind, completion.status,
                               completion.bytes, completion.closed,
                               std::string(net::endpoint_text(completion.peer, peer)),
                               completion.os_error, std::chrono::steady_clock::now(),
                               std::string(reinterpret_cast<const char*>(completion.data.data()),
                                           completion.data.size())});
}

std::vector<Recorded> TestSink::events() const {
    const std::lock_guard lock(mutex_);
    return events_;
}

std::size_t TestSink::count(OpKind kind, IoStatus status) const {
    const std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const Recorded& r : events_)
        n += r.kind == kind && r.status == status ? 1 : 0;
    return n;
}

void TestSink::offer(std::uint32_t slot) {
    if (stopping) return;
    Conn& c = conns[slot];
    c.live = false;
    c.busy = true;  // the backend's until its Accept completion
    c.request.clear();
    proactor->accept(conn::ConnId{slot, ++c.generation});
}

void TestSink::start_receive(std::uint32_t slot) {
    Conn& c = conns[slot];
    c.busy = true;
    proactor->receive(conn::ConnId{slot, c.generation},
                      receive_any ? std::span<std::byte>() : std::span<std::byte>(c.buffer),
                      conn::Clock::now() + receive_timeout);
}

void TestSink::on_completion(const conn::Completion& completion) {
    record(completion);
    const std::uint32_t slot = completion.conn.slot;
    Conn& c = conns[slot];
    EXPECT_EQ(completion.conn.generation, c.generation);
    c.busy = false;
    switch (completion.kind) {
        case OpKind::Accept:
            if (completion.status == IoStatus::Ok) {
                c.live = true;
                start_receive(slot);
            }
            break;
        case OpKind::Receive:
            if (completion.status == IoStatus::Ok) {
                c.request.append(reinterpret_cast<const char*>(completion.data.data()),
                                 completion.data.size());
                if (respond && c.request.find("\r\n\r\n") != std::string::npos) {
                    c.plan.clear();
                    respond(c.plan, c.request);
                    c.request.clear();
                    c.busy = true;
                    proactor->transmit(completion.conn, c.plan,
                                       conn::Clock::now() + std::chrono::seconds(30));
                } else {
                    start_receive(slot);
                }
            } else {
                // Cancelled by close(): the slot is free already.
                if (completion.status != IoStatus::Cancelled) proactor->close(completion.conn);
                c.live = false;
                offer(slot);
            }
            break;
        case OpKind::Transmit:
            if (completion.status == IoStatus::Ok && !completion.closed) {
                start_receive(slot);
            } else {
                if (!completion.closed && completion.status != IoStatus::Cancelled) {
                    proactor->close(completion.conn);
                }
                c.live = false;
                offer(slot);
            }
            break;
    }
    if (hook) hook(*this, completion);
    ++handled;
}

void TestSink::on_stop() {
    ++stops;
    stopping = true;
    for (std::uint32_t slot = 0; slot < kSlots; ++slot) {
        Conn& c = conns[slot];
        // With an op in flight, that op completes as Cancelled.
        if (c.live) {
            proactor->close(conn::ConnId{slot, c.generation});
            c.live = false;
        }
    }
}

bool TestSink::idle() const {
    for (const Conn& c : conns) {
        if (c.live) return false;
    }
    return true;
}

TestServer::TestServer(TestSink& sink, std::chrono::milliseconds drain, const std::string& host,
                       IocpOptions options)
    : sink_(sink) {
    if (!winsock.start(error)) return;
    const auto functions = ExtensionFunctions::resolve(AF_INET, error);
    if (!functions) return;
    hub = AcceptHub::create({config::ListenAddress{host, 0}}, *functions, error);
    if (!hub) return;
    const std::string& url = hub->urls()[0];
    port = static_cast<std::uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
    options.max_connections = TestSink::kSlots;
    options.drain_timeout = drain;
    options.accepts_per_listener =
        options.accepts_per_listener == 16 ? 4 : options.accepts_per_listener;
    if (options.strategy.note.empty()) {
        options.strategy = choose_iocp_strategy(
            SocketReuse::Auto, functions->transmit_packets != nullptr,
            functions->transmit_packets_error, functions->disconnect_ex != nullptr, wine_version());
    }
    proactor = IocpProactor::create(hub, *functions, options, error);
}

TestServer::~TestServer() {
    if (thread_.joinable()) stop();
    proactor.reset();
    hub.reset();
}

void TestServer::start() {
    sink_.proactor = proactor.get();
    thread_ = std::jthread([this](std::stop_token stop) {
        for (std::uint32_t slot = 0; slot < sink_.offer_count; ++slot)
            sink_.offer(slot);
        proactor->run(sink_, stop);
        counters = proactor->counters();
        accept_outstanding = proactor->acceptor().outstanding();
        counter_line = proactor->describe_counters();
    });
}

std::chrono::milliseconds TestServer::stop() {
    const auto begin = std::chrono::steady_clock::now();
    thread_.request_stop();
    thread_.join();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 begin);
}

UniqueSocket connect_to(std::uint16_t port, const char* host) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = ::htons(port);
    ::inet_pton(AF_INET, host, &address.sin_addr);
    UniqueSocket socket(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
    const DWORD timeout = 10'000;
    ::setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&timeout),
                 sizeof timeout);
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ADD_FAILURE() << "connect failed: " << ::WSAGetLastError();
    }
    return socket;
}

void send_all(SOCKET socket, std::string_view text) {
    while (!text.empty()) {
        const int n = ::send(socket, text.data(), static_cast<int>(text.size()), 0);
        if (n <= 0) {
            ADD_FAILURE() << "send failed: " << ::WSAGetLastError();
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::string read_exact(SOCKET socket, std::size_t n) {
    std::string out;
    char buffer[65536];
    while (out.size() < n) {
        const int got =
            ::recv(socket, buffer, static_cast<int>(std::min(sizeof buffer, n - out.size())), 0);
        if (got <= 0) break;
        out.append(buffer, static_cast<std::size_t>(got));
    }
    return out;
}

std::string read_to_eof(SOCKET socket, std::size_t limit) {
    std::string out;
    char buffer[65536];
    while (out.size() < limit) {
        const int got = ::recv(socket, buffer, sizeof buffer, 0);
        if (got <= 0) break;
        out.append(buffer, static_cast<std::size_t>(got));
    }
    return out;
}

}  // namespace tpserve::platform::test
