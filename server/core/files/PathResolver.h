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
    NotFound,    // 404: hidden (dot) segment, a Windows device name or 8.3 short name
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
//  * a decoded path opening with a Win32 namespace prefix, "//./" or "//?/"
//    (the '/' spelling of "\\.\" and "\\?\") → 400.
//  * decoded '/' separates segments; empty segments merge; "." is dropped;
//    ".." pops, and a ".." above the root → 400 (as nginx does). The result
//    never starts with '/', so joined to the root it cannot become a UNC path.
//  * with Windows names on (set_windows_names; the default, and what a
//    Windows document root asks for), on the remaining segments: ':', '<',
//    '>', '"', '|', '?', '*', or a trailing '.' or ' ' → 400. On Windows they
//    are illegal or alias another file ("a.txt." and "a.txt::$DATA" both open
//    "a.txt"). On Linux they are ordinary names ("<script>.html"), served
//    like nginx serves them, so a listing never links to a file it refuses.
//  * a segment starting with '.' → 404 unless serve_hidden (".well-known"
//    included); a Windows device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9,
//    CONIN$, CONOUT$, with any extension) → 404; an 8.3 short-name alias
//    (stem before the first '.' = 1-6 characters, '~', a digit: "PROGRA~1",
//    "INDEX~1.HTM", "GIT~1" for ".git") → 404, whatever serve_hidden says,
//    since it may open a long-named file past every rule keyed on that name.
// 400 wins over 404 when both apply. The device-name and short-name rules
// apply on every platform, so such URLs get the same answer from either build.
//
// Case: core cannot know whether the file system under the root is
// case-sensitive, and on Windows (and macOS by default) it is not:
// "/INDEX.HTML" and "/index.html" are the same file, "/.GIT" is ".git". So
// every rule here that compares names (device names, short names; hidden
// needs only a '.') ignores ASCII case, and anything that maps names to
// behaviour — MIME types by extension (MimeTable does), future per-path
// config — must compare case-insensitively too, or "/SECRET/" would slip past
// a rule written for "/secret/". Index files are opened by name, not
// compared, so they follow the file system's own case rule.
//
// Threading: one resolver per connection (or per thread); not shareable.
// Allocation: the buffer is reserved at construction; a target longer than it
// grows it once, then never again for targets up to that size.
class PathResolver {
public:
    static constexpr std::size_t kReservedBytes = 8192;

    explicit PathResolver(bool serve_hidden);

    ResolvedPath resolve(std::string_view target);

    // Sites differ in whether they serve dot-files; the handler sets it per request.
    void set_serve_hidden(bool serve_hidden) noexcept { serve_hidden_ = serve_hidden; }
    // Whether the Windows-only name rules above apply (FileSystem::windows_names()).
    void set_windows_names(bool windows_names) noexcept { windows_names_ = windows_names; }

    // Whether a directory entry called `name` can be requested at all (what
    // a listing may link to): no control bytes or separators, valid UTF-8,
    // not a device or short name, and with `windows_names` no Windows alias.
    // Hidden names are the caller's business. No allocation.
    [[nodiscard]] static bool servable_name(std::string_view name, bool windows_names) noexcept;

private:
    bool serve_hidden_;
    bool windows_names_ = true;
    std::string buf_;
};

}  // namespace tpserve::files
