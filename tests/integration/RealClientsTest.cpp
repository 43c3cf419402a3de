// Real clients against the server: the shell scripts in real_clients/, run
// when their tool is on PATH (skipped otherwise). Under Wine the scripts
// still run on Linux and reach tpserve.exe over loopback.
#include <sys/wait.h>

#include <cstdio>

#include "ServerFixture.h"
#include "TestData.h"
#include "TestEnv.h"

namespace tpserve::integration {
namespace {

// The scripts live beside this file in the source tree.
std::filesystem::path script(const std::string& name) {
    return std::filesystem::path(TPSERVE_INTEGRATION_DIR) / "real_clients" / name;
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

class RealClients : public ServerFixture {
protected:
    // Runs `sh script args...` (bounded by `timeout` when coreutils has it)
    // and returns its exit status; `output` gets stdout and stderr.
    int run_script(const std::string& name, const std::vector<std::string>& args,
                   std::string& output) {
        std::string cmd;
        if (const auto t = find_on_path("timeout")) cmd = shell_quote(t->string()) + " 120 ";
        cmd += "/bin/sh " + shell_quote(script(name).string());
        for (const auto& a : args)
            cmd += " " + shell_quote(a);
        cmd += " 2>&1";
        FILE* p = ::popen(cmd.c_str(), "r");
        if (p == nullptr) return -1;
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
            output.append(buf, n);
        const int status = ::pclose(p);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
};

TEST_F(RealClients, CurlEtagRoundTripAndResume) {
    if (!find_on_path("curl")) GTEST_SKIP() << "curl is not on PATH";
    ASSERT_TRUE(std::filesystem::exists(script("curl_etag.sh"))) << script("curl_etag.sh");
    site.add("big.bin", random_bytes(200 * 1024 + 3, 77));
    ASSERT_TRUE(start());
    const auto work = tree.mkdir("curl-work");
    std::string output;
    const int rc = run_script(
        "curl_etag.sh",
        {url("/big.bin"), work.string(), (tree.path() / "www" / "big.bin").string()}, output);
    EXPECT_EQ(rc, 0) << output;
}

}  // namespace
}  // namespace tpserve::integration
