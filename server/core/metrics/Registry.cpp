#include "metrics/Registry.h"

#include <span>

#include "metrics/TextFormat.h"

namespace tpserve::metrics {

namespace {

// The transmit paths an engine has (the others would be a row of zeros
// that says nothing). Both Linux engines send file ranges with sendfile.
std::span<const TransmitPath> paths_of(std::string_view engine) noexcept {
    static constexpr TransmitPath kUring[] = {TransmitPath::UringSendmsg, TransmitPath::Sendmsg,
                                              TransmitPath::Sendfile};
    static constexpr TransmitPath kEpoll[] = {TransmitPath::Sendmsg, TransmitPath::Sendfile};
    static constexpr TransmitPath kIocp[] = {TransmitPath::TransmitPackets,
                                             TransmitPath::TransmitFile, TransmitPath::WsaSend};
    if (engine == "io_uring") return kUring;
    if (engine == "epoll") return kEpoll;
    if (engine == "iocp") return kIocp;
    return {};
}

void render_connections(TextWriter& w, const WorkerTotals& t) {
    w.family("tpserve_connections_accepted_total", "counter",
             "Client connections accepted on the public listeners.");
    w.sample("tpserve_connections_accepted_total", {}, t.connections_accepted);
    w.family("tpserve_connections_closed_total", "counter",
             "Client connections closed (by either side, after an error or a timeout).");
    w.sample("tpserve_connections_closed_total", {}, t.connections_closed);
    w.family("tpserve_connections_open", "gauge", "Client connections open now.");
    const std::uint64_t open = t.connections_accepted > t.connections_closed
                                   ? t.connections_accepted - t.connections_closed
                                   : 0;
    w.sample("tpserve_connections_open", {}, open);
}

void render_requests(TextWriter& w, const WorkerTotals& t) {
    w.family("tpserve_http_requests_total", "counter",
             "HTTP responses sent, by request method (GET, HEAD, OPTIONS, other) and status "
             "class.");
    for (std::size_t m = 0; m < kMethodClasses; ++m) {
        for (std::size_t s = 0; s < kStatusClasses; ++s) {
            w.sample("tpserve_http_requests_total",
                     {{"method", kMethodNames[m]}, {"status", kStatusClassNames[s]}},
                     t.requests[m][s]);
        }
    }
    w.family("tpserve_http_response_bytes_total", "counter",
             "Bytes of HTTP responses (heads and bodies) handed to the kernel.");
    w.sample("tpserve_http_response_bytes_total", {}, t.response_bytes);
}

void render_duration(TextWriter& w, const WorkerTotals& t) {
    constexpr std::string_view kName = "tpserve_http_request_duration_seconds";
    w.family(kName, "histogram",
             "Time from a request's first byte to the end of the transmit that carried its "
             "response.");
    std::uint64_t cumulative = 0;
    std::string bound;
    for (std::size_t i = 0; i < kDurationBuckets; ++i) {
        cumulative += t.duration_buckets[i];
        bound.clear();
        if (i < kDurationBoundsNs.size()) {
            append_number(bound, static_cast<double>(kDurationBoundsNs[i]) / 1e9);
        } else {
            bound = "+Inf";
        }
        w.sample("tpserve_http_request_duration_seconds_bucket", {{"le", bound}}, cumulative);
    }
    w.sample("tpserve_http_request_duration_seconds_sum", {},
             static_cast<double>(t.duration_nanoseconds) / 1e9);
    w.sample("tpserve_http_request_duration_seconds_count", {}, cumulative);
}

void render_deadlines(TextWriter& w, const WorkerTotals& t) {
    w.family("tpserve_deadlines_total", "counter",
             "Deadlines that fired, by kind: header, keepalive, body, send, drain.");
    for (std::size_t k = 0; k < kDeadlineKinds; ++k)
        w.sample("tpserve_deadlines_total", {{"kind", kDeadlineNames[k]}}, t.deadlines[k]);
}

void render_transmits(TextWriter& w, const WorkerTotals& t, std::string_view engine) {
    w.family("tpserve_transmits_total", "counter",
             "Send operations started by the I/O engine, by path (a resumed short send counts "
             "again).");
    for (const TransmitPath path : paths_of(engine)) {
        const auto index = static_cast<std::size_t>(path);
        w.sample("tpserve_transmits_total", {{"path", kTransmitPathNames[index]}},
                 t.transmits[index]);
    }
    if (engine != "iocp") return;
    w.family("tpserve_sockets_reused_total", "counter",
             "Sockets a closing transmit recycled into the AcceptEx pool (TF_REUSE_SOCKET).");
    w.sample("tpserve_sockets_reused_total", {}, t.sockets_reused);
    w.family("tpserve_sockets_closed_total", "counter",
             "Sockets a closing transmit closed instead of recycling them.");
    w.sample("tpserve_sockets_closed_total", {}, t.sockets_closed);
}

}  // namespace

void WorkerTotals::add(const WorkerMetrics& block) noexcept {
    connections_accepted += block.connections_accepted.value();
    connections_closed += block.connections_closed.value();
    for (std::size_t m = 0; m < kMethodClasses; ++m) {
        for (std::size_t s = 0; s < kStatusClasses; ++s)
            requests[m][s] += block.requests[m][s].value();
    }
    response_bytes += block.response_bytes.value();
    for (std::size_t i = 0; i < kDurationBuckets; ++i)
        duration_buckets[i] += block.duration_buckets[i].value();
    duration_nanoseconds += block.duration_nanoseconds.value();
    for (std::size_t k = 0; k < kDeadlineKinds; ++k)
        deadlines[k] += block.deadlines[k].value();
    for (std::size_t p = 0; p < kTransmitPaths; ++p)
        transmits[p] += block.transmits[p].value();
    sockets_reused += block.sockets_reused.value();
    sockets_closed += block.sockets_closed.value();
}

Registry::Registry(unsigned workers) {
    workers_.reserve(workers);
    for (unsigned i = 0; i < workers; ++i)
        workers_.push_back(std::make_unique<WorkerMetrics>());
}

WorkerTotals Registry::totals() const noexcept {
    WorkerTotals totals;
    for (const auto& block : workers_)
        totals.add(*block);
    return totals;
}

void Registry::set_cache_source(std::function<std::vector<CacheCounts>()> source) {
    caches_ = std::move(source);
}

void Registry::set_build_info(std::string version, std::string engine) {
    version_ = std::move(version);
    engine_ = std::move(engine);
}

void Registry::set_reload_source(std::function<ReloadCounts()> source) {
    reloads_ = std::move(source);
}

void Registry::render_caches(TextWriter& w) const {
    const std::vector<CacheCounts> counts = caches_ ? caches_() : std::vector<CacheCounts>{};
    struct Family {
        std::string_view name;
        std::string_view type;
        std::string_view help;
        std::uint64_t files::FileCache::Counters::*member;
    };
    static constexpr Family kFamilies[] = {
        {"tpserve_cache_hits_total", "counter",
         "File cache lookups answered from a fresh entry, by site.",
         &files::FileCache::Counters::hits},
        {"tpserve_cache_misses_total", "counter",
         "File cache lookups that opened the path in the file system, by site.",
         &files::FileCache::Counters::misses},
        {"tpserve_cache_evictions_total", "counter",
         "File cache entries dropped to stay within cache.max_entries or the open-file bound.",
         &files::FileCache::Counters::evictions},
        {"tpserve_cache_entries", "gauge", "File cache entries held now, by site.",
         &files::FileCache::Counters::entries},
        {"tpserve_cache_bytes", "gauge", "File bytes the cache holds in memory now, by site.",
         &files::FileCache::Counters::bytes_in_memory},
    };
    for (const Family& family : kFamilies) {
        w.family(family.name, family.type, family.help);
        for (const CacheCounts& cache : counts)
            w.sample(family.name, {{"site", cache.site}}, cache.counters.*family.member);
    }
}

void Registry::render(std::string& out) const {
    out.clear();
    TextWriter w(out);
    w.family("tpserve_build_info", "gauge", "Always 1; the labels say the version and I/O engine.");
    w.sample("tpserve_build_info", {{"version", version_}, {"engine", engine_}}, std::uint64_t{1});
    const WorkerTotals t = totals();
    render_connections(w, t);
    render_requests(w, t);
    render_duration(w, t);
    render_deadlines(w, t);
    render_transmits(w, t, engine_);
    render_caches(w);
    const ReloadCounts reloads = reloads_ ? reloads_() : ReloadCounts{};
    w.family("tpserve_reloads_total", "counter", "Configuration reloads, by result.");
    w.sample("tpserve_reloads_total", {{"result", "ok"}}, reloads.ok);
    w.sample("tpserve_reloads_total", {{"result", "failed"}}, reloads.failed);
}

}  // namespace tpserve::metrics
