// Many connections open at the same time.
#include <vector>

#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

class Concurrency : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }
};

TEST_F(Concurrency, TwoHundredConnectionsAtOnce) {
    constexpr int kConnections = 200;
    std::vector<HttpClient> clients(kConnections);
    // All connections are open before the first request is sent, so the
    // server holds 200 at once; then all requests go out before any reply is read.
    for (int i = 0; i < kConnections; ++i) {
        ASSERT_TRUE(clients[i].connect(server.host(), server.port(), 10s))
            << "connection " << i << ": " << clients[i].error();
    }
    auto path_of = [](int i) { return "/small/f" + std::to_string(i % 10) + ".txt"; };
    for (int i = 0; i < kConnections; ++i) {
        ASSERT_TRUE(clients[i].send(make_request("GET", path_of(i))))
            << "connection " << i << ": " << clients[i].error();
    }
    int ok = 0;
    for (int i = 0; i < kConnections; ++i) {
        const HttpResponse r = clients[i].read_response(false, 10s);
        EXPECT_TRUE(well_framed(r)) << "connection " << i;
        EXPECT_EQ(r.status, 200) << "connection " << i;
        EXPECT_EQ(r.body, site.content(path_of(i))) << "connection " << i;
        ok += r.ok() && r.status == 200 && r.body == site.content(path_of(i));
    }
    EXPECT_EQ(ok, kConnections);
}

}  // namespace
}  // namespace tpserve::integration
