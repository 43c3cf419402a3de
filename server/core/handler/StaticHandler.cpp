#include "handler/StaticHandler.h"

#include "handler/Exchange.h"
#include "handler/HeadWriter.h"
#include "http/AcceptMedia.h"
#include "http/Ascii.h"
#include "http/Host.h"

namespace tpserve::handler {

namespace {

using http::ascii::iequals;

// An absolute-form target (RFC 9112 §3.2.2) split into its authority and the
// origin-form rest; false when `target` is not one.
bool split_absolute(std::string_view target, std::string_view& authority,
                    std::string_view& path) noexcept {
    const std::size_t colon = target.find("://");
    if (colon == std::string_view::npos || target.front() == '/') return false;
    const std::string_view scheme = target.substr(0, colon);
    if (!iequals(scheme, "http") && !iequals(scheme, "https")) return false;
    const std::string_view rest = target.substr(colon + 3);
    const std::size_t end = rest.find_first_of("/?#");
    authority = rest.substr(0, end);
    if (end == std::string_view::npos) {
        path = "/";
    } else if (rest[end] == '/') {
        path = rest.substr(end);
    } else {
        path = {};  // "http://host?q": the path is empty, which means "/"
    }
    return true;
}

// Accept lists text/html itself (not only through "*/*" or "text/*") with q > 0.
bool names_html(const http::Request& request) noexcept {
    if (http::media_quality(request, "text/html") == 0) return false;
    for (const http::Header& header : request.headers) {
        if (!iequals(header.name, "accept")) continue;
        for (std::size_t at = header.value.find('/'); at != std::string_view::npos;
             at = header.value.find('/', at + 1)) {
            const bool starts =
                at == 4 || (at > 4 && std::string_view(" \t,").find(header.value[at - 5]) !=
                                          std::string_view::npos);
            if (starts && iequals(header.value.substr(at - 4, 9), "text/html") &&
                (at + 5 == header.value.size() ||
                 std::string_view(" \t,;").find(header.value[at + 5]) != std::string_view::npos)) {
                return true;
            }
        }
    }
    return false;
}

}  // namespace

StaticHandler::StaticHandler(const config::Config& config, const SiteTable& sites,
                             const files::MimeTable& mime)
    : config_(config), sites_(sites), mime_(mime) {
    index_path_.reserve(4096);
    rule_path_.reserve(4096);
}

void StaticHandler::common_fields(HeadWriter& head, const Reply& reply) {
    head.field("Date", dates_.now());
    if (!config_.server_header.empty()) head.field("Server", config_.server_header);
    if (!reply.keep_alive) {
        head.field("Connection", "close");
    } else if (reply.http10) {
        // HTTP/1.0 persistence is opt-in and must be confirmed (RFC 9112 §9.3).
        head.field("Connection", "keep-alive");
    }
}

ResponseInfo StaticHandler::finish(Exchange& x, std::uint16_t status, std::uint64_t head_bytes,
                                   std::uint64_t body_bytes, std::string_view encoding) {
    if (!x.reply.keep_alive) x.plan.disposition = plan::Disposition::Close;
    return ResponseInfo{status, body_bytes, head_bytes, !x.reply.keep_alive, &x.site, encoding};
}

ResponseInfo StaticHandler::respond_error(std::uint16_t status, plan::TransmitPlan& plan) {
    ResponseInfo info = send_builtin_error(Reply{.status = status}, plan);
    info.site = &sites_.default_site();
    return info;
}

ResponseInfo StaticHandler::respond(const http::Request& request, bool keep_alive,
                                    files::PathResolver& resolver, plan::TransmitPlan& plan) {
    const bool http10 = request.version_major == 1 && request.version_minor == 0;
    const Reply reply{.status = 200,
                      .head_only = request.method == http::Method::Head,
                      .keep_alive = keep_alive && request.keep_alive,
                      .http10 = http10};

    // RFC 9112 §3.2: a 1.1 request without exactly one valid Host is a 400.
    std::string_view host;
    int hosts = 0;
    bool valid = true;
    for (const http::Header& header : request.headers) {
        if (!iequals(header.name, "host")) continue;
        ++hosts;
        host = header.value;
        valid = valid && http::is_valid_host(header.value);
    }
    const bool bad_host = !valid || hosts > 1 || (hosts == 0 && !http10);

    // An absolute-form target names the host itself; Host is then ignored
    // (RFC 9112 §3.2.2), though it must still be present and valid above.
    std::string_view target = request.target;
    std::string_view authority;
    std::string_view path;
    const bool absolute = split_absolute(target, authority, path);
    if (absolute) {
        host = authority;
        target = path;
    }
    Exchange x{request, reply, sites_.select(host), resolver, plan};
    // Before any path is resolved, error pages included: the rules are the site's.
    resolver.set_serve_hidden(x.site.settings.serve_hidden);
    resolver.set_windows_names(x.site.files.windows_names());
    // "http:///x" or "http://:80/x": an http URI with an empty host is
    // invalid and MUST be rejected (RFC 9110 §4.2.1), not sent to the default site.
    const bool bad_authority = absolute && (authority.empty() || authority.front() == ':' ||
                                            !http::is_valid_host(authority));
    // Asterisk-form is "*" exactly (RFC 9112 §3.2.4); any other target that is
    // not absolute-form must be origin-form, starting with '/' — but for
    // CONNECT, whose authority-form ("host:443") gets its 405 below.
    const bool bad_target = request.method != http::Method::Connect && target != "*" &&
                            !target.empty() && target.front() != '/';
    if (bad_host || bad_authority || bad_target) {
        x.reply.keep_alive = false;
        return send_error(x, 400);
    }

    switch (request.method) {
        case http::Method::Get:
        case http::Method::Head:
            break;
        case http::Method::Options:
            return send_options(x, target);
        case http::Method::Other:
            return send_error(x, 501);
        default:
            return send_error(x, 405, "Allow", kAllow);
    }
    if (target == "*") {
        x.reply.keep_alive = false;
        return send_error(x, 400);
    }
    return serve_path(x, target.empty() ? std::string_view("/") : target);
}

ResponseInfo StaticHandler::serve_path(Exchange& x, std::string_view target) {
    const files::ResolvedPath path = x.resolver.resolve(target);
    if (path.error == files::PathError::BadRequest) {
        x.reply.keep_alive = false;
        return send_error(x, 400);
    }
    if (path.error == files::PathError::NotFound) return not_found(x, 404);

    const files::OpenResult opened = x.site.files.open(path.relative);
    if (opened.error == files::OpenError::NotFound) return not_found(x, 404);
    if (opened.error == files::OpenError::Forbidden) return send_error(x, 403);
    if (opened.error == files::OpenError::TooManyFiles) return send_error(x, 503);
    if (opened.error != files::OpenError::None) return send_error(x, 500);

    if (opened.info.kind == files::FileKind::Regular) {
        // "/file.txt/" names a directory that does not exist.
        if (path.trailing_slash) return not_found(x, 404);
        return serve_file(x, path.relative, opened);
    }
    if (opened.info.kind != files::FileKind::Directory) return send_error(x, 403);
    if (!path.trailing_slash && !path.relative.empty()) {
        return send_redirect(x, path.relative, target);
    }
    return serve_directory(x, path.relative);
}

ResponseInfo StaticHandler::serve_directory(Exchange& x, std::string_view relative) {
    const config::Site& settings = x.site.settings;
    for (const std::string& index : settings.index) {
        index_path_.assign(relative);
        if (!index_path_.empty()) index_path_.push_back('/');
        index_path_.append(index);
        const files::OpenResult candidate = x.site.files.open(index_path_);
        if (candidate.error == files::OpenError::NotFound) continue;
        if (candidate.error == files::OpenError::Forbidden) return send_error(x, 403);
        if (candidate.error == files::OpenError::TooManyFiles) return send_error(x, 503);
        if (candidate.error != files::OpenError::None) return send_error(x, 500);
        if (candidate.info.kind != files::FileKind::Regular) continue;
        return serve_file(x, index_path_, candidate);
    }
    if (settings.listing) return send_listing(x, relative);
    return send_error(x, 403);
}

ResponseInfo StaticHandler::not_found(Exchange& x, std::uint16_t status) {
    // A single-page app routes unknown paths itself: a browser navigating to
    // one gets the app's entry page. Only a client that names text/html: a
    // script or an <img> asking "*/*" for a missing file gets the 404.
    const std::string& fallback = x.site.settings.fallback;
    if (!fallback.empty() && names_html(x.request)) {
        const files::ResolvedPath path = x.resolver.resolve(fallback);
        if (path.error == files::PathError::None && !path.trailing_slash) {
            const files::OpenResult opened = x.site.files.open(path.relative);
            if (opened.error == files::OpenError::None &&
                opened.info.kind == files::FileKind::Regular) {
                return serve_file(x, path.relative, opened);
            }
        }
    }
    return send_error(x, status);
}

}  // namespace tpserve::handler
