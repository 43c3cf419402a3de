// Response heads: handler::HeadWriter alone on a typical 200, and the whole
// handler::StaticHandler::respond for a 1 KiB file (site selection, path
// resolution, precondition and range checks, header rules, the head, the
// plan), over the in-memory document root the handler tests use.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "config/Config.h"
#include "conn/MemoryFileSystem.h"
#include "conn/TestSites.h"
#include "files/MimeTable.h"
#include "files/PathResolver.h"
#include "handler/HeadWriter.h"
#include "handler/StaticHandler.h"
#include "http/Request.h"
#include "plan/TransmitPlan.h"

namespace {

using namespace tpserve;

void BM_HeadWriter_Typical200(benchmark::State& state) {
    std::array<std::byte, 1024> buffer{};
    for (auto _ : state) {
        handler::HeadWriter head(buffer);
        head.status_line(200);
        head.field("Date", "Tue, 14 Nov 2023 22:13:20 GMT");
        head.field("Server", "tpserve");
        head.field("Content-Type", "text/css; charset=utf-8");
        head.field("Content-Length", std::uint64_t{1024});
        head.field("Last-Modified", "Tue, 14 Nov 2023 22:13:20 GMT");
        head.field("ETag", "\"6553f100-400\"");
        head.field("Accept-Ranges", "bytes");
        head.field("X-Content-Type-Options", "nosniff");
        head.end();
        if (head.overflowed()) {
            state.SkipWithError("head overflowed");
            break;
        }
        benchmark::DoNotOptimize(buffer.data());
        benchmark::ClobberMemory();
    }
}
BENCHMARK(BM_HeadWriter_Typical200);

// One handler over a default config and a 1 KiB file, answering `headers`.
// MemoryFileSystem::open builds a std::string key and walks a std::map, so
// every file probe (the file, and any precompressed sibling tried) costs
// more than a cached lookup would; the figure is an upper bound on the
// handler's own work.
void respond(benchmark::State& state, std::vector<http::Header> headers) {
    config::Config config;
    testing::MemoryFileSystem fs;
    fs.add_dir("");
    fs.add_dir("assets");
    fs.add_file("assets/site.css", 1024);
    const testing::TestSites sites(config, fs);
    const files::MimeTable mime({}, config.default_mime_type);
    handler::StaticHandler handler(config, *sites.table, mime);
    files::PathResolver resolver(false);
    plan::TransmitPlan plan;

    http::Request request{};
    request.method = http::Method::Get;
    request.method_text = "GET";
    request.target = "/assets/site.css";
    request.headers = headers;
    request.keep_alive = true;

    for (auto _ : state) {
        const handler::ResponseInfo info = handler.respond(request, true, resolver, plan);
        if (info.status != 200 || info.body_bytes != 1024) {
            state.SkipWithError("not a 200 with the whole file");
            break;
        }
        benchmark::DoNotOptimize(plan.pending().data());
        plan.clear();
    }
}

void BM_StaticHandler_1KiB_Curl(benchmark::State& state) {
    respond(state, {{"Host", "localhost:8080"}, {"User-Agent", "curl/7.88.1"}, {"Accept", "*/*"}});
}
BENCHMARK(BM_StaticHandler_1KiB_Curl);

// With Accept-Encoding, so the handler also probes "site.css.br" and
// "site.css.gz" (absent here) before serving the file itself.
void BM_StaticHandler_1KiB_Browser(benchmark::State& state) {
    respond(state, {{"Host", "www.example.com"},
                    {"Connection", "keep-alive"},
                    {"User-Agent",
                     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "Chrome/124.0.0.0 Safari/537.36"},
                    {"Accept", "text/css,*/*;q=0.1"},
                    {"Referer", "https://www.example.com/"},
                    {"Accept-Encoding", "gzip, deflate, br, zstd"},
                    {"Accept-Language", "en-GB,en-US;q=0.9,en;q=0.8"}});
}
BENCHMARK(BM_StaticHandler_1KiB_Browser);

}  // namespace
