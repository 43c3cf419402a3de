#include "metrics/TextFormat.h"

#include <array>
#include <charconv>
#include <cmath>

namespace tpserve::metrics {

namespace {

bool is_letter(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

}  // namespace

bool valid_name(std::string_view name, bool label) noexcept {
    if (name.empty()) return false;
    if (label && name.starts_with("__")) return false;  // reserved for Prometheus itself
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        const bool colon = c == ':' && !label;
        if (!is_letter(c) && !colon && !(i > 0 && is_digit(c))) return false;
    }
    return true;
}

void append_label_value(std::string& out, std::string_view value) {
    for (const char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
}

void append_help_text(std::string& out, std::string_view text) {
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
}

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    // Plain decimals where they are short ("0.0005", not "5e-04": an `le`
    // label is matched as text, and client libraries write it this way).
    const double magnitude = std::fabs(value);
    const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
    std::array<char, 64> text{};
    const auto [end, error] = plain ? std::to_chars(text.data(), text.data() + text.size(), value,
                                                    std::chars_format::fixed)
                                    : std::to_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{}) {
        out += "NaN";  // unreachable: 64 characters hold either form of these values
        return;
    }
    out.append(text.data(), end);
}

void TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    append_help_text(out_, help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void TextWriter::start(std::string_view name, std::initializer_list<Label> labels) {
    out_ += name;
    if (labels.size() != 0) {
        out_ += '{';
        bool first = true;
        for (const Label& label : labels) {
            if (!first) out_ += ',';
            first = false;
            out_ += label.name;
            out_ += "=\"";
            append_label_value(out_, label.value);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels,
                        std::uint64_t value) {
    start(name, labels);
    std::array<char, 24> text{};
    const auto [end, error] = std::to_chars(text.data(), text.data() + text.size(), value);
    (void)error;  // 24 characters hold any uint64_t
    out_.append(text.data(), end);
    out_ += '\n';
}

void TextWriter::sample(std::string_view name, std::initializer_list<Label> labels, double value) {
    start(name, labels);
    append_number(out_, value);
    out_ += '\n';
}

}  // namespace tpserve::metrics
