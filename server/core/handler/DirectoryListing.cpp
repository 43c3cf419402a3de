#include "handler/DirectoryListing.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>

#include "files/HttpDate.h"
#include "log/CivilTime.h"

namespace tpserve::handler {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

// The colours and type of www/style.css, so a listing looks like the default
// site; inline because a listing must not depend on files in the root.
constexpr std::string_view kStyle =
    ":root{--fg:#1b1f24;--muted:#57606a;--bg:#fff;--panel:#f6f8fa;--line:#d0d7de;"
    "--accent:#1f6feb;color-scheme:light dark}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#8d96a0;--bg:#0d1117;"
    "--panel:#161b22;--line:#30363d;--accent:#4493f8}}"
    "body{margin:0 auto;max-width:52rem;padding:2rem 1.25rem 3rem;"
    "font:16px/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "sans-serif;color:var(--fg);background:var(--bg)}"
    "h1{font-size:1.6rem;line-height:1.2;overflow-wrap:anywhere}"
    "a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}"
    "table{width:100%;border-collapse:collapse}"
    "th,td{padding:.45rem .6rem;border-bottom:1px solid var(--line);text-align:left}"
    "th{background:var(--panel);font-weight:600}"
    "td:first-child{overflow-wrap:anywhere}"
    ".n{text-align:right;white-space:nowrap}.d{white-space:nowrap;color:var(--muted)}";

// Length of the well-formed UTF-8 sequence `s` starts with (RFC 3629: no
// overlongs, no surrogates, nothing above U+10FFFF), or 0.
std::size_t utf8_length(std::string_view s) noexcept {
    const auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 < 0x80) return 1;
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        len = 3;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        len = 4;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (s.size() < len) return 0;
    const auto b1 = static_cast<unsigned char>(s[1]);
    if (b1 < lo || b1 > hi) return 0;
    for (std::size_t i = 2; i < len; ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0;
    }
    return len;
}

void append_uint(std::uint64_t value, std::string& out) {
    std::array<char, 24> buf{};
    auto* const end = std::to_chars(buf.data(), buf.data() + buf.size(), value).ptr;
    out.append(buf.data(), end);
}

void append_two_digits(unsigned value, std::string& out) {
    out += static_cast<char>('0' + value / 10 % 10);
    out += static_cast<char>('0' + value % 10);
}

// Text and attribute values alike; control characters become their Unicode
// control pictures (U+2400..U+241F, U+2421 for DEL) so that a name like
// "a\nb" is visible as such instead of being folded into a space.
void append_html(std::string_view s, std::string& out) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_length(s.substr(i));
            if (n == 0) {
                out += "&#xFFFD;";
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += "&#x24";
                    const unsigned picture = c == 0x7F ? 0x21 : c;
                    out += kHex[picture >> 4];
                    out += kHex[picture & 0xF];
                    out += ';';
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
}

