#include "handler/StaticHandler.h"

#include <array>

#include "files/ETag.h"
#include "files/HttpDate.h"
#include "handler/HeadWriter.h"
#include "handler/StatusText.h"
#include "http/Host.h"

namespace tpserve::handler {

namespace {

constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
constexpr std::string_view kAllow = "GET, HEAD";
// Room for the fixed fields; variable ones (Location, Server, type) are added on top.
constexpr std::size_t kHeadReserve = 512;

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

bool is_host(std::string_view name) noexcept {
    constexpr std::string_view kHost = "host";
    if (name.size() != kHost.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if ((name[i] | 0x20) != kHost[i]) return false;
    }
    return true;
}

}  // namespace

StaticHandler::StaticHandler(const config::Config& config, const files::FileSystem& files,
                             const files::MimeTable& mime)
    : config_(config), files_(files), mime_(mime) {
    index_path_.reserve(4096);
}

void StaticHandler::add_continue(plan::TransmitPlan& plan) {
    plan.add(std::string_view("HTTP/1.1 100 Continue\r\n\r\n"));
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

ResponseInfo StaticHandler::respond_error(std::uint16_t status, plan::TransmitPlan& plan) {
    return send_error(Reply{status, false, false, false}, plan);
}

ResponseInfo StaticHandler::send_error(const Reply& reply, plan::TransmitPlan& plan,
                                       std::string_view extra_name, std::string_view extra_value) {
    const std::string_view page = error_page(reply.status);
    HeadWriter head(plan.reserve(kHeadReserve + config_.server_header.size() + extra_value.size()));
    head.status_line(reply.status);
    common_fields(head, reply);
    if (!extra_name.empty()) head.field(extra_name, extra_value);
    head.field("Content-Type", kHtmlType);
    head.field("Content-Length", static_cast<std::uint64_t>(page.size()));
    head.end();
    plan.shrink_last(kHeadReserve + config_.server_header.size() + extra_value.size() -
                     head.size());
    if (!reply.head_only) plan.add(page);
    if (!reply.keep_alive) plan.disposition = plan::Disposition::Close;
    return ResponseInfo{reply.status, reply.head_only ? 0 : page.size(), !reply.keep_alive};
}

ResponseInfo StaticHandler::send_redirect(const Reply& reply, std::string_view relative,
                                          std::string_view target, plan::TransmitPlan& plan) {
    // Built from the normalized path, never from the raw target: "//evil.com"
    // or "/a/../docs" must not come back as a Location a browser would follow
    // elsewhere. "/docs?x=1" -> "/docs/?x=1": the slash goes before the query.
    const std::size_t query = target.find('?');
    index_path_.assign("/");
    append_escaped_path(index_path_, relative);
    index_path_.push_back('/');
    if (query != std::string_view::npos) index_path_.append(target.substr(query));
    Reply redirect = reply;
    redirect.status = 301;
    return send_error(redirect, plan, "Location", index_path_);
}

ResponseInfo StaticHandler::send_file(const Reply& reply, const files::OpenResult& file,
                                      std::string_view name, plan::TransmitPlan& plan) {
    std::array<char, 96> etag{};
    const std::size_t etag_size = files::format_etag(file.info, etag);
    std::array<char, 29> modified{};
    files::format_http_date(file.info.mtime_sec, std::span<char, 29>(modified));
    const std::string_view type = mime_.lookup(name);

    const std::size_t reserve = kHeadReserve + config_.server_header.size() + type.size();
    HeadWriter head(plan.reserve(reserve));
    head.status_line(200);
    common_fields(head, reply);
    head.field("Content-Type", type);
    head.field("Content-Length", file.info.size);
    head.field("Last-Modified", std::string_view(modified.data(), modified.size()));
    head.field("ETag", std::string_view(etag.data(), etag_size));
    head.field("Accept-Ranges", "bytes");
    head.end();
    plan.shrink_last(reserve - head.size());
    if (!reply.head_only) plan.add(file.file, 0, file.info.size);
    if (!reply.keep_alive) plan.disposition = plan::Disposition::Close;
    return ResponseInfo{200, reply.head_only ? 0 : file.info.size, !reply.keep_alive};
}

ResponseInfo StaticHandler::serve_path(const http::Request& request, const Reply& reply,
                                       files::PathResolver& resolver, plan::TransmitPlan& plan) {
    const files::ResolvedPath path = resolver.resolve(request.target);
    if (path.error == files::PathError::BadRequest) {
        return send_error(Reply{400, reply.head_only, false, reply.http10}, plan);
    }
    if (path.error == files::PathError::NotFound) {
        return send_error(Reply{404, reply.head_only, reply.keep_alive, reply.http10}, plan);
    }

    auto failure = [&](files::OpenError error) {
        Reply failed = reply;
        switch (error) {
            case files::OpenError::NotFound:
                failed.status = 404;
                break;
            case files::OpenError::Forbidden:
                failed.status = 403;
                break;
            case files::OpenError::TooManyFiles:
                failed.status = 503;
                break;
            default:
                failed.status = 500;
                break;
        }
        return send_error(failed, plan);
    };

    files::OpenResult opened = files_.open(path.relative);
    if (opened.error != files::OpenError::None) return failure(opened.error);

    if (opened.info.kind == files::FileKind::Regular) {
        // "/file.txt/" names a directory that does not exist.
        if (path.trailing_slash) return failure(files::OpenError::NotFound);
        const std::size_t slash = path.relative.rfind('/');
        const std::string_view name =
            slash == std::string_view::npos ? path.relative : path.relative.substr(slash + 1);
        return send_file(reply, opened, name, plan);
    }
    if (opened.info.kind != files::FileKind::Directory) return failure(files::OpenError::Forbidden);
    if (!path.trailing_slash && !path.relative.empty()) {
        return send_redirect(reply, path.relative, request.target, plan);
    }
    for (const std::string& index : config_.index) {
        index_path_.assign(path.relative);
        if (!index_path_.empty()) index_path_.push_back('/');
        index_path_.append(index);
        files::OpenResult candidate = files_.open(index_path_);
        if (candidate.error == files::OpenError::NotFound) continue;
        if (candidate.error != files::OpenError::None) return failure(candidate.error);
        if (candidate.info.kind != files::FileKind::Regular) continue;
        return send_file(reply, candidate, index, plan);
    }
    // No index: listing is off (a later issue adds it), so the directory is forbidden.
    return failure(files::OpenError::Forbidden);
}

ResponseInfo StaticHandler::respond(const http::Request& request, bool keep_alive,
                                    files::PathResolver& resolver, plan::TransmitPlan& plan) {
    const bool http10 = request.version_major == 1 && request.version_minor == 0;
    Reply reply{200, request.method == http::Method::Head, keep_alive && request.keep_alive,
                http10};

    // RFC 9112 §3.2: a 1.1 request without exactly one Host is a 400.
    if (!http10) {
        int hosts = 0;
        bool valid = true;
        for (const http::Header& header : request.headers) {
            if (!is_host(header.name)) continue;
            ++hosts;
            valid = valid && http::is_valid_host(header.value);
        }
        if (hosts != 1 || !valid)
            return send_error(Reply{400, reply.head_only, false, false}, plan);
    }

    switch (request.method) {
        case http::Method::Get:
        case http::Method::Head:
            break;
        case http::Method::Other:
            reply.status = 501;
            return send_error(reply, plan);
        default:
            reply.status = 405;
            return send_error(reply, plan, "Allow", kAllow);
    }
    if (request.target == "*") return send_error(Reply{400, reply.head_only, false, http10}, plan);
    return serve_path(request, reply, resolver, plan);
}

}  // namespace tpserve::handler
