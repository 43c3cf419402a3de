#pragma once
// The YAML side of the config loader: reading nodes as maps, scalars and
// lists, and turning a bad node into a ConfigError at its file:line:column.
// Every message a config file can earn is worded here or by the value
// parsers (ValueParsers.h, SiteParsers.h, ConfigValues.h). Start-up only:
// throws, allocates freely.
#include <yaml-cpp/yaml.h>

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tpserve::app {

using Entry = std::pair<YAML::Node, YAML::Node>;  // key node, value node

// "a map", "a list", "a scalar" or "nothing": what a node is, for messages.
const char* kind_of(const YAML::Node& n);

class Reader {
public:
    // `source` must outlive the Reader (it is kept by reference). Relative
    // paths are resolved against `base_dir` (left as written when empty).
    Reader(const std::string& source, std::string base_dir)
        : source_(source), base_dir_(std::move(base_dir)) {}

    [[nodiscard]] const std::string& source() const noexcept { return source_; }

    // Throws ConfigError at `at`'s position (0:0 when it has none).
    [[noreturn]] void fail(const YAML::Node& at, const std::string& why) const;

    // A ValueParsers/SiteParsers check: a non-empty reason becomes an error at `v`.
    void check(const YAML::Node& key, const YAML::Node& v, const std::string& why) const;

    // The entries of a map, after refusing non-scalar, unknown and duplicate
    // keys; `section` names the map in messages ("" = the top level).
    [[nodiscard]] std::vector<Entry> entries(const YAML::Node& map, std::string_view section,
                                             std::span<const std::string_view> allowed) const;

    // The entries of a map whose keys are free-form (extensions, statuses,
    // field names): only scalar keys; duplicates are the caller's to refuse.
    [[nodiscard]] std::vector<Entry> entries_any(const YAML::Node& map) const;

    // `v` itself when it is a map or null (a section with nothing under it
    // keeps its defaults); an error naming `key` otherwise.
    [[nodiscard]] const YAML::Node& map_of(const YAML::Node& key, const YAML::Node& v) const;

    // The text of a scalar; `what` says what was expected ("a number").
    [[nodiscard]] std::string scalar(const YAML::Node& key, const YAML::Node& v,
                                     std::string_view what) const;

    // A scalar or a non-empty list of scalars, as a list.
    [[nodiscard]] std::vector<Entry> scalars(const YAML::Node& key, const YAML::Node& v,
                                             std::string_view what) const;

    [[nodiscard]] bool boolean(const YAML::Node& key, const YAML::Node& v) const;

    // A log destination ("off" only for the access log): kept as written
    // when it names a stream, otherwise resolved as a path.
    [[nodiscard]] std::string destination(const YAML::Node& key, const YAML::Node& v,
                                          bool access) const;

    [[nodiscard]] std::string resolve(const std::string& path) const;

private:
    const std::string& source_;
    std::string base_dir_;
};

}  // namespace tpserve::app
