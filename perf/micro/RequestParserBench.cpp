// http::RequestParser over whole requests already in the receive window, the
// way a worker drives it: parse until NeedMore, then drop the consumed bytes
// (which rebases the parser, so the same buffer can be parsed again as if
// freshly received).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "config/Config.h"
#include "http/RequestParser.h"

namespace {

using tpserve::http::ParseEvent;
using tpserve::http::RequestParser;

constexpr std::string_view kBrowserGet =
    "GET /assets/css/site.min.css?v=3f2a9c HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Accept: text/css,*/*;q=0.1\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: no-cors\r\n"
    "Sec-Fetch-Dest: style\r\n"
    "Referer: https://www.example.com/\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Accept-Language: en-GB,en-US;q=0.9,en;q=0.8\r\n"
    "If-None-Match: \"65f1a2b3-1c2d\"\r\n"
    "If-Modified-Since: Wed, 13 Mar 2024 10:15:31 GMT\r\n"
    "\r\n";

constexpr std::string_view kCurlGet =
    "GET / HTTP/1.1\r\n"
    "Host: localhost:8080\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: */*\r\n"
    "\r\n";

// Parses every request in `wire` per iteration; `expected` requests must come out.
void parse_window(benchmark::State& state, const std::string& wire, int expected) {
    const tpserve::config::Limits limits;
    RequestParser parser(limits);
    const std::span<const std::byte> window(reinterpret_cast<const std::byte*>(wire.data()),
                                            wire.size());
    for (auto _ : state) {
        int requests = 0;
        for (;;) {
            const ParseEvent event = parser.parse(window);
            if (event != ParseEvent::Request) break;
            benchmark::DoNotOptimize(parser.request().target.data());
            ++requests;
            parser.next();
        }
        if (requests != expected || parser.droppable() != wire.size()) {
            state.SkipWithError("the parser did not deliver every request");
            break;
        }
        parser.drop(wire.size());
    }
    state.SetItemsProcessed(state.iterations() * expected);
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(wire.size()));
}

void BM_Parse_BrowserGet(benchmark::State& state) {
    parse_window(state, std::string(kBrowserGet), 1);
}
BENCHMARK(BM_Parse_BrowserGet);

void BM_Parse_CurlGet(benchmark::State& state) {
    parse_window(state, std::string(kCurlGet), 1);
}
BENCHMARK(BM_Parse_CurlGet);

// Ten browser GETs in one window (HTTP pipelining); items/s is requests/s.
void BM_Parse_Pipelined10(benchmark::State& state) {
    std::string wire;
    for (int i = 0; i < 10; ++i)
        wire += kBrowserGet;
    parse_window(state, wire, 10);
}
BENCHMARK(BM_Parse_Pipelined10);

}  // namespace
