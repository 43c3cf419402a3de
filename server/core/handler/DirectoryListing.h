#pragma once
// The bodies of a directory listing (config `listing: true`): an HTML page
// for browsers and nginx's `autoindex_format json` for programs. Entries come
// from files::FileSystem::list(); choosing the format, the status and the
// headers is the handler's business. Listing is not a hot path: these
// allocate. Pure functions of their arguments; thread-safe.
#include <string>
#include <string_view>
#include <vector>

#include "files/FileSystem.h"

namespace tpserve::handler {

// Appends a complete, self-contained UTF-8 page (inline CSS, no scripts, no
// external resources) to `out`: "Index of <url_path>", a "../" link unless
// url_path is "/", then one table row per entry (Name, Size, Last modified).
// `url_path` is the decoded path of the directory as the client sees it,
// starting and ending with '/'. Entries whose name starts with '.' are
// dropped unless `show_hidden`; the rest are sorted directories first, then
// by name in byte order. Names are HTML-escaped in text and percent-encoded
// (RFC 3986 pchar, ':' too) in relative hrefs, so any byte string is a safe,
// working link; invalid UTF-8 shows as U+FFFD and control characters as
// their Unicode control pictures. Sizes are binary units ("1.2 KiB") with the
// exact byte count in a title attribute; dates are UTC "2026-11-25 10:00".
// Only regular files and directories are links (FileKind::Other is text).
void render_listing_html(std::string_view url_path, std::vector<files::DirEntry> entries,
                         bool show_hidden, std::string& out);

// Appends nginx's autoindex JSON to `out`, byte for byte as nginx writes it:
//   "[\r\n" { "name":"sub", "type":"directory", "mtime":"<IMF-fixdate>" }
//   ",\r\n" { "name":"a.txt", "type":"file", "mtime":"...", "size":12 } "\r\n]"
// ("[\r\n]" when empty); type is file, directory or other, size only for
// files. Same filtering and order as the HTML. Names are JSON-escaped as
// nginx does ('"' and '\' with a backslash, \b \f \n \r \t, other control
// characters as \u00XX, valid UTF-8 as is) with one deliberate difference:
// nginx copies bytes that are not UTF-8 as they are, which makes the whole
// document invalid JSON; here each such byte becomes \ufffd. (\u00XX would
// be valid too but would name a different file: byte FF would read as "ÿ".)
void render_listing_json(std::vector<files::DirEntry> entries, bool show_hidden, std::string& out);

}  // namespace tpserve::handler
