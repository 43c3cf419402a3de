#include "admin/AdminHandler.h"

#include "handler/HeadWriter.h"
#include "handler/StatusText.h"
#include "http/Ascii.h"
#include "http/Host.h"

namespace tpserve::admin {

namespace {

// Status line and the fields below, with room for a long Server value.
constexpr std::size_t kHeadReserve = 512;

// The path of an origin-form target, without its query ("/metrics?x" is
// /metrics: a scraper may add parameters).
std::string_view path_of(std::string_view target) noexcept {
    return target.substr(0, target.find('?'));
}

// RFC 9112 §3.2, as on the public listeners: a 1.1 request has exactly one
// valid Host.
bool host_ok(const http::Request& request, bool http10) noexcept {
    int hosts = 0;
    for (const http::Header& header : request.headers) {
        if (!http::ascii::iequals(header.name, "host")) continue;
        ++hosts;
        if (!http::is_valid_host(header.value)) return false;
    }
    return hosts == 1 || (hosts == 0 && http10);
}

}  // namespace

AdminHandler::AdminHandler(const metrics::Registry& registry, std::string_view server_header)
    : registry_(registry), server_header_(server_header) {}

AdminHandler::Answer AdminHandler::route(std::string_view path) {
    if (path == "/metrics") {
        registry_.render(text_);
        return Answer{.status = 200, .content_type = kMetricsType, .body = text_};
    }
    if (path == "/healthz") return Answer{.status = 200, .body = "ok\n"};
    if (path == "/readyz") {
        if (registry_.ready()) return Answer{.status = 200, .body = "ready\n"};
        return Answer{.status = 503, .body = "not ready: starting or draining\n"};
    }
    return Answer{.status = 404,
                  .body =
                      "not found: the admin listener serves /metrics, "
                      "/healthz and /readyz\n"};
}

handler::ResponseInfo AdminHandler::respond(const http::Request& request, bool keep_alive,
                                            files::PathResolver& /*resolver*/,
                                            plan::TransmitPlan& plan) {
    const bool http10 = request.version_major == 1 && request.version_minor == 0;
    const bool head_only = request.method == http::Method::Head;
    keep_alive = keep_alive && request.keep_alive;
    if (!host_ok(request, http10) || request.target.empty() || request.target.front() != '/') {
        return send(Answer{.status = 400, .body = "bad request\n"}, head_only, false, http10, plan);
    }
    if (request.method != http::Method::Get && !head_only) {
        return send(Answer{.status = 405, .body = "method not allowed\n", .allow = true}, false,
                    keep_alive, http10, plan);
    }
    return send(route(path_of(request.target)), head_only, keep_alive, http10, plan);
}

handler::ResponseInfo AdminHandler::respond_error(std::uint16_t status, plan::TransmitPlan& plan) {
    return send(
        Answer{.status = status, .content_type = "text/html", .body = handler::error_page(status)},
        false, false, false, plan);
}

handler::ResponseInfo AdminHandler::send(const Answer& answer, bool head_only, bool keep_alive,
                                         bool http10, plan::TransmitPlan& plan) {
    const std::size_t reserve = kHeadReserve + server_header_.size();
    handler::HeadWriter head(plan.reserve(reserve));
    head.status_line(answer.status);
    head.field("Date", dates_.now());
    if (!server_header_.empty()) head.field("Server", server_header_);
    if (!keep_alive) {
        head.field("Connection", "close");
    } else if (http10) {
        head.field("Connection",
                   "keep-alive");  // HTTP/1.0 persistence is confirmed (RFC 9112 §9.3)
    }
    if (answer.allow) head.field("Allow", "GET, HEAD");
    head.field("Content-Type", answer.content_type);
    head.field("Content-Length", static_cast<std::uint64_t>(answer.body.size()));
    // The answers change from one request to the next: no cache keeps them.
    head.field("Cache-Control", "no-store");
    head.end();
    plan.shrink_last(reserve - head.size());
    // Copied into the plan's arena: pipelined scrapes in one plan each keep their text.
    if (!head_only) plan.copy(answer.body);
    if (!keep_alive) plan.disposition = plan::Disposition::Close;
    handler::ResponseInfo info;
    info.status = answer.status;
    info.body_bytes = head_only ? 0 : answer.body.size();
    info.head_bytes = head.size();
    info.close = !keep_alive;
    return info;
}

}  // namespace tpserve::admin
