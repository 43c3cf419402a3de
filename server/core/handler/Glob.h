#pragma once
// Path globs for header rules, compiled once at start-up.
//   *   any run of characters except '/'
//   **  any run of characters, '/' included
//   ?   one character other than '/'
//   {a,b,c}  alternatives (one level; expanded at construction)
// A pattern with no '/' is matched against the last segment of the path
// ("*.css" matches "/a/b/site.css"); one with a '/' against the whole path,
// which starts with '/' ("/assets/**").
#include <string>
#include <string_view>
#include <vector>

namespace tpserve::handler {

class Glob {
public:
    explicit Glob(std::string_view pattern);

    // `path` is a decoded URL path starting with '/'. No allocation; thread-safe.
    [[nodiscard]] bool matches(std::string_view path) const noexcept;

    // The one-pattern matcher, exposed for tests: no braces, whole `text`.
    [[nodiscard]] static bool match_simple(std::string_view pattern,
                                           std::string_view text) noexcept;

private:
    std::vector<std::string> alternatives_;  // brace-free patterns
    bool whole_path_ = false;
};

}  // namespace tpserve::handler
