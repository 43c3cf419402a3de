#pragma once
// Writes the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): one
// "# HELP" and "# TYPE" line per family, then its samples
// `name{label="value",...} value`. Label values escape backslash, double
// quote and line feed; HELP text escapes backslash and line feed. Scrape
// path only: it appends to a string whose capacity the caller keeps.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace tpserve::metrics {

struct Label {
    std::string_view name;
    std::string_view value;
};

// Whether `name` is a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*) or, with
// `label`, a valid label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting "__").
bool valid_name(std::string_view name, bool label = false) noexcept;

void append_label_value(std::string& out, std::string_view value);
void append_help_text(std::string& out, std::string_view text);
// Shortest round-trip decimal; "+Inf", "-Inf", "NaN" as the format spells them.
void append_number(std::string& out, double value);

class TextWriter {
public:
    explicit TextWriter(std::string& out) noexcept : out_(out) {}

    // `type`: "counter", "gauge" or "histogram".
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, std::initializer_list<Label> labels, std::uint64_t value);
    void sample(std::string_view name, std::initializer_list<Label> labels, double value);

private:
    void start(std::string_view name, std::initializer_list<Label> labels);

    std::string& out_;
};

}  // namespace tpserve::metrics
