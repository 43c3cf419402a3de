#pragma once
// The seam between the connection state machine and what answers a
// request: StaticHandler on the public listeners, admin::AdminHandler on the
// admin listener, both driven by the same conn::Connection (so limits,
// timeouts, keep-alive, pipelining and hostile input behave the same on
// both). One virtual call per response. Measured together with the
// worker's counters (callgrind, epoll, 1 worker, keep-alive GETs of a
// 700-byte cached file; instructions of 900 requests minus 100, / 800;
// three runs each): 9436 before, 9520 after (medians: +84, +0.9 %, inside
// the runs' ±200 spread).
#include <cstdint>
#include <string_view>

#include "files/PathResolver.h"
#include "http/Request.h"
#include "plan/TransmitPlan.h"

namespace tpserve::handler {

struct Site;

struct ResponseInfo {
    std::uint16_t status = 0;
    std::uint64_t body_bytes = 0;  // bytes of content put in the plan (0 for HEAD)
    std::uint64_t head_bytes = 0;  // status line and header fields
    bool close = false;            // the connection must close after this response
    const Site* site = nullptr;    // the site that answered (null: nothing to log, e.g. admin)
    std::string_view encoding;     // the precompressed variant sent ("br", "gzip"); "" = none
};

class RequestHandler {
public:
    // Appends the response to `request` to `plan`. `keep_alive` is what the
    // connection may still offer (client asked for it, request budget left, not
    // shutting down); the response says Connection: close when it is false.
    virtual ResponseInfo respond(const http::Request& request, bool keep_alive,
                                 files::PathResolver& resolver, plan::TransmitPlan& plan) = 0;

    // An error response that does not come from a parsed request (a parse
    // error, a timeout): built-in page, always closes the connection.
    virtual ResponseInfo respond_error(std::uint16_t status, plan::TransmitPlan& plan) = 0;

    // The interim "100 Continue" line.
    static void add_continue(plan::TransmitPlan& plan) {
        plan.add(std::string_view("HTTP/1.1 100 Continue\r\n\r\n"));
    }

protected:
    RequestHandler() = default;
    RequestHandler(const RequestHandler&) = default;
    RequestHandler& operator=(const RequestHandler&) = default;
    RequestHandler(RequestHandler&&) = default;
    RequestHandler& operator=(RequestHandler&&) = default;
    ~RequestHandler() = default;
};

}  // namespace tpserve::handler
