#include "http/RequestParser.h"

#include <llhttp.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string_view>
#include <vector>

#include "http/Ascii.h"
#include "http/HeadRecorder.h"

namespace tpserve::http {
namespace {

constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
using Part = HeadRecorder::Part;

enum class Phase : std::uint8_t {
    Head,        // between requests or inside a head
    Body,        // head delivered to request_, discarding the body
    Ready,       // a Request was returned; waiting for next()
    MethodScan,  // llhttp rejected the method; deciding 501 (token) or 400 (garbage)
    Closed,      // the last request ended the connection; ignore the rest
    Failed,
};

Method map_method(std::uint8_t m) {
    // llhttp numbers DELETE..TRACE 0..7 (its enum mirrors http_parser's).
    constexpr Method kFirst[] = {Method::Delete, Method::Get,     Method::Head,    Method::Post,
                                 Method::Put,    Method::Connect, Method::Options, Method::Trace};
    static_assert(HTTP_DELETE == 0 && HTTP_TRACE == 7);
    if (m <= HTTP_TRACE) return kFirst[m];
    return m == HTTP_PATCH ? Method::Patch : Method::Other;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

struct RequestParser::Impl {
    explicit Impl(const config::Limits& l) : limits(l), head(l.header_count) {
        llhttp_settings_init(&settings);
        settings.on_method = &data<&Impl::on_method>;
        settings.on_url = &data<&Impl::on_url>;
        settings.on_version = &data<&Impl::on_version>;
        settings.on_header_field = &data<&Impl::on_field>;
        settings.on_header_value = &data<&Impl::on_value>;
        settings.on_body = &data<&Impl::on_body_data>;
        // Chunk extensions are body bytes too: uncounted, one request could
        // stream without end (the class of Node's CVE-2024-22019).
        settings.on_chunk_extension_name = &data<&Impl::on_body_data>;
        settings.on_chunk_extension_value = &data<&Impl::on_body_data>;
        settings.on_url_complete = &event<&Impl::on_url_complete>;
        settings.on_version_complete = &event<&Impl::on_version_complete>;
        settings.on_header_field_complete = &event<&Impl::on_field_complete>;
        settings.on_header_value_complete = &event<&Impl::on_value_complete>;
        settings.on_headers_complete = &event<&Impl::on_headers_complete>;
        settings.on_message_complete = &event<&Impl::on_message_complete>;
        reset();
    }

    template <int (Impl::*F)(const char*, std::size_t)>
    static int data(llhttp_t* p, const char* at, std::size_t n) {
        return (static_cast<Impl*>(p->data)->*F)(at, n);
    }
    template <int (Impl::*F)()>
    static int event(llhttp_t* p) {
        return (static_cast<Impl*>(p->data)->*F)();
    }

    const config::Limits& limits;
    llhttp_t parser{};
    llhttp_settings_t settings{};
    HeadRecorder head;
    std::unique_ptr<char[]> head_copy;  // the head of a request with a body

    const char* base = nullptr;  // window of the current parse() call
    std::size_t size = 0;
    std::size_t fed = 0;                // bytes of the window given to llhttp
    std::size_t msg_start = 0;          // where the current message's bytes begin
    std::size_t head_start = kUnknown;  // first byte of the request line
    Phase phase = Phase::Head;
    std::uint16_t status = 0;
    const char* reason = "";

    // Per request.
    bool line_done = false;
    std::uint64_t body_seen = 0;
    bool message_done = false;
    bool expect_continue = false;
    Request request;

    void reset() {
        llhttp_init(&parser, HTTP_REQUEST, &settings);
        // Any one-digit "HTTP/d.d" reaches on_version_complete, which answers
        // 505 for a major other than 1 and takes 1.2..1.9 as 1.1 (RFC 9110
        // §2.5); llhttp 8.1 would refuse 1.2 with a 400 (llhttp_reset keeps it).
        parser.lenient_flags |= LENIENT_VERSION;
        parser.data = this;
        fed = msg_start = 0;
        status = 0;
        reason = "";
        phase = Phase::Head;
        begin_request();
    }

    void begin_request() {
        head_start = kUnknown;
        head.clear();
        line_done = false;
        body_seen = 0;
        expect_continue = false;
        request = Request{};
    }

    // The three ways of giving up, for llhttp callbacks, checks and parse().
    int fail(std::uint16_t code, const char* why) {
        status = code;
        reason = why;
        phase = Phase::Failed;
        return HPE_USER;
    }
    bool failed(std::uint16_t code, const char* why) {
        fail(code, why);
        return false;
    }
    ParseEvent error(std::uint16_t code, const char* why) {
        fail(code, why);
        return ParseEvent::Error;
    }

    std::size_t offset(const char* at) const { return static_cast<std::size_t>(at - base); }
    std::uint32_t rel(const char* at) const {
        return static_cast<std::uint32_t>(offset(at) - head_start);
    }
    [[nodiscard]] const HeadRecorder::Span& part(HeadRecorder::Part p) const {
        return head.part(p);
    }

    // `end` = head-relative end of the bytes llhttp has shown us so far.
    int check_size(std::size_t end) {
        if (!line_done && end > limits.request_line_bytes) {
            return fail(414, "request line too long");
        }
        if (end > limits.header_bytes) return fail(431, "request head too large");
        return 0;
    }

    int on_line(HeadRecorder::Part p, const char* at, std::size_t n) {
        if (head_start == kUnknown) {
            head_start = offset(at);  // the method's first byte starts the head
        }
        const auto len = static_cast<std::uint32_t>(n);
        if (head.add(p, rel(at), len) != HeadRecorder::Add::Ok) {
            return fail(400, "malformed request line");
        }
        return check_size(rel(at) + len);
    }
    int on_method(const char* at, std::size_t n) { return on_line(Part::Method, at, n); }
    int on_url(const char* at, std::size_t n) { return on_line(Part::Target, at, n); }
    int on_version(const char* at, std::size_t n) { return on_line(Part::Version, at, n); }

    int on_url_complete() {
        // The terminator is in this window: llhttp calls this upon reading it.
        const auto& url = part(Part::Target);
        const std::size_t end = head_start + url.end();
        if (!url.seen || url.off != part(Part::Method).len + 1 || end >= size || base[end] != ' ') {
            return fail(400, "malformed request line");  // HTTP/0.9 "GET /", or extra spaces
        }
        return 0;
    }
    int on_version_complete() {
        line_done = true;
        if (part(Part::Version).off != part(Part::Target).end() + 6) {  // exactly " HTTP/"
            return fail(400, "malformed request line");
        }
        if (parser.http_major != 1) return fail(505, "HTTP version not supported");
        if (parser.method == HTTP_PRI) {  // only meaningful as the HTTP/2 preface
            return fail(400, "PRI on HTTP/1.x");
        }
        return 0;
    }

    int on_field(const char* at, std::size_t n) {
        if (phase == Phase::Body) {
            return on_body(n);  // trailer fields: discarded, bounded like the body
        }
        const auto len = static_cast<std::uint32_t>(n);
        switch (head.add_name(rel(at), len)) {
            case HeadRecorder::Add::Ok:
                return check_size(rel(at) + len);
            case HeadRecorder::Add::TooManyFields:
                return fail(431, "too many header fields");
            case HeadRecorder::Add::NotAdjacent:
                break;
        }
        return fail(400, "malformed header name");
    }
    int on_field_complete() {
        if (phase != Phase::Body) {
            head.name_done();
        }
        return 0;
    }
    int on_value(const char* at, std::size_t n) {
        if (phase == Phase::Body) {
            return on_body(n);
        }
        const auto len = static_cast<std::uint32_t>(n);
        if (head.add_value(rel(at), len) != HeadRecorder::Add::Ok) {
            return fail(400, "obsolete line folding");  // RFC 9112 §5.2
        }
        return check_size(rel(at) + len);
    }
    int on_value_complete() {
        if (phase != Phase::Body) {
            head.value_done();
        }
        return 0;
    }

    int on_headers_complete() {
        parser.upgrade = 0;  // a static server answers Upgrade/CONNECT like any request
        if (!line_done) return fail(400, "missing HTTP version");
        head.materialize(base + head_start, request);
        bool want_continue = false;
        bool transfer_encoding = false;
        for (const Header& h : request.headers) {
            if (!ascii::is_token(h.name)) {
                return fail(400, "invalid header name");  // e.g. "Host :" or ":x"
            }
            transfer_encoding = transfer_encoding || ascii::iequals(h.name, "transfer-encoding");
            if (ascii::iequals(h.name, "expect")) {
                if (!ascii::iequals(h.value, "100-continue")) {
                    return fail(417, "unsupported expectation");
                }
                want_continue = true;
            }
        }
        // llhttp frames by Content-Length when Transfer-Encoding is empty or
        // blank; a proxy that sees the field present may not (RFC 9112 §6.3:
        // present without chunked last is a 400, and the connection ends).
        if (transfer_encoding && (parser.flags & F_CHUNKED) == 0) {
            return fail(400, "Transfer-Encoding without chunked last");
        }
        if ((parser.flags & F_CONTENT_LENGTH) != 0 && parser.content_length > limits.body_bytes) {
            return fail(413, "request body too large");
        }
        request.method = map_method(parser.method);
        request.version_major = parser.http_major;
        request.version_minor = std::min<std::uint8_t>(parser.http_minor, 1);
        // llhttp 8.1 accepts a bare CR (followed by any byte) as a line end
        // inside chunked framing, where a stricter proxy in front would see
        // other message boundaries: after a chunked body nothing on this
        // connection can be trusted to start where we think, so it ends.
        request.keep_alive =
            llhttp_should_keep_alive(&parser) != 0 && (parser.flags & F_CHUNKED) == 0;
        request.has_body = (parser.flags & F_CHUNKED) != 0 || parser.content_length > 0;
        expect_continue = want_continue && request.has_body && parser.http_minor >= 1;
        // With a body, pause to learn where the head ends and copy it out of the window.
        return request.has_body ? HPE_PAUSED : 0;
    }
    int on_body_data(const char*, std::size_t n) { return on_body(n); }
    int on_body(std::size_t n) {
        body_seen += n;
        if (body_seen > limits.body_bytes) return fail(413, "request body too large");
        return 0;
    }
    int on_message_complete() {
        message_done = true;
        return HPE_PAUSED;  // pipelined requests wait in the window until next()
    }

    // The head is [head_start, fed): the checks that need its end.
    bool finish_head() {
        const std::size_t len = fed - head_start;
        if (len > limits.header_bytes) return failed(431, "request head too large");
        // llhttp accepts a bare LF ending the request line or the head, and
        // "\r\r\n"; a proxy may frame those differently, so refuse them.
        const char* h = base + head_start;
        if (!ascii::crlf_only(std::string_view(h, len))) return failed(400, "bare CR or LF");
        if (request.has_body) {
            // The body streams through the window; keep the head out of its way.
            // Allocated the first time only: most connections never send a body.
            if (!head_copy) head_copy = std::make_unique_for_overwrite<char[]>(limits.header_bytes);
            std::memcpy(head_copy.get(), h, len);
            head.materialize(head_copy.get(), request);
        }
        return true;
    }

    // After llhttp gave up on the request line's first token: a token followed
    // by SP is a method we do not know (501), anything else is garbage (400).
    ParseEvent scan_method() {
        std::size_t p = std::max(fed, head_start);
        for (; p < size; ++p) {
            const char c = base[p];
            if (ascii::is_tchar(c)) {
                continue;
            }
            if (c == ' ' && p > head_start) return error(501, "unknown method");
            return error(400, "invalid method");
        }
        fed = size;
        if (fed - head_start > limits.request_line_bytes) {
            return error(414, "request line too long");
        }
        return ParseEvent::NeedMore;
    }

    ParseEvent on_error(llhttp_errno_t err) {
        if (phase == Phase::Failed) {
            return ParseEvent::Error;  // one of our callbacks decided
        }
        switch (err) {
            case HPE_INVALID_METHOD:
                if (head_start == kUnknown) {
                    head_start = msg_start;
                    while (head_start < size &&
                           (base[head_start] == '\r' || base[head_start] == '\n')) {
                        ++head_start;
                    }
                }
                fed = head_start;
                phase = Phase::MethodScan;
                return scan_method();
            case HPE_INVALID_CONSTANT:
                // An RTSP-only method (DESCRIBE ... FLUSH) on an HTTP request line.
                if (!line_done && parser.method >= HTTP_DESCRIBE && parser.method <= HTTP_FLUSH) {
                    return error(501, "unknown method");
                }
                break;
            case HPE_INVALID_VERSION:
                if (const auto& version = part(Part::Version); version.seen && version.len == 3) {
                    const char* v = base + head_start + version.off;
                    if (is_digit(v[0]) && v[1] == '.' && is_digit(v[2]) && v[0] != '1') {
                        return error(505, "HTTP version not supported");
                    }
                }
                break;
            default:
                break;
        }
        const char* why = llhttp_get_error_reason(&parser);
        return error(400, why != nullptr ? why : llhttp_errno_name(err));
    }

    // Called when llhttp consumed the whole window inside a head: enforce the
    // limits now, so an endless line stops at the limit, not at a full buffer.
    bool check_partial_head() {
        if (head_start == kUnknown) {
            msg_start = fed;  // only empty lines so far (RFC 9112 §2.2 allows them)
            return true;
        }
        const std::size_t seen = fed - head_start;  // the head is at least one byte longer
        if (!line_done && seen > limits.request_line_bytes) {
            return failed(414, "request line too long");
        }
        if (seen >= limits.header_bytes) return failed(431, "request head too large");
        return true;
    }

    ParseEvent parse(std::span<const std::byte> window) {
        // llhttp takes char; std::byte and char may alias each other.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
        base = reinterpret_cast<const char*>(window.data());
        size = window.size();
        assert(size >= fed);
        switch (phase) {
            case Phase::Failed:
                return ParseEvent::Error;
            case Phase::Ready:
                return ParseEvent::Request;
            case Phase::Closed:
                fed = size;
                return ParseEvent::NeedMore;
            case Phase::MethodScan:
                return scan_method();
            case Phase::Head:
            case Phase::Body:
                break;
        }
        while (fed < size) {
            message_done = false;
            const llhttp_errno_t err = llhttp_execute(&parser, base + fed, size - fed);
            if (err == HPE_OK) {
                fed = size;
                if (phase == Phase::Head && !check_partial_head()) return ParseEvent::Error;
                break;
            }
            if (err != HPE_PAUSED) {
                return on_error(err);
            }
            fed = offset(llhttp_get_error_pos(&parser));
            llhttp_resume(&parser);
            if (phase == Phase::Head && !finish_head()) return ParseEvent::Error;
            if (message_done) {
                phase = Phase::Ready;
                return ParseEvent::Request;
            }
            phase = Phase::Body;  // paused at the head's end: discard the body from here on
        }
        if (phase == Phase::Body && expect_continue) {
            expect_continue = false;
            return ParseEvent::ExpectContinue;
        }
        return ParseEvent::NeedMore;
    }

    void next() {
        if (phase != Phase::Ready) {
            return;
        }
        msg_start = fed;
        phase = request.keep_alive ? Phase::Head : Phase::Closed;
        begin_request();
    }

    [[nodiscard]] std::size_t droppable() const {
        switch (phase) {
            case Phase::Body:
            case Phase::Closed:
                return fed;
            case Phase::Ready:
                return request.has_body ? fed : head_start;
            default:
                return head_start == kUnknown ? msg_start : head_start;
        }
    }

    void drop(std::size_t n) {
        assert(n <= droppable());
        auto rebase = [n](std::size_t& x) { x = x >= n ? x - n : 0; };
        rebase(fed);
        rebase(msg_start);
        if (head_start != kUnknown) {
            rebase(head_start);
        }
    }
};

RequestParser::RequestParser(const config::Limits& limits)
    : impl_(std::make_unique<Impl>(limits)) {}
RequestParser::~RequestParser() = default;
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;

ParseEvent RequestParser::parse(std::span<const std::byte> window) {
    return impl_->parse(window);
}
const Request& RequestParser::request() const noexcept {
    return impl_->request;
}
std::uint16_t RequestParser::error_status() const noexcept {
    return impl_->status;
}
std::string_view RequestParser::error_reason() const noexcept {
    return impl_->reason;
}
void RequestParser::next() noexcept {
    impl_->next();
}
std::size_t RequestParser::droppable() const noexcept {
    return impl_->droppable();
}
void RequestParser::drop(std::size_t n) noexcept {
    impl_->drop(n);
}
void RequestParser::reset() noexcept {
    impl_->reset();
}
std::size_t RequestParser::parsed() const noexcept {
    return impl_->fed;
}
bool RequestParser::between_requests() const noexcept {
    return impl_->phase == Phase::Head && impl_->head_start == kUnknown &&
           impl_->fed == impl_->msg_start;
}

}  // namespace tpserve::http
