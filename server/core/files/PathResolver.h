#pragma once
// Turns a request-target into a normalized path relative to the document
// root, or refuses it. This is the only place URL paths are decoded, so every
// traversal and aliasing trick has to be stopped here: what comes out is safe
// to hand to FileSystem::open on either platform.
#include <cstdint>
#include <string>
#include <string_view>

namespace tpserve::files {

enum class PathError : std::uint8_t {
    None,
    BadRequest,  // 400: malformed, traversal above the root, or a name Windows would alias
    NotFound,    // 404: hidden (dot) segment, or a Windows device name
};

struct ResolvedPath {
    PathError error = PathError::None;
    // Normalized and decoded: '/'-separated, no leading or trailing '/', no
    // "." or ".." segments, valid UTF-8; "" names the root. Points into the
    // resolver's buffer: valid until the next resolve() on the same resolver.
    std::string_view relative;
    // The decoded path ended in '/' (or in a "." / ".." segment, which
    // RFC 3986 §5.2.4 turns into a trailing '/'): the client asked for a
    // directory. True for "/".
    bool trailing_slash = false;
};

// Rules, in order:
//  * origin-form "/path[?query]"; absolute-form "http[s]://authority/path" is
//    reduced to its path (RFC 9112 §3.2.2). Anything else ("*", "") → 400.
//  * the query is cut at the first '?'; a raw '#' → 400.
//  * percent-decoding happens exactly once ("%252e" is the literal "%2e").
//    Invalid escapes, NUL, control characters (< 0x20, 0x7F) and '\' → 400.
//  * the decoded bytes must be valid UTF-8 (no overlong forms such as
//    "%c0%ae", no surrogates) → else 400.
//  * decoded '/' separates segments; empty segments merge; "." is dropped;
//    ".." pops, and a ".." above the root → 400 (as nginx does).
//  * on the remaining segments: ':' , '<', '>', '"', '|', '?', '*', or a
//    trailing '.' or ' ' → 400. These are legal on Linux but on Windows they
//    are illegal or alias another file ("a.txt." and "a.txt::$DATA" both open
//    "a.txt"), so both platforms refuse them alike.
//  * a segment starting with '.' → 404 unless serve_hidden (".well-known"
//    included); a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9,
//    CONIN$, CONOUT$, with any extension) → 404.
// 400 wins over 404 when both apply.
//
// Threading: one resolver per connection (or per thread); not shareable.
// Allocation: the buffer is reserved at construction; a target longer than it
// grows it once, then never again for targets up to that size.
class PathResolver {
public:
    static constexpr std::size_t kReservedBytes = 8192;

    explicit PathResolver(bool serve_hidden);

    ResolvedPath resolve(std::string_view target);

private:
    bool serve_hidden_;
    std::string buf_;
};

}  // namespace tpserve::files
