// handler::Glob::matches, as header rules run it on every successful response.
#include <benchmark/benchmark.h>

#include <string_view>

#include "handler/Glob.h"

namespace {

using tpserve::handler::Glob;

void match(benchmark::State& state, std::string_view pattern, std::string_view path,
           bool expected) {
    const Glob glob(pattern);
    for (auto _ : state) {
        const bool matched = glob.matches(path);
        if (matched != expected) {
            state.SkipWithError("unexpected match result");
            break;
        }
        benchmark::DoNotOptimize(matched);
    }
}

void BM_Glob_Star(benchmark::State& state) {
    match(state, "*", "/assets/css/site.css", true);
}
BENCHMARK(BM_Glob_Star);

void BM_Glob_Extension(benchmark::State& state) {
    match(state, "*.css", "/assets/css/site.css", true);
}
BENCHMARK(BM_Glob_Extension);

void BM_Glob_Braces(benchmark::State& state) {
    match(state, "*.{js,mjs,css,woff2}", "/assets/fonts/inter-var.woff2", true);
}
BENCHMARK(BM_Glob_Braces);

void BM_Glob_DoubleStarMiss(benchmark::State& state) {
    match(state, "/assets/**/img-*.png", "/assets/2024/03/photos/large/IMG_0042.jpeg", false);
}
BENCHMARK(BM_Glob_DoubleStarMiss);

}  // namespace
