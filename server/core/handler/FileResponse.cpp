// StaticHandler: a regular file's response — its precompressed variant,
// conditional requests, ranges.
#include <algorithm>
#include <array>
#include <charconv>

#include "files/ValidatorText.h"
#include "handler/Exchange.h"
#include "handler/FileBody.h"
#include "handler/HeadWriter.h"
#include "handler/MultipartRanges.h"
#include "handler/Preconditions.h"
#include "http/AcceptEncoding.h"
#include "http/Ascii.h"
#include "http/ByteRanges.h"
#include "time/TurnClock.h"

namespace tpserve::handler {

namespace {

std::string_view suffix_of(std::string_view encoding) noexcept {
    if (encoding == "br") return ".br";
    if (encoding == "gzip") return ".gz";
    if (encoding == "zstd") return ".zst";
    return {};
}

// "bytes FIRST-LAST/SIZE" into `out` (80 bytes hold any three uint64s).
std::string_view content_range(const http::ByteRange& range, std::uint64_t size,
                               std::span<char, 80> out) noexcept {
    char* const end = out.data() + out.size();
    constexpr std::string_view kBytes = "bytes ";
    char* p = out.data() + kBytes.copy(out.data(), kBytes.size());
    const std::uint64_t numbers[3] = {range.first, range.last, size};
    constexpr char kSeparators[3] = {'-', '/', '\0'};
    for (std::size_t i = 0; i < 3; ++i) {
        p = std::to_chars(p, end, numbers[i]).ptr;
        if (kSeparators[i] != '\0' && p != end) *p++ = kSeparators[i];
    }
    return {out.data(), static_cast<std::size_t>(p - out.data())};
}

// The Range field when it is the only one; "" otherwise (a list split over
// several fields is not a valid byte-ranges-specifier, so it is ignored).
std::string_view single_range_field(const http::Request& request) noexcept {
    std::string_view value;
    int count = 0;
    for (const http::Header& header : request.headers) {
        if (http::ascii::iequals(header.name, "range")) {
            value = header.value;
            ++count;
        }
    }
    return count == 1 ? value : std::string_view{};
}

}  // namespace

// The precompressed siblings of a file that can stand for it (regular, not
// older than the file), in the site's order of encodings.
struct StaticHandler::Variants {
    std::array<files::OpenResult, kMaxVariants> files{};
    std::array<std::string_view, kMaxVariants> codings{};
    std::size_t count = 0;
};

// What the response sends: the file or one of its variants, and the
// validators the preconditions and If-Range compare with.
struct StaticHandler::Representation {
    const files::OpenResult* sent = nullptr;
    std::string_view encoding;  // the variant's content coding; "" = the file itself
    bool vary = false;          // a variant exists: the response varies with Accept-Encoding
    std::string_view etag;
    std::string_view last_modified;  // the Last-Modified field's value
    Validators validators;           // for If-Match ... If-Modified-Since
    Validators range_validators;     // for If-Range
};

// The body's shape: the whole representation, one range or a multipart body.
struct StaticHandler::BodyShape {
    const http::RangeSet* ranges = nullptr;
    bool partial = false;  // 206: one range, or several as multipart/byteranges
    bool multipart = false;
    std::string_view boundary;
    std::string_view content_type;
    std::uint64_t length = 0;  // Content-Length
};

void StaticHandler::path_fields(Exchange& x, HeadWriter& head, bool vary) {
    x.site.rules.apply(rule_path_, time::TurnClock::unix_seconds(), head);
    if (vary) head.field("Vary", "Accept-Encoding");
}

ResponseInfo StaticHandler::serve_file(Exchange& x, std::string_view relative,
                                       const files::OpenResult& file) {
    rule_path_.assign("/").append(relative);
    const std::size_t slash = relative.rfind('/');
    const std::string_view name =
        slash == std::string_view::npos ? relative : relative.substr(slash + 1);
    const std::string_view type = mime_.lookup(name);

    Variants variants;
    find_variants(x, relative, file, variants);
    files::ValidatorText formatted_here;
    const Representation chosen = choose_representation(x, file, variants, formatted_here);
    switch (evaluate_preconditions(x.request, chosen.validators, true)) {
        case Precondition::NotModified:
            return send_not_modified(x, chosen.last_modified, chosen.etag, chosen.vary);
        case Precondition::Failed:
            return send_error(x, 412);
        case Precondition::Proceed:
            break;
    }

    const std::uint64_t size = chosen.sent->info.size;
    const http::RangeSet ranges = requested_ranges(x, chosen);
    if (ranges.outcome == http::RangeOutcome::Unsatisfiable) {
        std::array<char, 48> text{};
        char* p = text.data();
        constexpr std::string_view kStar = "bytes */";
        p += kStar.copy(p, kStar.size());
        p = std::to_chars(p, text.data() + text.size(), size).ptr;
        return send_error(x, 416, "Content-Range",
                          std::string_view(text.data(), static_cast<std::size_t>(p - text.data())));
    }
    std::array<char, kMultipartTypeBytes> multipart_type{};
    const BodyShape body = plan_body(ranges, size, type, multipart_type);
    return send_representation(x, chosen, body, type);
}

void StaticHandler::find_variants(Exchange& x, std::string_view relative,
                                  const files::OpenResult& file, Variants& variants) {
    const config::Precompressed& pre = x.site.settings.precompressed;
    if (!pre.enabled || pre.encodings.empty()) return;
    std::array<std::string_view, kMaxVariants> suffixes{};
    const std::size_t count = std::min(pre.encodings.size(), kMaxVariants);
    for (std::size_t i = 0; i < count; ++i)
        suffixes[i] = suffix_of(pre.encodings[i]);
    x.site.files.open_siblings(relative, std::span(suffixes.data(), count),
                               std::span(variants.files.data(), count));
    // Kept in place, in order: the usable ones move to the front.
    for (std::size_t i = 0; i < count; ++i) {
        const files::OpenResult& variant = variants.files[i];
        if (variant.error != files::OpenError::None ||
            variant.info.kind != files::FileKind::Regular ||
            variant.info.mtime_sec < file.info.mtime_sec) {
            continue;
        }
        if (variants.count != i) variants.files[variants.count] = std::move(variants.files[i]);
        variants.codings[variants.count] = pre.encodings[i];
        ++variants.count;
    }
}

StaticHandler::Representation StaticHandler::choose_representation(
    const Exchange& x, const files::OpenResult& file, const Variants& variants,
    files::ValidatorText& formatted_here) {
    Representation r;
    r.vary = variants.count > 0;
    const int chosen = r.vary ? http::choose_encoding(
                                    x.request, std::span(variants.codings.data(), variants.count))
                              : -1;
    r.sent = chosen >= 0 ? &variants.files[static_cast<std::size_t>(chosen)] : &file;
    if (chosen >= 0) r.encoding = variants.codings[static_cast<std::size_t>(chosen)];

    // A cached file comes with its validators formatted; others get them here.
    const files::ValidatorText* validator_text = &r.sent->validators;
    if (!validator_text->formatted()) {
        formatted_here.format(r.sent->info);
        validator_text = &formatted_here;
    }
    r.etag = validator_text->etag();
    // RFC 9110 §8.8.2.1: a modification time later than now is sent as the
    // response's Date, never as a date in the future; If-Modified-Since and
    // If-Unmodified-Since then compare with that date, the one the client
    // has. As a date it is weak (§8.8.2.2: not a second before Date), so it
    // never satisfies an If-Range.
    const std::int64_t now_seconds = time::TurnClock::unix_seconds();
    const std::int64_t mtime = r.sent->info.mtime_sec;
    const bool future = mtime > now_seconds;
    r.last_modified = future ? dates_.now() : validator_text->last_modified();
    r.validators = Validators{r.etag, future ? now_seconds : mtime, true};
    r.range_validators = Validators{r.etag, mtime, !future};
    return r;
}

http::RangeSet StaticHandler::requested_ranges(const Exchange& x, const Representation& r) const {
    http::RangeSet ranges;
    if (x.request.method != http::Method::Get) return ranges;
    const std::string_view field = single_range_field(x.request);
    if (!field.empty() && if_range_allows(x.request, r.range_validators)) {
        ranges = http::parse_byte_ranges(field, r.sent->info.size, config_.limits.max_ranges);
    }
    return ranges;
}

StaticHandler::BodyShape StaticHandler::plan_body(const http::RangeSet& ranges, std::uint64_t size,
                                                  std::string_view type,
                                                  std::span<char, kMultipartTypeBytes> scratch) {
    BodyShape body;
    body.ranges = &ranges;
    body.partial = ranges.outcome == http::RangeOutcome::Satisfiable;
    body.multipart = body.partial && ranges.count > 1;
    body.content_type = type;
    body.length = size;
    if (body.multipart) {
        body.boundary = boundary_.next();
        constexpr std::string_view kPrefix = "multipart/byteranges; boundary=";
        std::size_t n = kPrefix.copy(scratch.data(), kPrefix.size());
        n += body.boundary.copy(scratch.data() + n, scratch.size() - n);
        body.content_type = std::string_view(scratch.data(), n);
        body.length = multipart_length(ranges.view(), size, type, body.boundary);
    } else if (body.partial) {
        body.length = ranges.ranges[0].last - ranges.ranges[0].first + 1;
    }
    return body;
}

ResponseInfo StaticHandler::send_representation(Exchange& x, const Representation& r,
                                                const BodyShape& body, std::string_view type) {
    const std::uint64_t size = r.sent->info.size;
    const http::ByteRange& first = body.ranges->ranges[0];
    std::array<char, 80> range_text{};
    const std::uint16_t status = body.partial ? 206 : 200;
    const std::size_t reserve = kHeadReserve + config_.server_header.size() +
                                body.content_type.size() + x.site.rules.max_bytes();
    HeadWriter head(x.plan.reserve(reserve));
    head.status_line(status);
    common_fields(head, x.reply);
    head.field("Content-Type", body.content_type);
    head.field("Content-Length", body.length);
    if (body.partial && !body.multipart) {
        head.field("Content-Range", content_range(first, size, range_text));
    }
    if (!r.encoding.empty()) head.field("Content-Encoding", r.encoding);
    head.field("Last-Modified", r.last_modified);
    head.field("ETag", r.etag);
    head.field("Accept-Ranges", "bytes");
    path_fields(x, head, r.vary);
    head.end();
    x.plan.shrink_last(reserve - head.size());

    std::uint64_t body_bytes = 0;
    if (!x.reply.head_only) {
        body_bytes = body.length;
        if (body.multipart) {
            add_multipart_body(x.plan, *r.sent, body.ranges->view(), size, type, body.boundary);
        } else {
            add_file_body(x.plan, *r.sent, body.partial ? first.first : 0, body.length);
        }
    }
    return finish(x, status, head.size(), body_bytes, r.encoding);
}

ResponseInfo StaticHandler::send_not_modified(Exchange& x, std::string_view last_modified,
                                              std::string_view etag, bool vary) {
    // RFC 9110 §15.4.5: the fields a 200 would carry that describe the
    // representation's identity and caching, and no content.
    const std::size_t reserve =
        kHeadReserve + config_.server_header.size() + x.site.rules.max_bytes();
    HeadWriter head(x.plan.reserve(reserve));
    head.status_line(304);
    common_fields(head, x.reply);
    head.field("Last-Modified", last_modified);
    head.field("ETag", etag);
    path_fields(x, head, vary);
    head.end();
    x.plan.shrink_last(reserve - head.size());
    return finish(x, 304, head.size(), 0);
}

}  // namespace tpserve::handler
