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

    // The precompressed siblings that exist and are not older than the file;
    // any of them makes the response vary with Accept-Encoding.
    const config::Precompressed& pre = x.site.settings.precompressed;
    constexpr std::size_t kMaxVariants = 3;
    std::array<files::OpenResult, kMaxVariants> variants{};
    std::array<std::string_view, kMaxVariants> codings{};
    std::size_t available = 0;
    if (pre.enabled && !pre.encodings.empty()) {
        std::array<std::string_view, kMaxVariants> suffixes{};
        const std::size_t count = std::min(pre.encodings.size(), kMaxVariants);
        for (std::size_t i = 0; i < count; ++i)
            suffixes[i] = suffix_of(pre.encodings[i]);
        x.site.files.open_siblings(relative, std::span(suffixes.data(), count),
                                   std::span(variants.data(), count));
        // Kept in place, in order: the usable ones move to the front.
        for (std::size_t i = 0; i < count; ++i) {
            if (variants[i].error != files::OpenError::None ||
                variants[i].info.kind != files::FileKind::Regular ||
                variants[i].info.mtime_sec < file.info.mtime_sec) {
                continue;
            }
            if (available != i) variants[available] = std::move(variants[i]);
            codings[available] = pre.encodings[i];
            ++available;
        }
    }
    const bool vary = available > 0;
    const int chosen =
        vary ? http::choose_encoding(x.request, std::span(codings.data(), available)) : -1;
    const files::OpenResult& sent = chosen >= 0 ? variants[static_cast<std::size_t>(chosen)] : file;
    const std::string_view encoding =
        chosen >= 0 ? codings[static_cast<std::size_t>(chosen)] : std::string_view{};

    // A cached file comes with its validators formatted; others get them here.
    files::ValidatorText formatted_here;
    const files::ValidatorText* validator_text = &sent.validators;
    if (!validator_text->formatted()) {
        formatted_here.format(sent.info);
        validator_text = &formatted_here;
    }
    const std::string_view etag = validator_text->etag();
    // RFC 9110 §8.8.2.1: a modification time later than now is sent as the
    // response's Date, never as a date in the future; If-Modified-Since and
    // If-Unmodified-Since then compare with that date, the one the client
    // has. As a date it is weak (§8.8.2.2: not a second before Date), so it
    // never satisfies an If-Range.
    const std::int64_t now_seconds = time::TurnClock::unix_seconds();
    const bool future = sent.info.mtime_sec > now_seconds;
    const std::string_view last_modified = future ? dates_.now() : validator_text->last_modified();
    const Validators validators{etag, future ? now_seconds : sent.info.mtime_sec, true};
    const Validators range_validators{etag, sent.info.mtime_sec, !future};
    const bool get = x.request.method == http::Method::Get;
    switch (evaluate_preconditions(x.request, validators, true)) {
        case Precondition::NotModified:
            return send_not_modified(x, last_modified, etag, vary);
        case Precondition::Failed:
            return send_error(x, 412);
        case Precondition::Proceed:
            break;
    }

    const std::uint64_t size = sent.info.size;
    http::RangeSet ranges;
    const std::string_view range_field = get ? single_range_field(x.request) : std::string_view{};
    if (!range_field.empty() && if_range_allows(x.request, range_validators)) {
        ranges = http::parse_byte_ranges(range_field, size, config_.limits.max_ranges);
    }
    if (ranges.outcome == http::RangeOutcome::Unsatisfiable) {
        std::array<char, 48> text{};
        char* p = text.data();
        constexpr std::string_view kStar = "bytes */";
        p += kStar.copy(p, kStar.size());
        p = std::to_chars(p, text.data() + text.size(), size).ptr;
        return send_error(x, 416, "Content-Range",
                          std::string_view(text.data(), static_cast<std::size_t>(p - text.data())));
    }
    const bool partial = ranges.outcome == http::RangeOutcome::Satisfiable;
    const bool multipart = partial && ranges.count > 1;
    const std::string_view boundary = multipart ? boundary_.next() : std::string_view{};

    std::array<char, 80> range_text{};
    std::array<char, 128> multipart_type{};
    std::string_view content_type = type;
    std::uint64_t length = size;
    if (multipart) {
        constexpr std::string_view kPrefix = "multipart/byteranges; boundary=";
        std::size_t n = kPrefix.copy(multipart_type.data(), kPrefix.size());
        n += boundary.copy(multipart_type.data() + n, multipart_type.size() - n);
        content_type = std::string_view(multipart_type.data(), n);
        length = multipart_length(ranges.view(), size, type, boundary);
    } else if (partial) {
        length = ranges.ranges[0].last - ranges.ranges[0].first + 1;
    }

    const std::uint16_t status = partial ? 206 : 200;
    const std::size_t reserve = kHeadReserve + config_.server_header.size() + content_type.size() +
                                x.site.rules.max_bytes();
    HeadWriter head(x.plan.reserve(reserve));
    head.status_line(status);
    common_fields(head, x.reply);
    head.field("Content-Type", content_type);
    head.field("Content-Length", length);
    if (partial && !multipart) {
        head.field("Content-Range", content_range(ranges.ranges[0], size, range_text));
    }
    if (!encoding.empty()) head.field("Content-Encoding", encoding);
    head.field("Last-Modified", last_modified);
    head.field("ETag", etag);
    head.field("Accept-Ranges", "bytes");
    path_fields(x, head, vary);
    head.end();
    x.plan.shrink_last(reserve - head.size());

    std::uint64_t body = 0;
    if (!x.reply.head_only) {
        body = length;
        if (multipart) {
            add_multipart_body(x.plan, sent, ranges.view(), size, type, boundary);
        } else {
            add_file_body(x.plan, sent, partial ? ranges.ranges[0].first : 0, length);
        }
    }
    return finish(x, status, head.size(), body, encoding);
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
