#include "files/MimeTable.h"

#include <algorithm>
#include <iterator>

namespace tpserve::files {

namespace {

struct Entry {
    std::string_view ext;  // lower case
    std::string_view type;
};

// Sorted by extension for binary search (checked below). Generated from
// /etc/nginx/mime.types (nginx 1.22) plus common types it lacks (mjs, map,
// webmanifest, md, csv, wav, flac, otf, ttf, gz, tar, ...); text types carry
// their charset already so lookup returns a finished header value.
constexpr Entry kTable[] = {
    {"3gp", "video/3gpp"},
    {"3gpp", "video/3gpp"},
    {"7z", "application/x-7z-compressed"},
    {"aac", "audio/aac"},
    {"ai", "application/postscript"},
    {"apng", "image/apng"},
    {"asf", "video/x-ms-asf"},
    {"asx", "video/x-ms-asf"},
    {"atom", "application/atom+xml; charset=utf-8"},
    {"avi", "video/x-msvideo"},
    {"avif", "image/avif"},
    {"bin", "application/octet-stream"},
    {"bmp", "image/x-ms-bmp"},
    {"bz2", "application/x-bzip2"},
    {"cco", "application/x-cocoa"},
    {"crt", "application/x-x509-ca-cert"},
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"deb", "application/octet-stream"},
    {"der", "application/x-x509-ca-cert"},
    {"dll", "application/octet-stream"},
    {"dmg", "application/octet-stream"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"ear", "application/java-archive"},
    {"eot", "application/vnd.ms-fontobject"},
    {"eps", "application/postscript"},
    {"epub", "application/epub+zip"},
    {"exe", "application/octet-stream"},
    {"flac", "audio/flac"},
    {"flv", "video/x-flv"},
    {"gif", "image/gif"},
    {"gz", "application/gzip"},
    {"heic", "image/heic"},
    {"heif", "image/heif"},
    {"hqx", "application/mac-binhex40"},
    {"htc", "text/x-component; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"ics", "text/calendar; charset=utf-8"},
    {"img", "application/octet-stream"},
    {"iso", "application/octet-stream"},
    {"jad", "text/vnd.sun.j2me.app-descriptor; charset=utf-8"},
    {"jar", "application/java-archive"},
    {"jardiff", "application/x-java-archive-diff"},
    {"jng", "image/x-jng"},
    {"jnlp", "application/x-java-jnlp-file"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "application/javascript; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"jsonld", "application/ld+json; charset=utf-8"},
    {"jxl", "image/jxl"},
    {"kar", "audio/midi"},
    {"kml", "application/vnd.google-earth.kml+xml; charset=utf-8"},
    {"kmz", "application/vnd.google-earth.kmz"},
    {"m3u8", "application/vnd.apple.mpegurl"},
    {"m4a", "audio/x-m4a"},
    {"m4v", "video/x-m4v"},
    {"map", "application/json; charset=utf-8"},
    {"markdown", "text/markdown; charset=utf-8"},
    {"md", "text/markdown; charset=utf-8"},
    {"mid", "audio/midi"},
    {"midi", "audio/midi"},
    {"mjs", "application/javascript; charset=utf-8"},
    {"mkv", "video/x-matroska"},
    {"mml", "text/mathml; charset=utf-8"},
    {"mng", "video/x-mng"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"mp4v", "video/mp4"},
    {"mpeg", "video/mpeg"},
    {"mpg", "video/mpeg"},
    {"msi", "application/octet-stream"},
    {"msm", "application/octet-stream"},
    {"msp", "application/octet-stream"},
    {"odg", "application/vnd.oasis.opendocument.graphics"},
    {"odp", "application/vnd.oasis.opendocument.presentation"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"ogx", "application/ogg"},
    {"opus", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdb", "application/x-pilot"},
    {"pdf", "application/pdf"},
    {"pem", "application/x-x509-ca-cert"},
    {"pl", "application/x-perl"},
    {"pm", "application/x-perl"},
    {"png", "image/png"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"prc", "application/x-pilot"},
    {"ps", "application/postscript"},
    {"ra", "audio/x-realaudio"},
    {"rar", "application/x-rar-compressed"},
    {"rdf", "application/rdf+xml; charset=utf-8"},
    {"rpm", "application/x-redhat-package-manager"},
    {"rss", "application/rss+xml; charset=utf-8"},
    {"rtf", "application/rtf"},
    {"run", "application/x-makeself"},
    {"sea", "application/x-sea"},
    {"shtml", "text/html; charset=utf-8"},
    {"sit", "application/x-stuffit"},
    {"svg", "image/svg+xml; charset=utf-8"},
    {"svgz", "image/svg+xml; charset=utf-8"},
    {"swf", "application/x-shockwave-flash"},
    {"tar", "application/x-tar"},
    {"tcl", "application/x-tcl"},
    {"tgz", "application/gzip"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"tk", "application/x-tcl"},
    {"ts", "video/mp2t"},
    {"tsv", "text/tab-separated-values; charset=utf-8"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"vtt", "text/vtt; charset=utf-8"},
    {"war", "application/java-archive"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"wbmp", "image/vnd.wap.wbmp"},
    {"weba", "audio/webm"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json; charset=utf-8"},
    {"webp", "image/webp"},
    {"wml", "text/vnd.wap.wml; charset=utf-8"},
    {"wmlc", "application/vnd.wap.wmlc"},
    {"wmv", "video/x-ms-wmv"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml; charset=utf-8"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"xml", "text/xml; charset=utf-8"},
    {"xpi", "application/x-xpinstall"},
    {"xsd", "application/xml; charset=utf-8"},
    {"xsl", "application/xml; charset=utf-8"},
    {"xspf", "application/xspf+xml; charset=utf-8"},
    {"xz", "application/x-xz"},
    {"zip", "application/zip"},
    {"zst", "application/zstd"},
};

static_assert(std::is_sorted(std::begin(kTable), std::end(kTable),
                             [](const Entry& a, const Entry& b) { return a.ext < b.ext; }));

char to_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Compares `key` (any case) with `lower` (lower case) as if `key` were lower case.
int compare_icase(std::string_view key, std::string_view lower) noexcept {
    const std::size_t n = std::min(key.size(), lower.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto a = static_cast<unsigned char>(to_lower(key[i]));
        const auto b = static_cast<unsigned char>(lower[i]);
        if (a != b) return a < b ? -1 : 1;
    }
    if (key.size() == lower.size()) return 0;
    return key.size() < lower.size() ? -1 : 1;
}

template <typename It, typename Ext>
It find_icase(It first, It last, std::string_view key, Ext ext_of) noexcept {
    const It it = std::lower_bound(first, last, key, [&](const auto& e, std::string_view k) {
        return compare_icase(k, ext_of(e)) > 0;
    });
    if (it != last && compare_icase(key, ext_of(*it)) == 0) return it;
    return last;
}

std::string with_charset(std::string type) {
    if (type.find(';') == std::string::npos && MimeTable::wants_charset(type)) {
        type += "; charset=utf-8";
    }
    return type;
}

}  // namespace

bool MimeTable::wants_charset(std::string_view type) noexcept {
    return type.starts_with("text/") || type == "application/javascript" ||
           type == "application/json" || type == "application/xml" || type.ends_with("+xml") ||
           type.ends_with("+json");
}

MimeTable::MimeTable(std::span<const config::MimeOverride> overrides, std::string default_type)
    : default_type_(with_charset(std::move(default_type))) {
    for (const config::MimeOverride& o : overrides) {
        std::string ext = o.extension;
        if (!ext.empty() && ext.front() == '.') ext.erase(0, 1);  // tolerate ".wasm"
        std::transform(ext.begin(), ext.end(), ext.begin(), to_lower);
        overrides_.emplace_back(std::move(ext), with_charset(o.type));
    }
    // Stable, then keep the last of equal keys: the later override wins.
    std::stable_sort(overrides_.begin(), overrides_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::pair<std::string, std::string>> unique;
    for (auto& o : overrides_) {
        if (!unique.empty() && unique.back().first == o.first) {
            unique.back() = std::move(o);
        } else {
            unique.push_back(std::move(o));
        }
    }
    overrides_ = std::move(unique);
}

std::string_view MimeTable::lookup(std::string_view path_or_name) const noexcept {
    const std::size_t slash = path_or_name.find_last_of('/');
    const std::string_view name =
        slash == std::string_view::npos ? path_or_name : path_or_name.substr(slash + 1);
    const std::size_t dot = name.find_last_of('.');
    if (dot == std::string_view::npos || dot + 1 == name.size()) return default_type_;
    const std::string_view ext = name.substr(dot + 1);

    if (!overrides_.empty()) {
        const auto it = find_icase(overrides_.begin(), overrides_.end(), ext,
                                   [](const auto& e) -> std::string_view { return e.first; });
        if (it != overrides_.end()) return it->second;
    }
    const auto* const it =
        find_icase(std::begin(kTable), std::end(kTable), ext, [](const Entry& e) { return e.ext; });
    return it != std::end(kTable) ? it->type : std::string_view(default_type_);
}

}  // namespace tpserve::files
