#include "files/PathResolver.h"

#include <array>
#include <cstring>

namespace tpserve::files {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i])) return false;
    }
    return true;
}

bool starts_with_icase(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Strict UTF-8 (RFC 3629): shortest form only, no surrogates, at most U+10FFFF.
bool valid_utf8(std::string_view s) noexcept {
    // Bytes as unsigned char: the one reinterpretation the aliasing rules allow.
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const auto* end = p + s.size();
    while (p < end) {
        const unsigned c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int len = 0;
        unsigned lo = 0x80;
        unsigned hi = 0xBF;  // bounds of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;  // overlong
            if (c == 0xED) hi = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;  // overlong
            if (c == 0xF4) hi = 0x8F;  // > U+10FFFF
        } else {
            return false;  // 0x80-0xC1 (continuation or overlong lead), 0xF5-0xFF
        }
        if (end - p < len) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (int i = 2; i < len; ++i) {
            if (p[i] < 0x80 || p[i] > 0xBF) return false;
        }
        p += len;
    }
    return true;
}

// Characters Windows refuses in a name (besides '/', '\' and controls, which
// are handled earlier). ':' also selects NTFS alternate data streams.
bool windows_hostile_char(char c) noexcept {
    switch (c) {
        case ':':
        case '<':
        case '>':
        case '"':
        case '|':
        case '?':
        case '*':
            return true;
        default:
            return false;
    }
}

// Windows opens a device for these stems whatever the extension ("nul.txt"),
// and ignores spaces before the extension ("CON .txt").
bool windows_device_name(std::string_view segment) noexcept {
    std::string_view stem = segment.substr(0, segment.find('.'));
    while (!stem.empty() && stem.back() == ' ')
        stem.remove_suffix(1);
    static constexpr std::array<std::string_view, 6> kFixed{"CON", "PRN",    "AUX",
                                                            "NUL", "CONIN$", "CONOUT$"};
    for (std::string_view name : kFixed) {
        if (iequals(stem, name)) return true;
    }
    if (!starts_with_icase(stem, "COM") && !starts_with_icase(stem, "LPT")) return false;
    const std::string_view digit = stem.substr(3);
    if (digit.size() == 1) return digit[0] >= '0' && digit[0] <= '9';
    // Superscript one, two, three (U+00B9, U+00B2, U+00B3) count as digits too.
    return digit == "\xC2\xB9" || digit == "\xC2\xB2" || digit == "\xC2\xB3";
}

// A Windows 8.3 short-name alias ("PROGRA~1", "INDEX~1.HTM"): the stem before
// the first '.' is 1-6 characters other than '~', then '~' and digits. On a
// volume with short names enabled such a name opens the long-named file, so
// any rule keyed on the long name (hidden ".git" reached as "GIT~1") would be
// bypassed. Characters, not bytes: a short name may hold non-ASCII letters.
bool windows_short_name(std::string_view segment) noexcept {
    const std::string_view stem = segment.substr(0, segment.find('.'));
    const std::size_t tilde = stem.find('~');
    if (tilde == std::string_view::npos || tilde == 0) return false;
    std::size_t chars = 0;
    for (std::size_t k = 0; k < tilde; ++k) {
        // UTF-8 continuation bytes (10xxxxxx) do not start a character.
        if ((static_cast<unsigned char>(stem[k]) & 0xC0U) != 0x80U) ++chars;
    }
    if (chars > 6) return false;
    return tilde + 1 < stem.size() && stem[tilde + 1] >= '0' && stem[tilde + 1] <= '9';
}

// The Win32 device and long-path namespaces, "\\.\" and "\\?\" ("\\??\" in
// NT form), written with '/' since '\' never gets this far. Merging slashes
// would make them harmless, but no browser sends them: refuse outright.
bool windows_namespace_prefix(std::string_view decoded) noexcept {
    if (decoded.size() < 3 || decoded[0] != '/' || decoded[1] != '/') return false;
    std::size_t start = 2;
    while (start < decoded.size() && decoded[start] == '/')
        ++start;
    const std::string_view seg = decoded.substr(start, decoded.find('/', start) - start);
    return seg == "." || seg == "?" || seg == "??";
}

