// files::FileCache::open on a fresh entry: the lookup every request makes
// for its file (a hit) and for the precompressed siblings it tries (mostly
// a remembered miss). Also the whole StaticHandler::respond with the cache
// in front of the in-memory root, which is how the server runs it.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string_view>
#include <vector>

#include "config/Config.h"
#include "conn/MemoryFileSystem.h"
#include "conn/TestSites.h"
#include "files/FileCache.h"
#include "files/MimeTable.h"
#include "files/PathResolver.h"
#include "handler/StaticHandler.h"
#include "http/Request.h"
#include "plan/TransmitPlan.h"

namespace {

using namespace tpserve;

// Long enough that no entry goes stale during a run.
constexpr files::FileCache::Settings kSettings{std::chrono::hours(1), 10'000};

void lookup(benchmark::State& state, std::string_view path, files::OpenError expected) {
    testing::MemoryFileSystem fs;
    fs.add_dir("");
    fs.add_dir("assets");
    fs.add_file("assets/site.css", 1024);
    const files::FileCache cache(fs, kSettings);
    (void)cache.open(path);  // warm
    const auto before = cache.counters();
    for (auto _ : state) {
        const files::OpenResult result = cache.open(path);
        if (result.error != expected) {
            state.SkipWithError("unexpected open result");
            break;
        }
        benchmark::DoNotOptimize(result.info.size);
    }
    const auto after = cache.counters();
    if (after.misses != before.misses)
        state.SkipWithError("a lookup went to the inner file system");
    state.counters["hits"] = static_cast<double>(after.hits - before.hits);
}

void BM_FileCache_Hit(benchmark::State& state) {
    lookup(state, "assets/site.css", files::OpenError::None);
}
BENCHMARK(BM_FileCache_Hit);

// A precompressed sibling that does not exist, remembered as such.
void BM_FileCache_NegativeHit(benchmark::State& state) {
    lookup(state, "assets/site.css.br", files::OpenError::NotFound);
}
BENCHMARK(BM_FileCache_NegativeHit);

// As BM_StaticHandler_1KiB_Browser, with the cache in front of the root.
void BM_StaticHandler_1KiB_Browser_Cached(benchmark::State& state) {
    config::Config config;
    testing::MemoryFileSystem fs;
    fs.add_dir("");
    fs.add_dir("assets");
    fs.add_file("assets/site.css", 1024);
    const files::FileCache cache(fs, kSettings);
    const testing::TestSites sites(config, cache);
    const files::MimeTable mime({}, config.default_mime_type);
    handler::StaticHandler handler(config, *sites.table, mime);
    files::PathResolver resolver(false);
    plan::TransmitPlan plan;

    const std::vector<http::Header> headers{
        {"Host", "www.example.com"},
        {"Connection", "keep-alive"},
        {"User-Agent",
         "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/124.0.0.0 Safari/537.36"},
        {"Accept", "text/css,*/*;q=0.1"},
        {"Referer", "https://www.example.com/"},
        {"Accept-Encoding", "gzip, deflate, br, zstd"},
        {"Accept-Language", "en-GB,en-US;q=0.9,en;q=0.8"}};
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
BENCHMARK(BM_StaticHandler_1KiB_Browser_Cached);

}  // namespace
