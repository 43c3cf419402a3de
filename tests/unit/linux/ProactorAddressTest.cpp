// The addresses a backend gives for a connection's two ends: in the Accept
// completion when it has them for free, otherwise on request
// (peer_address / local_address) — which the core makes only for a request
// it logs. A wildcard listener's local address is the one the client reached.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <mutex>
#include <string>

#include "ProactorTestSupport.h"
#include "net/AddressText.h"
#include "platform/linux/PeerAddress.h"

namespace tpserve::platform::test {
namespace {

using conn::OpKind;

std::string endpoint(const net::SocketAddress& address) {
    std::array<char, net::kMaxEndpointText> out{};
    return std::string(net::endpoint_text(address, out));
}

struct Ends {
    std::mutex mutex;
    bool accepted = false;
    bool local_in_completion = false;
    std::string peer;
    std::string local;
};

// Listens on `listen_host`, connects from `client_host`, and compares what the
// backend says with what the client's socket says.
void check_ends(const Backend& backend, const char* listen_host, const char* client_host,
                bool local_in_completion) {
    Ends ends;
    TestSink sink;
    sink.hook = [&](TestSink& s, const conn::Completion& completion) {
        if (completion.kind != OpKind::Accept || completion.status != conn::IoStatus::Ok) return;
        // On the worker thread, with the socket open: as the core would ask.
        const net::SocketAddress peer =
            completion.peer.known() ? completion.peer : s.proactor_->peer_address(completion.conn);
        const net::SocketAddress local = completion.local.known()
                                             ? completion.local
                                             : s.proactor_->local_address(completion.conn);
        const std::lock_guard lock(ends.mutex);
        ends.accepted = true;
        ends.local_in_completion = completion.local.known();
        ends.peer = endpoint(peer);
        ends.local = endpoint(local);
    };
    TestServer server(backend, sink, std::chrono::milliseconds(10'000), listen_host);
    if (server.proactor == nullptr) {
        if (server.port == 0) GTEST_SKIP() << "cannot listen on " << listen_host;
        GTEST_SKIP() << backend.name << " unavailable: " << server.error;
    }
    server.start();
    UniqueFd client = connect_to(server.port, client_host);
    ASSERT_TRUE(client.get() >= 0);
    ASSERT_TRUE(wait_until([&] {
        const std::lock_guard lock(ends.mutex);
        return ends.accepted;
    }));
    sockaddr_storage mine{};
    sockaddr_storage theirs{};
    socklen_t length = sizeof mine;
    ASSERT_EQ(::getsockname(client.get(), reinterpret_cast<sockaddr*>(&mine), &length),
              0);  // NOLINT
    length = sizeof theirs;
    ASSERT_EQ(::getpeername(client.get(), reinterpret_cast<sockaddr*>(&theirs), &length),  // NOLINT
              0);
    {
        const std::lock_guard lock(ends.mutex);
        EXPECT_EQ(ends.peer, endpoint(socket_address(mine)));
        EXPECT_EQ(ends.local, endpoint(socket_address(theirs)));
        EXPECT_EQ(ends.local_in_completion, local_in_completion) << listen_host;
    }
    client.reset();
    server.stop();
}

TEST_P(ProactorContract, GivesBothEndsOfASpecificListener) {
    check_ends(backend(), "127.0.0.1", "127.0.0.1", true);
}

TEST_P(ProactorContract, GivesTheLocalAddressOfAWildcardListenerOnRequest) {
    check_ends(backend(), "0.0.0.0", "127.0.0.1", false);
}

TEST_P(ProactorContract, GivesBothEndsOverIpv6) {
    check_ends(backend(), "::1", "::1", true);
}

}  // namespace
}  // namespace tpserve::platform::test
