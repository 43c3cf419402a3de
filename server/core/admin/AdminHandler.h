#pragma once
// Answers the admin listener's requests: /metrics (Prometheus text format
// 0.0.4), /healthz (200 while the process answers) and /readyz (200 while
// the registry says ready — every listener open, not draining — else 503).
// Any other path: 404; a method other than GET or HEAD: 405 with Allow.
// Driven by the same conn::Connection as the public listeners, so the
// parser's limits, timeouts, keep-alive and pipelining apply unchanged.
//
// One instance on the admin worker's thread; not thread-safe (its scratch
// text and DateCache).
#include <cstdint>
#include <string>
#include <string_view>

#include "handler/DateCache.h"
#include "handler/RequestHandler.h"
#include "metrics/Registry.h"

namespace tpserve::admin {

inline constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

// Final with a non-virtual destructor: nothing deletes it through the base.
class AdminHandler final  // NOLINT(cppcoreguidelines-virtual-class-destructor)
    : public handler::RequestHandler {
public:
    // `server_header`: the Server field's value ("" = none); both references
    // must outlive the handler.
    AdminHandler(const metrics::Registry& registry, std::string_view server_header);

    handler::ResponseInfo respond(const http::Request& request, bool keep_alive,
                                  files::PathResolver& resolver, plan::TransmitPlan& plan) override;
    handler::ResponseInfo respond_error(std::uint16_t status, plan::TransmitPlan& plan) override;

private:
    struct Answer {
        std::uint16_t status = 200;
        std::string_view content_type = "text/plain; charset=utf-8";
        std::string_view body;
        bool allow = false;  // add "Allow: GET, HEAD" (405)
    };
    handler::ResponseInfo send(const Answer& answer, bool head_only, bool keep_alive, bool http10,
                               plan::TransmitPlan& plan);
    Answer route(std::string_view path);

    const metrics::Registry& registry_;
    std::string_view server_header_;
    handler::DateCache dates_;
    std::string text_;  // the last /metrics rendering; capacity kept across scrapes
};

}  // namespace tpserve::admin
