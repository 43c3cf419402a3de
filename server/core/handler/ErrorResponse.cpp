// StaticHandler: responses that are not a file's content — error pages
// (a site's own or the built-in ones), redirects, OPTIONS, listings.
#include <vector>

#include "handler/DirectoryListing.h"
#include "handler/Exchange.h"
#include "handler/FileBody.h"
#include "handler/HeadWriter.h"
#include "handler/StatusText.h"
#include "http/AcceptMedia.h"

namespace tpserve::handler {

namespace {

// RFC 3986 pchar plus '/': what may stay unescaped in a Location path.
bool is_path_char(unsigned char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(c)) !=
           std::string_view::npos;
}

void append_escaped_path(std::string& out, std::string_view path) {
    constexpr char kHex[] = "0123456789ABCDEF";
    for (const char c : path) {
        const auto byte = static_cast<unsigned char>(c);
        if (is_path_char(byte)) {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[byte >> 4]);
            out.push_back(kHex[byte & 0x0F]);
        }
    }
}

const config::ErrorPage* find_page(const config::Site& site, std::uint16_t status) noexcept {
    for (const config::ErrorPage& page : site.error_pages) {
        if (page.status == status) return &page;
    }
    return nullptr;
}

// The query of a request target, '?' included; "" if none.
std::string_view query_of(std::string_view target) noexcept {
    const std::size_t query = target.find('?');
    return query == std::string_view::npos ? std::string_view{} : target.substr(query);
}

// Whether the query ("?a=1&format=json") has exactly the member `member`.
bool has_query_member(std::string_view query, std::string_view member) noexcept {
    if (query.empty()) return false;
    query.remove_prefix(1);
    while (!query.empty()) {
        const std::size_t amp = query.find('&');
        if (query.substr(0, amp) == member) return true;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return false;
}

}  // namespace

ResponseInfo StaticHandler::send_builtin_error(const Reply& reply, plan::TransmitPlan& plan,
                                               std::string_view extra_name,
                                               std::string_view extra_value) {
    const std::string_view page = error_page(reply.status);
    const std::size_t reserve = kHeadReserve + config_.server_header.size() + extra_value.size();
    HeadWriter head(plan.reserve(reserve));
    head.status_line(reply.status);
    common_fields(head, reply);
    if (!extra_name.empty()) head.field(extra_name, extra_value);
    head.field("Content-Type", kHtmlType);
    head.field("Content-Length", static_cast<std::uint64_t>(page.size()));
    head.end();
    plan.shrink_last(reserve - head.size());
    if (!reply.head_only) plan.add(page);
    if (!reply.keep_alive) plan.disposition = plan::Disposition::Close;
    return ResponseInfo{reply.status, reply.head_only ? 0 : page.size(),
                        head.size(),  !reply.keep_alive,
                        nullptr,      {}};
}

ResponseInfo StaticHandler::send_error(Exchange& x, std::uint16_t status,
                                       std::string_view extra_name, std::string_view extra_value) {
    Reply reply = x.reply;
    reply.status = status;
    // The site's own page for this status, when it names one that can be
    // served; anything wrong with it falls back to the built-in page.
    if (const config::ErrorPage* custom = find_page(x.site.settings, status)) {
        const files::ResolvedPath path = x.resolver.resolve(custom->path);
        files::OpenResult page;
        page.error = files::OpenError::NotFound;
        if (path.error == files::PathError::None && !path.trailing_slash)
            page = x.site.files.open(path.relative);
        if (page.error == files::OpenError::None && page.info.kind == files::FileKind::Regular) {
            const std::string_view type = mime_.lookup(path.relative);
            const std::size_t reserve =
                kHeadReserve + config_.server_header.size() + extra_value.size() + type.size();
            HeadWriter head(x.plan.reserve(reserve));
            head.status_line(status);
            common_fields(head, reply);
            if (!extra_name.empty()) head.field(extra_name, extra_value);
            head.field("Content-Type", type);
            head.field("Content-Length", page.info.size);
            head.end();
            x.plan.shrink_last(reserve - head.size());
            if (!reply.head_only) add_file_body(x.plan, page, 0, page.info.size);
            return finish(x, status, head.size(), reply.head_only ? 0 : page.info.size);
        }
    }
    ResponseInfo info = send_builtin_error(reply, x.plan, extra_name, extra_value);
    info.site = &x.site;
    return info;
}

