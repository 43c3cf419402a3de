// Targets that try to escape the document root or reach hidden files: never
// the marker, always a 4xx, and the server keeps serving.
#include "ServerFixture.h"

namespace tpserve::integration {
namespace {

class HostilePaths : public ServerFixture {
protected:
    void SetUp() override { ASSERT_TRUE(start()); }
};

TEST_F(HostilePaths, NeverLeakAndAlways4xx) {
    const std::string abs_outside = (tree.path() / "outside" / "secret.txt").string();
    const std::vector<std::string> targets = {
        "/../outside/secret.txt",
        "/%2e%2e/outside/secret.txt",
        "/%2E%2E/outside/secret.txt",
        "/%2e%2e%2foutside%2fsecret.txt",
        "/..%2foutside%2fsecret.txt",
        "/..%5coutside%5csecret.txt",
        "/.%2e/outside/secret.txt",
        "/%00",
        "/a.txt%00.html",
        "//../outside/secret.txt",
        "/./../outside/secret.txt",
        "/docs/../../outside/secret.txt",
        "/docs/%2e%2e/%2e%2e/outside/secret.txt",
        "/%c0%ae%c0%ae/outside/secret.txt",
        "/%252e%252e/outside/secret.txt",
        "/..\\outside\\secret.txt",
        "/link-out",
        "/dirlink/secret.txt",
        "/dirlink/",
        "/.hidden",
        "/.git/config",
        "/.git/",
        "/%2ehidden",
        "/docs/../.hidden",
        "/" + abs_outside,
        "/.." + abs_outside,
        "http://127.0.0.1/../outside/secret.txt",
        "http://127.0.0.1/%2e%2e/outside/secret.txt",
        "..",
        "../outside/secret.txt",
    };
    for (const auto& target : targets) {
        SCOPED_TRACE("target: " + target);
        HttpClient c = connect();
        ASSERT_TRUE(c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        const HttpResponse r = c.read_response();
        // Whatever the server sent, parsed or not, must not hold the marker.
        const std::string seen = r.raw() + c.read_some(1 << 20, 50ms);
        EXPECT_TRUE(seen.find(site.marker) == std::string::npos)
            << "LEAKED outside/secret.txt (status " << r.status << ")";
        EXPECT_TRUE(r.ok()) << r.error;
        EXPECT_GE(r.status, 400) << r.head;
        EXPECT_LT(r.status, 500) << r.head;
    }
    const HttpResponse ok = get("/a.txt");
    ASSERT_TRUE(well_framed(ok));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, site.content("/a.txt"));
}

}  // namespace
}  // namespace tpserve::integration
