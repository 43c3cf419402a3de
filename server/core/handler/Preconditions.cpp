#include "handler/Preconditions.h"

#include <algorithm>
#include <cstddef>
#include <optional>

#include "files/HttpDate.h"
#include "http/Ascii.h"
#include "http/EntityTag.h"

namespace tpserve::handler {
namespace {

enum class ListResult : std::uint8_t { Absent, Star, Match, NoMatch, Malformed };

// Walks every field named `name` as one list of `"*" / #entity-tag`. The
// whole list is walked even after a match: one malformed member makes the
// field value neither "*" nor an entity-tag list, which the RFC treats as a
// third case (If-Match false, If-None-Match true). This is stricter than
// nginx, which matches any comma-separated member and skips garbage, but it
// never turns a broken field into a 304 and never lets a broken If-Match
// through to a lost update. Empty list elements are skipped (§5.6.1.2).
ListResult match_tag_list(const http::Request& request, std::string_view name,
                          const std::optional<http::EntityTag>& current, bool strong) noexcept {
    bool present = false;
    bool star = false;
    bool matched = false;
    std::size_t members = 0;
    for (const http::Header& field : request.headers) {
        if (!http::ascii::iequals(field.name, name)) {
            continue;
        }
        present = true;
        std::string_view rest = field.value;
        while (true) {
            while (!rest.empty() && (http::ascii::is_ows(rest.front()) || rest.front() == ',')) {
                rest.remove_prefix(1);
            }
            if (rest.empty()) {
                break;
            }
            ++members;
            if (rest.front() == '*') {
                star = true;
                rest.remove_prefix(1);
            } else {
                std::size_t consumed = 0;
                const auto tag = http::parse_entity_tag_prefix(rest, consumed);
                if (!tag) {
                    return ListResult::Malformed;
                }
                if (current && (strong ? http::strong_match(*tag, *current)
                                       : http::weak_match(*tag, *current))) {
                    matched = true;
                }
                rest.remove_prefix(consumed);
            }
            while (!rest.empty() && http::ascii::is_ows(rest.front())) {
                rest.remove_prefix(1);
            }
            if (!rest.empty() && rest.front() != ',') {
                return ListResult::Malformed;  // e.g. "a"b or W/"a" junk
            }
        }
    }
    if (!present) {
        return ListResult::Absent;
    }
    if (star) {
        // "*" is the whole field value or nothing; "*, \"a\"" is neither form.
        return members == 1 ? ListResult::Star : ListResult::Malformed;
    }
    return matched ? ListResult::Match : ListResult::NoMatch;
}

// A date field counts only as exactly one field holding one HTTP-date: the
// combined value of several fields is a list, which §13.1.3/§13.1.4 say to
// ignore (and IMF-fixdate's own comma makes such a list unparseable anyway).
struct DateField {
    bool present = false;
    std::optional<std::int64_t> date;
};

DateField single_date(const http::Request& request, std::string_view name) noexcept {
    DateField result;
    std::string_view value;
    for (const http::Header& field : request.headers) {
        if (!http::ascii::iequals(field.name, name)) {
            continue;
        }
        if (result.present) {
            return result;  // present, but no usable date
        }
        result.present = true;
        value = field.value;
    }
    if (result.present) {
        result.date = files::parse_http_date(value);
    }
    return result;
}

}  // namespace

Precondition evaluate_preconditions(const http::Request& request, const Validators& current,
                                    bool get_or_head) noexcept {
    // Most requests carry no condition at all: one pass over the names
    // instead of four searches and parsing our own tag.
    const bool conditional =
        std::any_of(request.headers.begin(), request.headers.end(), [](const http::Header& f) {
            return f.name.size() > 3 && http::ascii::iequals(f.name.substr(0, 3), "if-");
        });
    if (!conditional) return Precondition::Proceed;
    const std::optional<http::EntityTag> etag = http::parse_entity_tag(current.etag);

    // Step 1 / 2.
    switch (match_tag_list(request, "If-Match", etag, /*strong=*/true)) {
        case ListResult::Star:  // a current representation always exists here
        case ListResult::Match:
            break;
        case ListResult::NoMatch:
        case ListResult::Malformed:
            return Precondition::Failed;
        case ListResult::Absent:
            if (current.has_last_modified) {
                const DateField since = single_date(request, "If-Unmodified-Since");
                if (since.date && current.last_modified > *since.date) {
                    return Precondition::Failed;
                }
            }
            break;
    }

    // Step 3 / 4.
    switch (match_tag_list(request, "If-None-Match", etag, /*strong=*/false)) {
        case ListResult::Star:
        case ListResult::Match:
            return get_or_head ? Precondition::NotModified : Precondition::Failed;
        case ListResult::NoMatch:
        case ListResult::Malformed:
            return Precondition::Proceed;
        case ListResult::Absent:
            break;
    }
    if (get_or_head && current.has_last_modified) {
        const DateField since = single_date(request, "If-Modified-Since");
        if (since.date && current.last_modified <= *since.date) {
            return Precondition::NotModified;
        }
    }
    return Precondition::Proceed;
}

bool if_range_allows(const http::Request& request, const Validators& current) noexcept {
    std::string_view value;
    bool present = false;
    for (const http::Header& field : request.headers) {
        if (!http::ascii::iequals(field.name, "If-Range")) {
            continue;
        }
        if (present) {
            return false;  // several fields: neither one entity-tag nor one date
        }
        present = true;
        value = field.value;
    }
    if (!present) {
        return true;
    }
    if (!value.empty() && (value.front() == '"' || value.starts_with("W/"))) {
        const auto sent = http::parse_entity_tag(value);
        const auto mine = http::parse_entity_tag(current.etag);
        return sent && mine && http::strong_match(*sent, *mine);
    }
    const auto date = files::parse_http_date(value);
    return date && current.has_last_modified && *date == current.last_modified;
}

}  // namespace tpserve::handler
