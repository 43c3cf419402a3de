// http::parse_byte_ranges: the Range header against a 1 MiB representation.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string_view>

#include "http/ByteRanges.h"

namespace {

using tpserve::http::RangeOutcome;

constexpr std::uint64_t kSize = std::uint64_t{1} << 20;

void parse(benchmark::State& state, std::string_view value, std::size_t expected_ranges) {
    for (auto _ : state) {
        const auto set = tpserve::http::parse_byte_ranges(value, kSize, 16);
        if (set.outcome != RangeOutcome::Satisfiable || set.count != expected_ranges) {
            state.SkipWithError("unexpected outcome");
            break;
        }
        benchmark::DoNotOptimize(set.count);
    }
}

void BM_ByteRanges_Single(benchmark::State& state) {
    parse(state, "bytes=1000-1999", 1);
}
BENCHMARK(BM_ByteRanges_Single);

// Five disjoint specs, out of order, with a suffix: checked, clipped,
// none merged (gaps above 80 bytes), request order kept.
void BM_ByteRanges_Five(benchmark::State& state) {
    parse(state, "bytes=500000-500999, 0-499,  2000-2999,-1000, 900000-900999", 5);
}
BENCHMARK(BM_ByteRanges_Five);

}  // namespace
