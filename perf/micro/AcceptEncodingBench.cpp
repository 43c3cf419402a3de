// http::choose_encoding: picking a precompressed variant from Accept-Encoding.
#include <benchmark/benchmark.h>

#include <array>
#include <string_view>
#include <vector>

#include "http/AcceptEncoding.h"
#include "http/Request.h"

namespace {

using tpserve::http::Header;
using tpserve::http::Request;

constexpr std::array<std::string_view, 2> kAvailable{"br", "gzip"};

void choose(benchmark::State& state, std::vector<Header> headers, int expected) {
    Request request{};
    request.headers = headers;
    for (auto _ : state) {
        const int chosen = tpserve::http::choose_encoding(request, kAvailable);
        if (chosen != expected) {
            state.SkipWithError("unexpected coding");
            break;
        }
        benchmark::DoNotOptimize(chosen);
    }
}

// A browser's field, among its other headers (the lookup is part of the cost).
void BM_AcceptEncoding_Browser(benchmark::State& state) {
    choose(state,
           {{"Host", "www.example.com"},
            {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/124.0.0.0"},
            {"Accept", "text/css,*/*;q=0.1"},
            {"Accept-Encoding", "gzip, deflate, br, zstd"},
            {"Accept-Language", "en-GB,en-US;q=0.9,en;q=0.8"}},
           0);
}
BENCHMARK(BM_AcceptEncoding_Browser);

// Weighted members, "*" and an explicit refusal: every rule exercised.
void BM_AcceptEncoding_Weighted(benchmark::State& state) {
    choose(state,
           {{"Host", "www.example.com"},
            {"Accept-Encoding", "br;q=0, gzip;q=0.8, deflate;q=0.5, *;q=0.1, identity;q=0.2"}},
           1);
}
BENCHMARK(BM_AcceptEncoding_Weighted);

void BM_AcceptEncoding_Absent(benchmark::State& state) {
    choose(state, {{"Host", "localhost"}, {"User-Agent", "curl/7.88.1"}, {"Accept", "*/*"}}, -1);
}
BENCHMARK(BM_AcceptEncoding_Absent);

}  // namespace
