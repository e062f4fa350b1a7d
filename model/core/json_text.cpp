// Json as text: the writer (byte-exact: shortest round-trip numbers, ".0" on whole doubles,
// ", " and ": " separators, the order of insertion) and the reader, Debian's nlohmann-json whose
// SAX events build our values.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

#include "model/core/json.h"

namespace m6
{

namespace
{

void appendNumber(std::string& out, double d)
{
  if (!std::isfinite(d))
  {
    // JSON has no NaN or infinity; null is the conventional stand-in.
    out += "null";
    return;
  }
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  out.append(text);
  // Keep the value a double when read back ("1" would come back as an integer).
  if (text.find_first_of(".eEn") == std::string_view::npos)
  {
    out += ".0";
  }
}

void dumpValue(const Json& v, std::string& out, int indent, int depth)
{
  auto newline = [&](int d)
  {
    if (indent >= 0)
    {
      out += '\n';
      out.append(static_cast<size_t>(indent) * static_cast<size_t>(d), ' ');
    }
  };
  switch (v.type())
  {
    case Json::Type::Null:
      out += "null";
      break;
    case Json::Type::Bool:
      out += v.asBool() ? "true" : "false";
      break;
    case Json::Type::Int:
      out += std::to_string(v.asInt());
      break;
    case Json::Type::Double:
      appendNumber(out, v.asDouble());
      break;
    case Json::Type::String:
      appendJsonString(out, v.asString());
      break;
    case Json::Type::Array:
    {
      const auto& a = v.asArray();
      out += '[';
      for (size_t i = 0; i < a.size(); ++i)
      {
        if (i)
        {
          out += indent >= 0 ? "," : ", ";
        }
        newline(depth + 1);
        dumpValue(a[i], out, indent, depth + 1);
      }
      if (!a.empty())
      {
        newline(depth);
      }
      out += ']';
      break;
    }
    case Json::Type::Object:
    {
      const auto& o = v.asObject();
      out += '{';
      for (size_t i = 0; i < o.size(); ++i)
      {
        if (i)
        {
          out += indent >= 0 ? "," : ", ";
        }
        newline(depth + 1);
        appendJsonString(out, o[i].first);
        out += ": ";
        dumpValue(o[i].second, out, indent, depth + 1);
      }
      if (!o.empty())
      {
        newline(depth);
      }
      out += '}';
      break;
    }
  }
}

/// Builds a Json tree from nlohmann-json's SAX events (its parser, our value type): objects keep
/// the text's order, a repeated member keeps its first place and its last value, as before.
class TreeBuilder
{
 public:
  explicit TreeBuilder(const std::string& text) : text_(text) {}

  Json take() { return std::move(root_); }

  // nlohmann's SAX interface: each returns true to go on; errors throw JsonParseError.
  // NOLINTBEGIN(readability-identifier-naming)
  bool null() { return put(Json()) != nullptr; }
  bool boolean(bool b) { return put(Json(b)) != nullptr; }
  bool number_integer(int64_t v) { return put(Json(v)) != nullptr; }
  bool number_unsigned(uint64_t v)
  {
    // Beyond int64 a whole number is kept as a double, as the old reader did.
    constexpr auto kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    return put(v <= kMax ? Json(static_cast<int64_t>(v)) : Json(static_cast<double>(v))) != nullptr;
  }
  bool number_float(double v, const std::string& /*text*/) { return put(Json(v)) != nullptr; }
  bool string(std::string& s) { return put(Json(std::move(s))) != nullptr; }
  bool binary(nlohmann::json::binary_t& /*unused*/) { return false; }  // not in JSON text
  bool start_object(std::size_t /*elements*/) { return open(Json::object()); }
  bool key(std::string& k)
  {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t /*elements*/) { return open(Json::array()); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string& /*lastToken*/,
                   const nlohmann::detail::exception& e)
  {
    fail(jsonLibraryMessage(e), position);
  }
  // NOLINTEND(readability-identifier-naming)

 private:
  static constexpr size_t kMaxDepth = 200;

  /// `position` counts the bytes read, the offending one included.
  [[noreturn]] void fail(const std::string& what, size_t position) const
  {
    int line = 1;
    int col = 1;
    for (size_t i = 0; i + 1 < position && i < text_.size(); ++i)
    {
      if (text_[i] == '\n')
      {
        ++line;
        col = 1;
      }
      else
      {
        ++col;
      }
    }
    throw JsonParseError(what, line, col);
  }

  /// Places `v` in the open container (or as the root) and returns where it now lives.
  Json* put(Json v)
  {
    if (open_.empty())
    {
      root_ = std::move(v);
      return &root_;
    }
    Json& parent = *open_.back();
    if (parent.isArray())
    {
      parent.asArray().push_back(std::move(v));
      return &parent.asArray().back();
    }
    auto& members = parent.asObject();
    auto same = std::find_if(members.begin(), members.end(),
                             [&](const auto& kv) { return kv.first == key_; });
    if (same != members.end())
    {
      same->second = std::move(v);
      return &same->second;
    }
    members.emplace_back(std::move(key_), std::move(v));
    return &members.back().second;
  }

  bool open(Json container)
  {
    if (open_.size() >= kMaxDepth)
    {
      // Our values are freed and written recursively: refuse what would exhaust the stack.
      fail("JSON nested too deeply", nestingPosition());
    }
    open_.push_back(put(std::move(container)));
    return true;
  }

  bool close()
  {
    open_.pop_back();
    return true;
  }

  /// The SAX events carry no position; find the bracket that went one level too deep.
  size_t nestingPosition() const
  {
    size_t depth = 0;
    bool inString = false;
    for (size_t i = 0; i < text_.size(); ++i)
    {
      char c = text_[i];
      if (inString)
      {
        i += c == '\\' ? 1 : 0;
        inString = c != '"';
      }
      else if (c == '"')
      {
        inString = true;
      }
      else if (c == '[' || c == '{')
      {
        if (++depth > kMaxDepth)
        {
          return i + 1;
        }
      }
      else if (c == ']' || c == '}')
      {
        --depth;
      }
    }
    return text_.size();
  }

  const std::string& text_;
  Json root_;
  std::vector<Json*> open_;  // ancestors only: their parents do not grow while they are open
  std::string key_;
};

}  // namespace

void appendJsonString(std::string& out, const std::string& s)
{
  out += '"';
  for (unsigned char c : s)
  {
    switch (c)
    {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20)
        {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        }
        else
        {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

std::string Json::dump(int indent) const
{
  std::string out;
  dumpValue(*this, out, indent, 0);
  return out;
}

Json Json::parse(const std::string& text)
{
  TreeBuilder builder(text);
  nlohmann::json::sax_parse(text, &builder);
  return builder.take();
}

std::string jsonLibraryMessage(const std::exception& e)
{
  // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
  std::string m = e.what();
  if (auto close = m.find("] "); close != std::string::npos && m.rfind("[json.", 0) == 0)
  {
    m.erase(0, close + 2);
  }
  if (m.rfind("parse error", 0) == 0)
  {
    if (auto colon = m.find(": "); colon != std::string::npos)
    {
      m.erase(0, colon + 2);
    }
  }
  return m;
}

}  // namespace m6
