#include "Multipart.h"

#include <algorithm>
#include <cctype>

namespace tpserve::integration {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

// RFC 2046 bchars, without the space (allowed only inside, never last; we
// reject it outright since a server has no reason to use one).
bool bchar(char c) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    return std::string_view("'()+_,-./:=?").find(c) != std::string_view::npos;
}

bool tchar(char c) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::optional<std::uint64_t> number(std::string_view s) {
    if (s.empty() || s.size() > 19) return std::nullopt;
    std::uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
}

}  // namespace

std::optional<std::string> MultipartPart::header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return std::nullopt;
}

std::optional<ContentRange> parse_content_range(std::string_view v) {
    if (v.substr(0, 6) != "bytes ") return std::nullopt;
    v.remove_prefix(6);
    const auto dash = v.find('-');
    const auto slash = v.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
        return std::nullopt;
    }
    const auto first = number(v.substr(0, dash));
    const auto last = number(v.substr(dash + 1, slash - dash - 1));
    const auto complete = number(v.substr(slash + 1));
    if (!first || !last || !complete || *first > *last || *last >= *complete) return std::nullopt;
    return ContentRange{*first, *last, *complete};
}

std::optional<std::string> byteranges_boundary(std::string_view ct) {
    const auto semi = ct.find(';');
    if (!iequals(trim(ct.substr(0, semi)), "multipart/byteranges")) return std::nullopt;
    if (semi == std::string_view::npos) return std::nullopt;
    std::string_view params = ct.substr(semi + 1);
    std::optional<std::string> boundary;
    while (!params.empty()) {
        params = trim(params);
        const auto eq = params.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view name = params.substr(0, eq);
        if (name.empty() || !std::all_of(name.begin(), name.end(), tchar)) return std::nullopt;
        params.remove_prefix(eq + 1);
        std::string value;
        if (!params.empty() && params.front() == '"') {
            std::size_t i = 1;
            for (; i < params.size() && params[i] != '"'; ++i) {
                if (params[i] == '\\') {
                    if (++i >= params.size()) return std::nullopt;
                }
                value += params[i];
            }
            if (i >= params.size()) return std::nullopt;  // unterminated quoted-string
            params.remove_prefix(i + 1);
        } else {
            std::size_t i = 0;
            while (i < params.size() && tchar(params[i]))
                ++i;
            value = std::string(params.substr(0, i));
            params.remove_prefix(i);
        }
        params = trim(params);
        if (!params.empty()) {
            if (params.front() != ';') return std::nullopt;
            params.remove_prefix(1);
        }
        if (iequals(name, "boundary")) {
            if (boundary) return std::nullopt;  // twice
            boundary = value;
        }
    }
    if (!boundary || boundary->empty() || boundary->size() > 70 ||
        !std::all_of(boundary->begin(), boundary->end(), bchar)) {
        return std::nullopt;
    }
    return boundary;
}

MultipartBody parse_byteranges(std::string_view content_type, std::string_view body) {
    MultipartBody out;
    auto fail = [&](std::size_t at, const std::string& why) {
        out.error = "multipart/byteranges at byte " + std::to_string(at) + ": " + why;
        out.parts.clear();
        return out;
    };
    const auto b = byteranges_boundary(content_type);
    if (!b)
        return fail(0, "Content-Type is not multipart/byteranges with a valid boundary: '" +
                           std::string(content_type) + "'");
    out.boundary = *b;
    const std::string dash = "--" + *b;
    const std::string delimiter = "\r\n" + dash;

    std::size_t pos = 0;
    if (body.substr(0, 2) == "\r\n") pos = 2;  // an empty preamble
    if (body.substr(pos, dash.size()) != dash) return fail(pos, "expected the first --boundary");
    pos += dash.size();
    if (body.substr(pos, 2) != "\r\n") return fail(pos, "expected CRLF after the first boundary");
    pos += 2;

    std::uint64_t complete = 0;
    for (;;) {
        MultipartPart part;
        // Part headers up to the blank line.
        for (;;) {
            const auto eol = body.find("\r\n", pos);
            if (eol == std::string_view::npos) return fail(pos, "part headers never end");
            const std::string_view line = body.substr(pos, eol - pos);
            pos = eol + 2;
            if (line.empty()) break;
            const auto colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0 ||
                !std::all_of(line.begin(), line.begin() + static_cast<long>(colon), tchar)) {
                return fail(pos, "bad part header line '" + std::string(line) + "'");
            }
            if (line.find('\n') != std::string_view::npos ||
                line.find('\r') != std::string_view::npos) {
                return fail(pos, "bare CR or LF in a part header");
            }
            part.headers.emplace_back(std::string(line.substr(0, colon)),
                                      std::string(trim(line.substr(colon + 1))));
        }
        std::size_t ranges = 0;
        for (const auto& [k, v] : part.headers)
            ranges += iequals(k, "Content-Range") ? 1 : 0;
        if (ranges != 1) {
            return fail(pos,
                        "a part needs exactly one Content-Range, it has " + std::to_string(ranges));
        }
        const auto cr = parse_content_range(*part.header("Content-Range"));
        if (!cr) return fail(pos, "bad Content-Range '" + *part.header("Content-Range") + "'");
        if (!out.parts.empty() && cr->complete != complete) {
            return fail(pos, "Content-Range complete length differs between parts");
        }
        complete = cr->complete;
        part.first = cr->first;
        part.last = cr->last;
        part.complete = cr->complete;
        const std::uint64_t n = cr->last - cr->first + 1;
        if (body.size() - pos < n) return fail(pos, "part data shorter than its Content-Range");
        part.data = std::string(body.substr(pos, n));
        if (part.data.find(delimiter) != std::string::npos) {
            return fail(pos, "the delimiter occurs inside the part data");
        }
        pos += n;
        if (body.substr(pos, delimiter.size()) != delimiter) {
            return fail(pos, "part data not followed by CRLF--boundary (length mismatch?)");
        }
        pos += delimiter.size();
        out.parts.push_back(std::move(part));
        if (body.substr(pos, 2) == "--") {
            pos += 2;
            const std::string_view epilogue = body.substr(pos);
            if (!epilogue.empty() && epilogue != "\r\n") {
                return fail(pos, "unexpected bytes after the close delimiter");
            }
            return out;
        }
        if (body.substr(pos, 2) != "\r\n") return fail(pos, "expected CRLF or -- after boundary");
        pos += 2;
    }
}

}  // namespace tpserve::integration
