// files::PathResolver::resolve: decoding and normalizing a request-target.
#include <benchmark/benchmark.h>

#include <string_view>

#include "files/PathResolver.h"

namespace {

using tpserve::files::PathError;
using tpserve::files::PathResolver;

void resolve(benchmark::State& state, std::string_view target) {
    PathResolver resolver(false);
    for (auto _ : state) {
        const auto resolved = resolver.resolve(target);
        if (resolved.error != PathError::None) {
            state.SkipWithError("the target was refused");
            break;
        }
        benchmark::DoNotOptimize(resolved.relative.data());
    }
}

void BM_Resolve_Short(benchmark::State& state) {
    resolve(state, "/index.html");
}
BENCHMARK(BM_Resolve_Short);

// Deep, percent-encoded, with dot segments to pop and a query to cut.
void BM_Resolve_DeepEncoded(benchmark::State& state) {
    resolve(state,
            "/static/%E6%96%87%E6%A1%A3/2024/./reports/q1/../q2/%C3%A9t%C3%A9%20summary/"
            "images/thumbs/large/caf%C3%A9%2Dmenu%20(1).png?width=640&v=9");
}
BENCHMARK(BM_Resolve_DeepEncoded);

}  // namespace
