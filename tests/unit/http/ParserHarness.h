#pragma once
// Drives a RequestParser the way a connection does: a fixed receive buffer,
// bytes arriving in chunks, the front compacted (memmove + drop) on NeedMore.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/Config.h"
#include "http/RequestParser.h"

namespace tpserve::http::test {

struct Seen {  // a delivered Request, copied out before next()
    Method method{};
    std::string method_text, target;
    int major = 0, minor = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    bool keep_alive = false, has_body = false;
};

inline Seen snapshot(const Request& r) {
    Seen s{r.method,
           std::string(r.method_text),
           std::string(r.target),
           r.version_major,
           r.version_minor,
           {},
           r.keep_alive,
           r.has_body};
    for (const Header& h : r.headers) {
        s.headers.emplace_back(h.name, h.value);
    }
    return s;
}

struct Outcome {
    std::vector<Seen> requests;
    int continues = 0;
    int status = 0;            // error_status() when the run ended in Error
    bool buffer_full = false;  // NeedMore with no room left (a parser bug)
    std::size_t max_filled = 0;
};

class Conn {
public:
    explicit Conn(config::Limits limits = {}, std::size_t capacity = 0)
        : limits_(limits), parser_(limits_), buf_(capacity != 0 ? capacity : limits.header_bytes) {}

    RequestParser& parser() { return parser_; }
    std::size_t filled() const { return filled_; }
    std::span<const std::byte> window() const { return {buf_.data(), filled_}; }

    // Appends as much of `s` as fits; returns how much did.
    std::size_t append(std::string_view s) {
        const std::size_t n = std::min(s.size(), buf_.size() - filled_);
        std::memcpy(buf_.data() + filled_, s.data(), n);
        filled_ += n;
        max_filled_ = std::max(max_filled_, filled_);
        return n;
    }
    ParseEvent parse() { return parser_.parse(window()); }
    ParseEvent feed(std::string_view s) {
        append(s);
        return parse();
    }
    void compact() {
        const std::size_t n = parser_.droppable();
        std::memmove(buf_.data(), buf_.data() + n, filled_ - n);
        // Poison the freed tail so stale views would show.
        std::fill(buf_.begin() + static_cast<std::ptrdiff_t>(filled_ - n), buf_.end(),
                  std::byte{'#'});
        filled_ -= n;
        parser_.drop(n);
    }

    // Feeds `input` in `chunk`-byte receives until it is used up or an error.
    Outcome run(std::string_view input, std::size_t chunk, bool compact_on_need_more = true) {
        Outcome out;
        std::size_t pos = 0;
        int continues_now = 0;
        for (;;) {
            switch (parse()) {
                case ParseEvent::Request:
                    out.requests.push_back(snapshot(parser_.request()));
                    parser_.next();
                    continues_now = 0;
                    continue;
                case ParseEvent::ExpectContinue:
                    ++out.continues;
                    if (++continues_now > 1) {  // promised once per request; stop a loop
                        return out;
                    }
                    continue;
                case ParseEvent::Error:
                    out.status = parser_.error_status();
                    out.max_filled = max_filled_;
                    return out;
                case ParseEvent::NeedMore:
                    break;
            }
            if (compact_on_need_more) {
                compact();
            }
            if (pos == input.size()) {
                out.max_filled = max_filled_;
                return out;
            }
            const std::size_t n = append(input.substr(pos, chunk));
            if (n == 0) {
                out.buffer_full = true;
                return out;
            }
            pos += n;
        }
    }

private:
    config::Limits limits_;
    RequestParser parser_;
    std::vector<std::byte> buf_;
    std::size_t filled_ = 0;
    std::size_t max_filled_ = 0;
};

}  // namespace tpserve::http::test