// Strips "scheme://authority" from an absolute-form target, leaving the
// path (and query). Returns false when the target is neither form.
bool to_origin_form(std::string_view& target) noexcept {
    if (!target.empty() && target.front() == '/') return true;
    std::size_t scheme_len = 0;
    if (starts_with_icase(target, "http://")) {
        scheme_len = 7;
    } else if (starts_with_icase(target, "https://")) {
        scheme_len = 8;
    } else {
        return false;
    }
    const std::string_view rest = target.substr(scheme_len);
    const std::size_t path_start = rest.find_first_of("/?#");
    if (path_start == 0) return false;  // empty authority
    if (path_start == std::string_view::npos || rest[path_start] != '/') {
        target = "/";  // "http://host" or "http://host?q": the root
        return true;
    }
    target = rest.substr(path_start);
    return true;
}

// A name Windows refuses or reads as another file: "a.txt." and "a.txt "
// open "a.txt", "a.txt::$DATA" its data stream.
bool windows_alias(std::string_view segment) noexcept {
    for (const char c : segment) {
        if (windows_hostile_char(c)) return true;
    }
    return segment.back() == '.' || segment.back() == ' ';
}

}  // namespace

bool PathResolver::servable_name(std::string_view name, bool windows_names) noexcept {
    if (name.empty() || name == "." || name == "..") return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '\\' || c == '/') return false;
    }
    if (!valid_utf8(name)) return false;
    if (windows_names && windows_alias(name)) return false;
    return !windows_device_name(name) && !windows_short_name(name);
}

PathResolver::PathResolver(bool serve_hidden) : serve_hidden_(serve_hidden) {
    buf_.reserve(kReservedBytes);
}

ResolvedPath PathResolver::resolve(std::string_view target) {
    ResolvedPath bad;
    bad.error = PathError::BadRequest;
    if (!to_origin_form(target)) return bad;
    target = target.substr(0, target.find('?'));

    // 1. Decode once, refusing bytes that can never name a file.
    if (buf_.size() < target.size()) buf_.resize(target.size());
    char* const out = buf_.data();
    std::size_t n = 0;
    for (std::size_t i = 0; i < target.size(); ++i) {
        char c = target[i];
        if (c == '#') return bad;
        if (c == '%') {
            if (i + 2 >= target.size()) return bad;
            const int h = hex_value(target[i + 1]);
            const int l = hex_value(target[i + 2]);
            if (h < 0 || l < 0) return bad;
            c = static_cast<char>(h * 16 + l);
            i += 2;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F || c == '\\') return bad;
        out[n++] = c;
    }
    // 2. Validate the decoded bytes as a whole: "%c0%ae" is an overlong '.'.
    if (!valid_utf8(std::string_view(out, n))) return bad;
    if (windows_namespace_prefix(std::string_view(out, n))) return bad;

    // 3. Remove dot segments in place. The output never overtakes the input:
    // each input segment is preceded by at least one '/', each output segment
    // by at most one.
    std::size_t o = 0;
    std::size_t i = 0;
    bool trailing = false;
    while (i < n) {
        while (i < n && out[i] == '/')
            ++i;  // also merges "//" runs
        if (i == n) {
            trailing = true;
            break;
        }
        const std::size_t start = i;
        while (i < n && out[i] != '/')
            ++i;
        const std::string_view seg(out + start, i - start);
        const bool last = (i == n);
        // Only the final segment decides the form: "/a/./b" is a file,
        // "/a/b/." and "/a/b/.." are directories.
        if (seg == ".") {
            trailing = last;
            continue;
        }
        if (seg == "..") {
            if (o == 0) return bad;  // above the root
            const std::string_view done(out, o);
            const std::size_t slash = done.rfind('/');
            o = (slash == std::string_view::npos) ? 0 : slash;
            trailing = last;
            continue;
        }
        if (o > 0) out[o++] = '/';
        std::memmove(out + o, seg.data(), seg.size());
        o += seg.size();
    }
    // 4. Check what survived, segment by segment.
    const std::string_view rel(out, o);
    bool hidden = false;
    std::size_t pos = 0;
    while (pos < rel.size()) {
        std::size_t end = rel.find('/', pos);
        if (end == std::string_view::npos) end = rel.size();
        const std::string_view seg = rel.substr(pos, end - pos);
        if (windows_names_ && windows_alias(seg)) return bad;
        if ((seg.front() == '.' && !serve_hidden_) || windows_device_name(seg) ||
            windows_short_name(seg)) {
            hidden = true;
        }
        pos = end + 1;
    }

    ResolvedPath result;
    result.error = hidden ? PathError::NotFound : PathError::None;
    result.relative = rel;
    result.trailing_slash = trailing;
    return result;
}

}  // namespace tpserve::files
