#include "app/ConfigReader.h"

#include <set>

#include "app/ConfigError.h"
#include "app/ValueParsers.h"

namespace tpserve::app {

const char* kind_of(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "a scalar";
        default:
            return "nothing";
    }
}

void Reader::fail(const YAML::Node& at, const std::string& why) const {
    const YAML::Mark m = at.Mark();
    if (m.is_null()) throw ConfigError(source_, 0, 0, why);
    throw ConfigError(source_, m.line + 1, m.column + 1, why);
}

void Reader::check(const YAML::Node& key, const YAML::Node& v, const std::string& why) const {
    if (!why.empty()) fail(v, "'" + key.Scalar() + "': " + why);
}

std::vector<Entry> Reader::entries(const YAML::Node& map, std::string_view section,
                                   std::span<const std::string_view> allowed) const {
    const std::string where = section.empty() ? "" : " in '" + std::string(section) + "'";
    std::vector<Entry> out;
    std::set<std::string> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar())
            fail(key, "a key must be a plain name, not " + std::string(kind_of(key)));
        const std::string& name = key.Scalar();
        bool known = false;
        for (const std::string_view k : allowed)
            known = known || k == name;
        if (!known) {
            std::string why = "unknown key '" + name + "'";
            why += where;
            const std::string_view near = closest_word(name, allowed);
            if (!near.empty()) why += " (did you mean '" + std::string(near) + "'?)";
            fail(key, why + "; allowed keys: " + join_choices(allowed));
        }
        if (!seen.insert(name).second) {
            std::string why = "duplicate key '" + name + "'";
            why += where;
            fail(key, why);
        }
        out.emplace_back(key, it->second);
    }
    return out;
}

std::vector<Entry> Reader::entries_any(const YAML::Node& map) const {
    std::vector<Entry> out;
    if (map.IsNull()) return out;
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (!it->first.IsScalar())
            fail(it->first, "a key must be a plain name, not " + std::string(kind_of(it->first)));
        out.emplace_back(it->first, it->second);
    }
    return out;
}

const YAML::Node& Reader::map_of(const YAML::Node& key, const YAML::Node& v) const {
    if (v.IsNull()) return v;  // "limits:" with nothing under it: keep the defaults
    if (!v.IsMap())
        fail(v.Mark().is_null() ? key : v,
             "'" + key.Scalar() + "' must be a map, not " + kind_of(v));
    return v;
}

std::string Reader::scalar(const YAML::Node& key, const YAML::Node& v,
                           std::string_view what) const {
    if (!v.IsScalar()) {
        fail(v.Mark().is_null() ? key : v,
             "'" + key.Scalar() + "' expects " + std::string(what) + ", not " + kind_of(v));
    }
    return v.Scalar();
}

std::vector<Entry> Reader::scalars(const YAML::Node& key, const YAML::Node& v,
                                   std::string_view what) const {
    std::vector<Entry> out;
    if (v.IsSequence()) {
        for (const auto& item : v) {
            (void)scalar(key, item, what);
            out.emplace_back(key, item);
        }
        if (out.empty()) fail(v, "'" + key.Scalar() + "' must not be an empty list");
    } else {
        (void)scalar(key, v, std::string(what) + " or a list of them");
        out.emplace_back(key, v);
    }
    return out;
}

bool Reader::boolean(const YAML::Node& key, const YAML::Node& v) const {
    (void)scalar(key, v, "true or false");
    bool b = false;
    if (!YAML::convert<bool>::decode(v, b))
        fail(v, "'" + key.Scalar() + "' expects true or false, got '" + v.Scalar() + "'");
    return b;
}

std::string Reader::destination(const YAML::Node& key, const YAML::Node& v, bool access) const {
    std::string s = scalar(key, v, "a destination");
    check(key, v, access ? check_access_destination(s) : check_error_destination(s));
    if (s == "off" || s == "stdout" || s == "stderr") return s;
    return resolve(s);
}

std::string Reader::resolve(const std::string& path) const {
    return resolve_path(base_dir_, path);
}

}  // namespace tpserve::app
