#pragma once
// Turns one parsed request into one response appended to a transmit plan:
// methods, path resolution, index files, redirects, error pages. It decides
// HTTP semantics only; the backend decides how the bytes travel.
//
// One instance per worker thread; it is not thread-safe (its DateCache).
#include <cstdint>
#include <string>

#include "config/Config.h"
#include "files/FileSystem.h"
#include "files/MimeTable.h"
#include "files/PathResolver.h"
#include "handler/DateCache.h"
#include "http/Request.h"
#include "plan/TransmitPlan.h"

namespace tpserve::handler {

struct ResponseInfo {
    std::uint16_t status = 0;
    std::uint64_t body_bytes = 0;  // bytes of content put in the plan (0 for HEAD)
    bool close = false;            // the connection must close after this response
};

class StaticHandler {
public:
    // Every reference must outlive the handler.
    StaticHandler(const config::Config& config, const files::FileSystem& files,
                  const files::MimeTable& mime);

    // Appends the response to `request` to `plan`. `keep_alive` is what the
    // connection may still offer (client asked for it, request budget left, not
    // shutting down); the response says Connection: close when it is false.
    ResponseInfo respond(const http::Request& request, bool keep_alive,
                         files::PathResolver& resolver, plan::TransmitPlan& plan);

    // An error response that does not come from a parsed request (a parse
    // error, a timeout): always closes the connection.
    ResponseInfo respond_error(std::uint16_t status, plan::TransmitPlan& plan);

    // The interim "100 Continue" line.
    static void add_continue(plan::TransmitPlan& plan);

    DateCache& dates() noexcept { return dates_; }

private:
    struct Reply {
        std::uint16_t status;
        bool head_only;
        bool keep_alive;
        bool http10;
    };
    ResponseInfo send_file(const Reply& reply, const files::OpenResult& file, std::string_view name,
                           plan::TransmitPlan& plan);
    ResponseInfo send_error(const Reply& reply, plan::TransmitPlan& plan,
                            std::string_view extra_name = {}, std::string_view extra_value = {});
    ResponseInfo send_redirect(const Reply& reply, std::string_view relative,
                               std::string_view target, plan::TransmitPlan& plan);
    ResponseInfo serve_path(const http::Request& request, const Reply& reply,
                            files::PathResolver& resolver, plan::TransmitPlan& plan);
    void common_fields(class HeadWriter& head, const Reply& reply);

    const config::Config& config_;
    const files::FileSystem& files_;
    const files::MimeTable& mime_;
    DateCache dates_;
    std::string index_path_;  // scratch for "dir/index.html", capacity kept
};

}  // namespace tpserve::handler
