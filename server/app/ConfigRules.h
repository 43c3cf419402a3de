#pragma once
// A config section's keys as one table: each row names a key, the member of
// the section it sets and the parser (with its bounds) that reads its value.
// The table is at once the section's allowed keys (in the order messages list
// them), its dispatch, and — through the members — its defaults: a key's
// default is its member's initialiser in config/Config.h (config::Config{}
// is the default configuration; tests check config/default.yaml against it).
// A row cannot be written without a member: both ways to make one take it.
#include <algorithm>
#include <functional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "app/ConfigReader.h"

namespace tpserve::app {

// Reads one entry's value (checked, with messages at its node) into a T.
template <class T>
using Parse = std::function<void(const Reader&, const Entry&, T&)>;

template <class S>
struct KeyRule {
    std::string_view key;
    Parse<S> read;                                 // parses the value and stores it in its member
    std::function<bool(const S&, const S&)> same;  // whether two sections agree on that member
};

template <class S>
using KeyTable = std::vector<KeyRule<S>>;

// The common row: `parse` is given the member and nothing else.
template <class S, class T>
KeyRule<S> member_key(std::string_view key, T S::*member, std::type_identity_t<Parse<T>> parse) {
    return {key,
            [member, parse = std::move(parse)](const Reader& r, const Entry& e, S& s) {
                parse(r, e, s.*member);
            },
            [member](const S& a, const S& b) { return a.*member == b.*member; }};
}

// A row whose parser needs the rest of the section (the sites inherit the
// top-level settings; a site's log.access also marks it as set): `store`
// sets `member`, and besides it only such bookkeeping.
template <class S, class T>
KeyRule<S> context_key(std::string_view key, T S::*member, std::type_identity_t<Parse<S>> store) {
    return {key, std::move(store),
            [member](const S& a, const S& b) { return a.*member == b.*member; }};
}

// Keys of the section itself grouped under a map of their own (`mime:` sets
// Config's default_mime_type and mime_types, a site's `log:` its access_log
// and access_format).
template <class S>
KeyRule<S> nested_keys(std::string_view key, const KeyTable<S>& table);

template <class S>
std::vector<std::string_view> key_names(const KeyTable<S>& table) {
    std::vector<std::string_view> names;
    names.reserve(table.size());
    for (const KeyRule<S>& rule : table)
        names.push_back(rule.key);
    return names;
}

template <class S>
const KeyRule<S>& rule_for(const KeyTable<S>& table, const std::string& key) {
    for (const KeyRule<S>& rule : table) {
        if (rule.key == key) return rule;
    }
    return table.front();  // unreachable: Reader::entries refused every other key
}

// Reads the map `map` by `table` into `out`: refuses unknown and duplicate
// keys first (`section` names the map in messages), then parses each entry
// in file order. Returns the entries, for checks across keys.
template <class S>
std::vector<Entry> read_keys(const Reader& r, const YAML::Node& map, std::string_view section,
                             const KeyTable<S>& table, S& out) {
    std::vector<Entry> list = r.entries(map, section, key_names(table));
    for (const Entry& e : list)
        rule_for(table, e.first.Scalar()).read(r, e, out);
    return list;
}

// A map value read by `table` (the key names the section in messages); null
// keeps the defaults.
template <class S>
Parse<S> section(const KeyTable<S>& table) {
    return [&table](const Reader& r, const Entry& e, S& out) {
        read_keys(r, r.map_of(e.first, e.second), e.first.Scalar(), table, out);
    };
}

template <class S>
KeyRule<S> nested_keys(std::string_view key, const KeyTable<S>& table) {
    return {key, section(table), [&table](const S& a, const S& b) {
                return std::all_of(table.begin(), table.end(),
                                   [&](const KeyRule<S>& rule) { return rule.same(a, b); });
            }};
}

}  // namespace tpserve::app
