#pragma once
// Turns one parsed request into one response appended to a transmit plan:
// site by Host, methods, path resolution, index files, listings, redirects,
// precompressed variants, conditional and range requests, header rules,
// error pages. It decides HTTP semantics only; the backend decides how the
// bytes travel.
//
// One instance per worker thread; it is not thread-safe (its scratch
// buffers, DateCache and Boundary).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "config/Config.h"
#include "files/FileSystem.h"
#include "files/MimeTable.h"
#include "files/PathResolver.h"
#include "handler/Boundary.h"
#include "handler/DateCache.h"
#include "handler/RequestHandler.h"
#include "handler/SiteTable.h"
#include "http/ByteRanges.h"
#include "http/Request.h"
#include "plan/TransmitPlan.h"

namespace tpserve::handler {

// Final with a non-virtual destructor: nothing deletes it through the base.
class StaticHandler final  // NOLINT(cppcoreguidelines-virtual-class-destructor)
    : public RequestHandler {
public:
    // Every reference must outlive the handler.
    StaticHandler(const config::Config& config, const SiteTable& sites,
                  const files::MimeTable& mime);

    // RequestHandler (contracts there).
    ResponseInfo respond(const http::Request& request, bool keep_alive,
                         files::PathResolver& resolver, plan::TransmitPlan& plan) override;
    ResponseInfo respond_error(std::uint16_t status, plan::TransmitPlan& plan) override;

    DateCache& dates() noexcept { return dates_; }

private:
    struct Exchange;
    struct Reply {
        std::uint16_t status = 200;
        bool head_only = false;
        bool keep_alive = false;
        bool http10 = false;
    };

    ResponseInfo serve_path(Exchange& x, std::string_view target);
    ResponseInfo serve_directory(Exchange& x, std::string_view relative);
    // `relative` is the file's path beneath the root; it is read before any
    // error page is looked up, so it may point into the resolver's buffer.
    ResponseInfo serve_file(Exchange& x, std::string_view relative, const files::OpenResult& file);
    // serve_file's steps (FileResponse.cpp): choosing the representation,
    // then planning and writing its body.
    static constexpr std::size_t kMaxVariants = 3;
    static constexpr std::size_t kMultipartTypeBytes = 128;
    struct Variants;
    struct Representation;
    struct BodyShape;
    static void find_variants(Exchange& x, std::string_view relative, const files::OpenResult& file,
                              Variants& variants);
    Representation choose_representation(const Exchange& x, const files::OpenResult& file,
                                         const Variants& variants,
                                         files::ValidatorText& formatted_here);
    [[nodiscard]] http::RangeSet requested_ranges(const Exchange& x, const Representation& r) const;
    BodyShape plan_body(const http::RangeSet& ranges, std::uint64_t size, std::string_view type,
                        std::span<char, kMultipartTypeBytes> scratch);
    ResponseInfo send_representation(Exchange& x, const Representation& r, const BodyShape& body,
                                     std::string_view type);
    ResponseInfo not_found(Exchange& x, std::uint16_t status);
    ResponseInfo send_listing(Exchange& x, std::string_view relative);
    ResponseInfo send_not_modified(Exchange& x, std::string_view last_modified,
                                   std::string_view etag, bool vary);
    ResponseInfo send_error(Exchange& x, std::uint16_t status, std::string_view extra_name = {},
                            std::string_view extra_value = {});
    ResponseInfo send_builtin_error(const Reply& reply, plan::TransmitPlan& plan,
                                    std::string_view extra_name = {},
                                    std::string_view extra_value = {});
    ResponseInfo send_redirect(Exchange& x, std::string_view relative, std::string_view target);
    // `target`: the origin-form target (or "*").
    ResponseInfo send_options(Exchange& x, std::string_view target);
    void common_fields(class HeadWriter& head, const Reply& reply);
    // The fields of a successful response that come from its path: header
    // rules (Cache-Control, Expires, extra fields) and Vary.
    void path_fields(Exchange& x, HeadWriter& head, bool vary);
    static ResponseInfo finish(Exchange& x, std::uint16_t status, std::uint64_t head_bytes,
                               std::uint64_t body_bytes, std::string_view encoding = {});

    const config::Config& config_;
    const SiteTable& sites_;
    const files::MimeTable& mime_;
    DateCache dates_;
    Boundary boundary_;
    // Scratch, capacity kept across requests.
    std::string index_path_;  // "dir/index.html", a redirect's Location
    std::string rule_path_;   // "/dir/file.css": what header rules match
    std::string body_;        // a listing
};

}  // namespace tpserve::handler
