#pragma once
// One request being answered, as the StaticHandler's parts pass it around.
// Internal to the handler.
#include "files/PathResolver.h"
#include "handler/StaticHandler.h"

namespace tpserve::handler {

struct StaticHandler::Exchange {
    const http::Request& request;
    Reply reply;
    const Site& site;
    files::PathResolver& resolver;
    plan::TransmitPlan& plan;
};

// Room for the fixed fields of any head; variable ones (Location, Server,
// Content-Type, header rules) are added on top.
inline constexpr std::size_t kHeadReserve = 512;
inline constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
inline constexpr std::string_view kAllow = "GET, HEAD, OPTIONS";

}  // namespace tpserve::handler
