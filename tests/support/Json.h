#pragma once
// A small strict JSON (RFC 8259) reader for checking what the server writes:
// directory listings and JSON access-log lines. Rejects everything the RFC
// does: trailing commas, single quotes, raw control characters in strings,
// lone surrogates, leading zeros, trailing garbage. Test code only; values
// own their data.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tpserve::support {

struct JsonValue {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string text;              // String: the decoded UTF-8; Number: the literal as written
    std::vector<JsonValue> items;  // Array
    std::vector<std::pair<std::string, JsonValue>> members;  // Object, in order

    bool is_object() const { return kind == Kind::Object; }
    bool is_array() const { return kind == Kind::Array; }
    bool is_string() const { return kind == Kind::String; }
    bool is_number() const { return kind == Kind::Number; }
    // The first member named `key` (exact), or nullptr.
    const JsonValue* find(std::string_view key) const;
    std::size_t count(std::string_view key) const;
};

struct JsonParse {
    std::optional<JsonValue> value;  // set on success
    std::string error;               // "at byte N: why" on failure
};

JsonParse parse_json(std::string_view text);

}  // namespace tpserve::support
