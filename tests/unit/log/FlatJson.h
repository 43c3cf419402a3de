#pragma once
// A strict parser for the access log's JSON lines: one flat object whose
// values are strings or numbers. Written for the tests so they check the
// JSON grammar themselves instead of trusting the formatter's own escaping.
// ASCII only (the formatter promises it); \u escapes below 0x100 decode to
// that byte, so a decoded string can be compared with the raw client bytes.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tpserve::log::test {

struct JsonValue {
    bool is_string = false;
    std::string text;  // decoded string, or the number as written
};

using FlatObject = std::vector<std::pair<std::string, JsonValue>>;

class FlatJsonParser {
public:
    explicit FlatJsonParser(std::string_view in) : in_(in) {}

    // nullopt unless `in` is exactly one valid object (whitespace around allowed).
    std::optional<FlatObject> parse() {
        FlatObject out;
        ws();
        if (!eat('{')) return std::nullopt;
        ws();
        if (!eat('}')) {
            for (;;) {
                ws();
                auto key = string();
                if (!key) return std::nullopt;
                ws();
                if (!eat(':')) return std::nullopt;
                ws();
                JsonValue v;
                if (peek() == '"') {
                    auto s = string();
                    if (!s) return std::nullopt;
                    v = {true, *s};
                } else {
                    auto n = number();
                    if (!n) return std::nullopt;
                    v = {false, *n};
                }
                for (const auto& m : out) {
                    if (m.first == *key) return std::nullopt;  // duplicate key
                }
                out.emplace_back(*key, v);
                ws();
                if (eat('}')) break;
                if (!eat(',')) return std::nullopt;
            }
        }
        ws();
        if (pos_ != in_.size()) return std::nullopt;
        return out;
    }

private:
    [[nodiscard]] char peek() const { return pos_ < in_.size() ? in_[pos_] : '\0'; }
    bool eat(char c) {
        if (pos_ < in_.size() && in_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void ws() {
        while (pos_ < in_.size() &&
               (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r'))
            ++pos_;
    }
    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    std::optional<std::string> string() {
        if (!eat('"')) return std::nullopt;
        std::string out;
        for (;;) {
            if (pos_ >= in_.size()) return std::nullopt;
            const auto c = static_cast<unsigned char>(in_[pos_++]);
            if (c == '"') return out;
            if (c < 0x20 || c >= 0x80) return std::nullopt;
            if (c != '\\') {
                out += static_cast<char>(c);
                continue;
            }
            if (pos_ >= in_.size()) return std::nullopt;
            const char e = in_[pos_++];
            switch (e) {
                case '"':
                case '\\':
                case '/':
                    out += e;
                    break;
                case 'b':
                    out += '\b';
                    break;
                case 'f':
                    out += '\f';
                    break;
                case 'n':
                    out += '\n';
                    break;
                case 'r':
                    out += '\r';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'u': {
                    if (pos_ + 4 > in_.size()) return std::nullopt;
                    unsigned code = 0;
                    for (int i = 0; i < 4; ++i) {
                        const int h = hex(in_[pos_++]);
                        if (h < 0) return std::nullopt;
                        code = code * 16 + static_cast<unsigned>(h);
                    }
                    if (code >= 0x100) return std::nullopt;  // never produced by the log
                    out += static_cast<char>(code);
                    break;
                }
                default:
                    return std::nullopt;
            }
        }
    }
    static bool digit(char c) { return c >= '0' && c <= '9'; }
    std::optional<std::string> number() {
        const std::size_t start = pos_;
        eat('-');
        if (eat('0')) {
        } else if (digit(peek()) && peek() != '0') {
            while (digit(peek()))
                ++pos_;
        } else {
            return std::nullopt;
        }
        if (eat('.')) {
            if (!digit(peek())) return std::nullopt;
            while (digit(peek()))
                ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (!eat('+')) eat('-');
            if (!digit(peek())) return std::nullopt;
            while (digit(peek()))
                ++pos_;
        }
        return std::string(in_.substr(start, pos_ - start));
    }

    std::string_view in_;
    std::size_t pos_ = 0;
};

inline std::optional<FlatObject> parse_flat_json(std::string_view in) {
    return FlatJsonParser(in).parse();
}

}  // namespace tpserve::log::test