// A path segment for a relative href inside a double-quoted attribute: the
// RFC 3986 pchar set stays, except ':' (a first segment with a colon would
// read as a scheme, "javascript:x"); '&' and '\'' are then HTML-escaped.
void append_href(std::string_view name, std::string& out) {
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        const bool kept =
            unreserved || std::string_view("!$()*+,;=@").find(ch) != std::string_view::npos;
        if (kept) {
            out += ch;
        } else if (c == '&') {
            out += "&amp;";
        } else if (c == '\'') {
            out += "&#39;";
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
}

// "999 B", then one decimal in binary units: "1.2 KiB", "1.0 MiB".
void append_size(std::uint64_t size, std::string& out) {
    constexpr std::array<std::string_view, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (size < 1024) {
        append_uint(size, out);
        out += " B";
        return;
    }
    std::size_t u = 0;
    std::uint64_t unit = 1024;
    while (u + 1 < kUnits.size() && size / unit >= 1024) {
        unit <<= 10;
        ++u;
    }
    std::uint64_t whole = size / unit;
    // rem < unit <= 2^60, so rem * 10 + unit / 2 fits in 64 bits.
    std::uint64_t tenths = (size % unit * 10 + unit / 2) / unit;
    if (tenths == 10) {
        ++whole;
        tenths = 0;
    }
    if (whole == 1024 && u + 1 < kUnits.size()) {  // 1023.96 KiB rounds to 1.0 MiB
        whole = 1;
        ++u;
    }
    append_uint(whole, out);
    out += '.';
    append_uint(tenths, out);
    out += ' ';
    out += kUnits[u];
}

// "2026-11-25 10:00" (UTC); years clamped to four digits like the HTTP date.
void append_date(std::int64_t unix_seconds, std::string& out) {
    const log::CivilTime t = log::CivilTime::from_unix(unix_seconds);
    const auto year = static_cast<unsigned>(std::clamp<std::int64_t>(t.year, 0, 9999));
    append_two_digits(year / 100, out);
    append_two_digits(year % 100, out);
    out += '-';
    append_two_digits(t.month, out);
    out += '-';
    append_two_digits(t.day, out);
    out += ' ';
    append_two_digits(t.hour, out);
    out += ':';
    append_two_digits(t.minute, out);
}

void append_json_string(std::string_view s, std::string& out) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_length(s.substr(i));
            if (n == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        ++i;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

void filter_and_sort(std::vector<files::DirEntry>& entries, bool show_hidden) {
    if (!show_hidden) {
        std::erase_if(entries, [](const files::DirEntry& e) { return e.name.starts_with('.'); });
    }
    std::sort(entries.begin(), entries.end(),
              [](const files::DirEntry& a, const files::DirEntry& b) {
                  const bool a_dir = a.kind == files::FileKind::Directory;
                  const bool b_dir = b.kind == files::FileKind::Directory;
                  if (a_dir != b_dir) return a_dir;
                  return a.name < b.name;  // char_traits<char>::compare: unsigned bytes
              });
}

}  // namespace

void render_listing_html(std::string_view url_path, std::vector<files::DirEntry> entries,
                         bool show_hidden, std::string& out) {
    filter_and_sort(entries, show_hidden);
    out +=
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>Index of ";
    append_html(url_path, out);
    out += "</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<h1>Index of ";
    append_html(url_path, out);
    out +=
        "</h1>\n<table>\n<thead><tr><th>Name</th><th class=\"n\">Size</th>"
        "<th>Last modified</th></tr></thead>\n<tbody>\n";
    if (url_path != "/") {
        out +=
            "<tr><td><a href=\"../\">../</a></td><td class=\"n\"></td><td class=\"d\"></td>"
            "</tr>\n";
    }
    for (const files::DirEntry& e : entries) {
        const bool dir = e.kind == files::FileKind::Directory;
        const bool linked = dir || e.kind == files::FileKind::Regular;
        out += "<tr><td>";
        if (linked) {
            out += "<a href=\"";
            append_href(e.name, out);
            if (dir) out += '/';
            out += "\">";
        }
        append_html(e.name, out);
        if (dir) out += '/';
        if (linked) out += "</a>";
        if (e.kind == files::FileKind::Regular) {
            out += R"(</td><td class="n" title=")";
            append_uint(e.size, out);
            out += e.size == 1 ? " byte\">" : " bytes\">";
            append_size(e.size, out);
        } else {
            out += "</td><td class=\"n\">-";
        }
        out += "</td><td class=\"d\">";
        append_date(e.mtime_sec, out);
        out += "</td></tr>\n";
    }
    out += "</tbody>\n</table>\n</body>\n</html>\n";
}

void render_listing_json(std::vector<files::DirEntry> entries, bool show_hidden, std::string& out) {
    filter_and_sort(entries, show_hidden);
    out += "[\r\n";
    bool first = true;
    for (const files::DirEntry& e : entries) {
        if (!first) out += ",\r\n";
        first = false;
        out += "{ \"name\":";
        append_json_string(e.name, out);
        out += R"(, "type":")";
        out += e.kind == files::FileKind::Directory ? "directory"
               : e.kind == files::FileKind::Regular ? "file"
                                                    : "other";
        out += R"(", "mtime":")";
        std::array<char, files::kHttpDateLength> date{};
        files::format_http_date(e.mtime_sec, date);
        out.append(date.data(), date.size());
        out += '"';
        if (e.kind == files::FileKind::Regular) {
            out += ", \"size\":";
            append_uint(e.size, out);
        }
        out += " }";
    }
    if (!first) out += "\r\n";
    out += ']';
}

}  // namespace tpserve::handler