ResponseInfo StaticHandler::send_redirect(Exchange& x, std::string_view relative,
                                          std::string_view target) {
    // Built from the normalized path, never from the raw target: "//evil.com"
    // or "/a/../docs" must not come back as a Location a browser would follow
    // elsewhere. "/docs?x=1" -> "/docs/?x=1": the slash goes before the query.
    index_path_.assign("/");
    append_escaped_path(index_path_, relative);
    index_path_.push_back('/');
    index_path_.append(query_of(target));
    rule_path_.assign(index_path_, 0, index_path_.size() - query_of(target).size());
    const std::string_view page = error_page(301);
    const std::size_t reserve =
        kHeadReserve + config_.server_header.size() + index_path_.size() + x.site.rules.max_bytes();
    HeadWriter head(x.plan.reserve(reserve));
    head.status_line(301);
    common_fields(head, x.reply);
    head.field("Location", index_path_);
    head.field("Content-Type", kHtmlType);
    head.field("Content-Length", static_cast<std::uint64_t>(page.size()));
    path_fields(x, head, false);
    head.end();
    x.plan.shrink_last(reserve - head.size());
    if (!x.reply.head_only) x.plan.add(page);
    return finish(x, 301, head.size(), x.reply.head_only ? 0 : page.size());
}

ResponseInfo StaticHandler::send_options(Exchange& x, std::string_view target) {
    // RFC 9110 §9.3.7: what the server allows, for a path or for the server
    // as a whole ("OPTIONS *"); no content.
    // Header rules apply as to any success, so a CORS preflight
    // (OPTIONS /api/x) gets the Access-Control-* fields its rules set.
    rule_path_.assign(target.substr(0, target.find('?')));
    const std::size_t reserve =
        kHeadReserve + config_.server_header.size() + x.site.rules.max_bytes();
    HeadWriter head(x.plan.reserve(reserve));
    head.status_line(204);
    common_fields(head, x.reply);
    head.field("Allow", kAllow);
    if (target != "*") path_fields(x, head, false);
    head.end();
    x.plan.shrink_last(reserve - head.size());
    return finish(x, 204, head.size(), 0);
}

ResponseInfo StaticHandler::send_listing(Exchange& x, std::string_view relative) {
    std::vector<files::DirEntry> entries;
    const files::OpenError error = x.site.files.list(relative, entries);
    if (error == files::OpenError::NotFound) return send_error(x, 404);
    if (error == files::OpenError::TooManyFiles) return send_error(x, 503);
    if (error != files::OpenError::None) return send_error(x, 403);

    // Only names a request can reach: a link to a name the resolver refuses
    // would be dead.
    const bool windows_names = x.site.files.windows_names();
    std::erase_if(entries, [windows_names](const files::DirEntry& entry) {
        return !files::PathResolver::servable_name(entry.name, windows_names);
    });
    const bool json = http::prefers_json(x.request) ||
                      has_query_member(query_of(x.request.target), "format=json");
    rule_path_.assign("/").append(relative);
    if (!relative.empty()) rule_path_.push_back('/');
    body_.clear();
    if (json) {
        render_listing_json(std::move(entries), x.site.settings.serve_hidden, body_);
    } else {
        render_listing_html(rule_path_, std::move(entries), x.site.settings.serve_hidden, body_);
    }
    const std::string_view type = json ? "application/json" : kHtmlType;
    const std::size_t reserve =
        kHeadReserve + config_.server_header.size() + x.site.rules.max_bytes();
    HeadWriter head(x.plan.reserve(reserve));
    head.status_line(200);
    common_fields(head, x.reply);
    head.field("Content-Type", type);
    head.field("Content-Length", static_cast<std::uint64_t>(body_.size()));
    // The format follows Accept, and a listing changes whenever the
    // directory does: caches must ask again.
    head.field("Vary", "Accept");
    path_fields(x, head, false);
    head.end();
    x.plan.shrink_last(reserve - head.size());
    if (!x.reply.head_only) x.plan.copy(body_);
    return finish(x, 200, head.size(), x.reply.head_only ? 0 : body_.size());
}

}  // namespace tpserve::handler
