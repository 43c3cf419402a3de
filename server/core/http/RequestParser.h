#pragma once
// Incremental HTTP/1.1 request parser over llhttp (strict mode, no lenient
// flags), with the server's limits and the RFC 9112 checks llhttp leaves out.
//
// Contract: one parser per connection, used by one thread at a time. The
// caller owns one contiguous receive window that only grows at the end
// (until drop()) and is never larger than 4 GiB; it may move between calls
// (the parser keeps offsets). Everything is allocated once at construction,
// except a copy of the head allocated the first time a request has a body;
// next() and drop() never allocate or throw.
//
// Typical loop:
//   receive into buf[filled..];  ev = p.parse({buf, filled});
//   Request        → handle p.request(); p.next(); parse again (pipelining)
//   ExpectContinue → send "100 Continue"; parse again (same window)
//   NeedMore       → memmove away p.droppable() bytes, p.drop(n); receive
//   Error          → send p.error_status(); close
// After a request with keep_alive == false, later bytes are ignored
// (parse() answers NeedMore): the connection is closing anyway.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "config/Config.h"
#include "http/ParseEvent.h"
#include "http/Request.h"

namespace tpserve::http {

class RequestParser {
public:
    // Keeps a reference to `limits`, which must outlive the parser.
    explicit RequestParser(const config::Limits& limits);
    ~RequestParser();
    RequestParser(RequestParser&&) noexcept;
    RequestParser& operator=(RequestParser&&) noexcept;
    RequestParser(const RequestParser&) = delete;
    RequestParser& operator=(const RequestParser&) = delete;

    // `window` = every byte received and not yet dropped, contiguous: [0, filled). The
    // parser remembers how many bytes of it it has already fed to llhttp and only feeds
    // the new ones, so call it again with the same (grown) window after each receive.
    // Until next(), a delivered Request is answered again; after Error, Error again.
    ParseEvent parse(std::span<const std::byte> window);

    // Valid after Request/ExpectContinue, until next() or drop().
    [[nodiscard]] const Request& request() const noexcept;
    // After Error: 400, 413, 414, 417, 431, 501 or 505.
    [[nodiscard]] std::uint16_t error_status() const noexcept;
    // Short static text for the log (llhttp's reason or ours); "" when no error.
    [[nodiscard]] std::string_view error_reason() const noexcept;

    // The caller is done with the current request; the next one may be parsed.
    void next() noexcept;
    // Bytes at the front of the window the parser no longer needs.
    [[nodiscard]] std::size_t droppable() const noexcept;
    // The caller removed n (<= droppable()) bytes from the front of the window
    // (memmove); the parser rebases its offsets. Invalidates request()'s views
    // when they point into the window.
    void drop(std::size_t n) noexcept;
    // Fresh connection: forget everything, including an error.
    void reset() noexcept;
    // True when no byte of a request has been fed since the last one ended
    // (or since reset): the parser holds nothing a fresh one would not.
    [[nodiscard]] bool between_requests() const noexcept;
    // Bytes of the window given to llhttp so far: right after a Request
    // event, where that request ends.
    [[nodiscard]] std::size_t parsed() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tpserve::http
