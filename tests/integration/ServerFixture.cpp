#include "ServerFixture.h"

#include <stdexcept>

namespace tpserve::integration {

testing::AssertionResult well_framed(const HttpResponse& r) {
    if (!r.ok()) return testing::AssertionFailure() << r.error;
    const auto cl = r.header("Content-Length");
    if (!cl) return testing::AssertionFailure() << "no Content-Length in\n" << printable(r.head);
    if (*cl != std::to_string(r.body.size())) {
        return testing::AssertionFailure()
               << "Content-Length " << *cl << " but the body has " << r.body.size() << " bytes";
    }
    return testing::AssertionSuccess();
}

testing::AssertionResult ServerFixture::start(std::optional<std::string> yaml,
                                              ServerOptions options) {
    options.root = site.root;
    if (yaml) options.config = tree.write("tpserve-test.yaml", *yaml);
    return server.start(options);
}

void ServerFixture::TearDown() {
    if (server.pid() > 0 && !stopped && !server.exited()) {
        EXPECT_TRUE(server.stop()) << "stopping the server at the end of the test";
    }
    const std::string err = server.stderr_text();
    for (const char* bad :
         {"AddressSanitizer", "runtime error:", "LeakSanitizer", "ThreadSanitizer"}) {
        EXPECT_EQ(err.find(bad), std::string::npos) << "the server reported:\n" << err;
    }
}

HttpClient ServerFixture::connect(int recv_buffer) {
    HttpClient c;
    if (!c.connect(server.host(), server.port(), 5s, recv_buffer)) {
        throw std::runtime_error(c.error() + "\n--- server stderr ---\n" + server.stderr_text());
    }
    return c;
}

HttpResponse ServerFixture::fetch(std::string_view raw, bool head_request) {
    HttpClient c = connect();
    return c.request(raw, head_request);
}

HttpResponse ServerFixture::get(std::string_view target, std::string_view extra_headers) {
    return fetch(make_request("GET", target, extra_headers));
}

std::string ServerFixture::url(std::string_view path) const {
    const bool v6 = server.host().find(':') != std::string::npos;
    return "http://" + (v6 ? "[" + server.host() + "]" : server.host()) + ":" +
           std::to_string(server.port()) + std::string(path);
}

}  // namespace tpserve::integration
