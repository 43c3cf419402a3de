// log::format_access_line, once per request when access logging is on.
#include <benchmark/benchmark.h>

#include <memory>

#include "log/AccessFormat.h"
#include "log/AccessLine.h"
#include "log/AccessRecord.h"

namespace {

using tpserve::log::AccessFormat;
using tpserve::log::AccessRecord;

void format(benchmark::State& state, AccessFormat access_format) {
    AccessRecord record;
    record.peer = "192.168.10.24";
    record.unix_time = 1'764'064'800;
    record.method = "GET";
    record.target = "/assets/css/site.min.css?v=3f2a9c";
    record.protocol = "HTTP/1.1";
    record.status = 200;
    record.body_bytes = 1024;
    record.referer = "https://www.example.com/";
    record.user_agent =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36";
    record.host = "www.example.com";
    record.site = "www.example.com";
    record.bytes_sent = 1321;
    record.request_time_us = 87;
    record.encoding = "br";
    record.local_ip = "10.0.0.5";
    record.local_port = 443;
    const auto out = std::make_unique<char[]>(tpserve::log::kMaxAccessLine);
    for (auto _ : state) {
        const std::size_t n = tpserve::log::format_access_line(access_format, record, out.get());
        if (n == 0 || out[n - 1] != '\n') {
            state.SkipWithError("not a line");
            break;
        }
        benchmark::DoNotOptimize(out.get());
        benchmark::ClobberMemory();
        // A new second now and then would defeat the per-thread date cache;
        // steady state (most requests within the same second) is what is measured.
    }
}

void BM_AccessLine_Combined(benchmark::State& state) {
    format(state, AccessFormat::Combined);
}
BENCHMARK(BM_AccessLine_Combined);

void BM_AccessLine_Json(benchmark::State& state) {
    format(state, AccessFormat::Json);
}
BENCHMARK(BM_AccessLine_Json);

void BM_AccessLine_W3c(benchmark::State& state) {
    format(state, AccessFormat::W3c);
}
BENCHMARK(BM_AccessLine_W3c);

}  // namespace
