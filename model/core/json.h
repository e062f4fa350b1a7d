// A small JSON value type with a strict parser and a writer.
//
// Used by every layer for configs, run records, reports and the CLI's --json output. Parsing is
// Debian's nlohmann-json, kept out of this header so that the many files including it compile
// fast; the writer is ours because stored records and model files need their exact bytes. Objects
// keep insertion order (configs and reports read better that way, and output is deterministic).
// Integers that fit in int64 are kept exact.
//
// Thread affinity: none; values are plain data.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace m6
{

class Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::vector<std::pair<std::string, Json>>;

/// Thrown by Json::parse with a message that says where the text is wrong.
class JsonParseError : public std::runtime_error
{
 public:
  JsonParseError(const std::string& what, int line, int column)
      : std::runtime_error(what + " at line " + std::to_string(line) + ", column " +
                           std::to_string(column)),
        line_(line),
        column_(column)
  {
  }
  int line() const { return line_; }
  int column() const { return column_; }

 private:
  int line_;
  int column_;
};

class Json
{
 public:
  enum class Type
  {
    Null,
    Bool,
    Int,
    Double,
    String,
    Array,
    Object
  };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : v_(b) {}
  Json(int i) : v_(static_cast<int64_t>(i)) {}
  Json(long i) : v_(static_cast<int64_t>(i)) {}
  Json(long long i) : v_(static_cast<int64_t>(i)) {}
  Json(unsigned i) : v_(static_cast<int64_t>(i)) {}
  Json(unsigned long i) : v_(static_cast<int64_t>(i)) {}
  Json(unsigned long long i) : v_(static_cast<int64_t>(i)) {}
  Json(double d) : v_(d) {}
  Json(float d) : v_(static_cast<double>(d)) {}
  Json(const char* s) : v_(std::string(s)) {}
  Json(std::string s) : v_(std::move(s)) {}
  Json(JsonArray a) : v_(std::move(a)) {}
  Json(JsonObject o) : v_(std::move(o)) {}

  static Json array() { return Json(JsonArray{}); }
  static Json object() { return Json(JsonObject{}); }

  Type type() const { return static_cast<Type>(v_.index()); }
  bool isNull() const { return type() == Type::Null; }
  bool isBool() const { return type() == Type::Bool; }
  bool isNumber() const { return type() == Type::Int || type() == Type::Double; }
  bool isInt() const { return type() == Type::Int; }
  bool isString() const { return type() == Type::String; }
  bool isArray() const { return type() == Type::Array; }
  bool isObject() const { return type() == Type::Object; }

  /// Accessors throw std::runtime_error naming the expected type when the value has another.
  bool asBool() const;
  int64_t asInt() const;  // also accepts a double with an integral value
  double asDouble() const;
  const std::string& asString() const;
  const JsonArray& asArray() const;
  JsonArray& asArray();
  const JsonObject& asObject() const;
  JsonObject& asObject();

  // Object helpers. operator[] on a null value turns it into an object.
  bool contains(const std::string& key) const;
  const Json* find(const std::string& key) const;
  Json& operator[](const std::string& key);
  const Json& at(const std::string& key) const;  // throws std::out_of_range naming the key
  /// Value of `key`, or `fallback` when absent or null.
  double value(const std::string& key, double fallback) const;
  int64_t value(const std::string& key, int64_t fallback) const;
  int value(const std::string& key, int fallback) const;
  bool value(const std::string& key, bool fallback) const;
  std::string value(const std::string& key, const std::string& fallback) const;
  std::string value(const std::string& key, const char* fallback) const;

  // Array helpers. push_back on a null value turns it into an array (named as the standard
  // containers' member, so generic code and readers find it).
  void push_back(Json v);  // NOLINT(readability-identifier-naming)
  size_t size() const;     // elements of an array or members of an object; 0 otherwise
  const Json& operator[](size_t i) const { return asArray().at(i); }

  /// Compact single-line text when indent < 0, otherwise pretty-printed with that indent.
  std::string dump(int indent = -1) const;
  static Json parse(const std::string& text);

  bool operator==(const Json& other) const;
  bool operator!=(const Json& other) const { return !(*this == other); }

 private:
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, JsonArray, JsonObject> v_{
      nullptr};
};

/// Appends `s` to `out` as a quoted JSON string with escapes.
void appendJsonString(std::string& out, const std::string& s);

/// An nlohmann-json exception's message without its "[json.exception...]" tag and its
/// "parse error at line L, column C: " lead, for callers that name the place themselves.
std::string jsonLibraryMessage(const std::exception& e);

}  // namespace m6
