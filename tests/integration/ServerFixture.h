#pragma once
// Base fixture: a fresh TestSite and, once start() is called, a tpserve
// serving it on an ephemeral loopback port. TearDown stops the server with
// SIGTERM and fails the test unless it exits 0 in time and logged no
// sanitizer report.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "HttpClient.h"
#include "ServerProcess.h"
#include "TempTree.h"
#include "TestSite.h"

namespace tpserve::integration {

using support::TempTree;

class ServerFixture : public ::testing::Test {
protected:
    ServerFixture() : site(tree) {}
    void TearDown() override;

    // Writes `yaml` (if any) as a config file and starts the server; fails
    // the test (fatally, via ASSERT in the caller) when it does not come up.
    testing::AssertionResult start(std::optional<std::string> yaml = std::nullopt,
                                   ServerOptions options = {});

    // A connected client; throws (failing the test) if connecting fails.
    HttpClient connect(int recv_buffer = 0);
    // One request on a fresh connection.
    HttpResponse fetch(std::string_view raw, bool head_request = false);
    HttpResponse get(std::string_view target, std::string_view extra_headers = "");

    std::string url(std::string_view path = "/") const;

    TempTree tree;
    TestSite site;
    ServerProcess server;
    bool stopped = false;  // set by tests that stop the server themselves
};

// Checks the framing every response must have: a Content-Length that
// matches the body. Reports the whole head on failure.
testing::AssertionResult well_framed(const HttpResponse& r);

}  // namespace tpserve::integration
