// Over 500 lines: a whole JSON parser and writer with byte-exact number formatting, until Debian's
// nlohmann-json replaces it.

#include "model/core/json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

namespace m6
{

namespace
{

const char* typeName(Json::Type t)
{
  switch (t)
  {
    case Json::Type::Null:
      return "null";
    case Json::Type::Bool:
      return "a boolean";
    case Json::Type::Int:
    case Json::Type::Double:
      return "a number";
    case Json::Type::String:
      return "a string";
    case Json::Type::Array:
      return "an array";
    case Json::Type::Object:
      return "an object";
  }
  return "?";
}

[[noreturn]] void typeError(const char* expected, Json::Type got)
{
  throw std::runtime_error(std::string("expected ") + expected + ", got " + typeName(got));
}

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

class Parser
{
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  Json parseDocument()
  {
    skipSpace();
    Json v = parseValue(0);
    skipSpace();
    if (pos_ != s_.size())
    {
      fail("unexpected text after the JSON value");
    }
    return v;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const
  {
    int line = 1;
    int col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i)
    {
      if (s_[i] == '\n')
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

  void skipSpace()
  {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
    {
      ++pos_;
    }
  }

  bool consume(const char* word)
  {
    size_t n = std::strlen(word);
    if (s_.compare(pos_, n, word) == 0)
    {
      pos_ += n;
      return true;
    }
    return false;
  }

  Json parseValue(int depth)
  {
    if (depth > 200)
    {
      fail("JSON nested too deeply");
    }
    if (pos_ >= s_.size())
    {
      fail("unexpected end of JSON");
    }
    char c = s_[pos_];
    if (c == '{')
    {
      return parseObject(depth);
    }
    if (c == '[')
    {
      return parseArray(depth);
    }
    if (c == '"')
    {
      return Json(parseString());
    }
    if (c == '-' || (c >= '0' && c <= '9'))
    {
      return parseNumber();
    }
    if (consume("true"))
    {
      return Json(true);
    }
    if (consume("false"))
    {
      return Json(false);
    }
    if (consume("null"))
    {
      return Json();
    }
    fail(std::string("unexpected character '") + c + "'");
  }

  Json parseObject(int depth)
  {
    ++pos_;
    JsonObject o;
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}')
    {
      ++pos_;
      return Json(std::move(o));
    }
    for (;;)
    {
      skipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"')
      {
        fail("expected a quoted member name");
      }
      std::string key = parseString();
      skipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':')
      {
        fail("expected ':' after member name");
      }
      ++pos_;
      skipSpace();
      Json v = parseValue(depth + 1);
      auto same = std::find_if(o.begin(), o.end(), [&](const auto& kv) { return kv.first == key; });
      if (same != o.end())
      {
        same->second = std::move(v);
      }
      else
      {
        o.emplace_back(std::move(key), std::move(v));
      }
      skipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',')
      {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}')
      {
        ++pos_;
        return Json(std::move(o));
      }
      fail("expected ',' or '}' in object");
    }
  }

  Json parseArray(int depth)
  {
    ++pos_;
    JsonArray a;
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']')
    {
      ++pos_;
      return Json(std::move(a));
    }
    for (;;)
    {
      skipSpace();
      a.push_back(parseValue(depth + 1));
      skipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',')
      {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']')
      {
        ++pos_;
        return Json(std::move(a));
      }
      fail("expected ',' or ']' in array");
    }
  }

  static void appendUtf8(std::string& out, uint32_t cp)
  {
    if (cp < 0x80)
    {
      out += static_cast<char>(cp);
    }
    else if (cp < 0x800)
    {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    else if (cp < 0x10000)
    {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    else
    {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  uint32_t parseHex4()
  {
    if (pos_ + 4 > s_.size())
    {
      fail("truncated \\u escape");
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
    {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9')
      {
        v |= static_cast<uint32_t>(c - '0');
      }
      else if (c >= 'a' && c <= 'f')
      {
        v |= static_cast<uint32_t>(c - 'a' + 10);
      }
      else if (c >= 'A' && c <= 'F')
      {
        v |= static_cast<uint32_t>(c - 'A' + 10);
      }
      else
      {
        fail("bad hex digit in \\u escape");
      }
    }
    return v;
  }

  std::string parseString()
  {
    ++pos_;  // opening quote
    std::string out;
    for (;;)
    {
      if (pos_ >= s_.size())
      {
        fail("unterminated string");
      }
      char c = s_[pos_++];
      if (c == '"')
      {
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20)
      {
        fail("control character in string");
      }
      if (c != '\\')
      {
        out += c;
        continue;
      }
      if (pos_ >= s_.size())
      {
        fail("unterminated escape");
      }
      char e = s_[pos_++];
      switch (e)
      {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
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
        case 'u':
        {
          uint32_t cp = parseHex4();
          if (cp >= 0xD800 && cp <= 0xDBFF)
          {
            if (pos_ + 2 <= s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u')
            {
              pos_ += 2;
              uint32_t lo = parseHex4();
              if (lo < 0xDC00 || lo > 0xDFFF)
              {
                fail("bad surrogate pair");
              }
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            else
            {
              fail("lone surrogate in \\u escape");
            }
          }
          appendUtf8(out, cp);
          break;
        }
        default:
          fail(std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  Json parseNumber()
  {
    size_t start = pos_;
    if (s_[pos_] == '-')
    {
      ++pos_;
    }
    bool isInteger = true;
    auto digits = [&]
    {
      size_t d0 = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')
      {
        ++pos_;
      }
      return pos_ - d0;
    };
    if (digits() == 0)
    {
      fail("expected digits");
    }
    if (pos_ < s_.size() && s_[pos_] == '.')
    {
      isInteger = false;
      ++pos_;
      if (digits() == 0)
      {
        fail("expected digits after '.'");
      }
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E'))
    {
      isInteger = false;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-'))
      {
        ++pos_;
      }
      if (digits() == 0)
      {
        fail("expected exponent digits");
      }
    }
    const char* b = s_.data() + start;
    const char* e = s_.data() + pos_;
    if (isInteger)
    {
      int64_t iv = 0;
      auto r = std::from_chars(b, e, iv);
      if (r.ec == std::errc() && r.ptr == e)
      {
        return Json(iv);
      }
    }
    double dv = 0;
    auto r = std::from_chars(b, e, dv);
    if (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)
    {
      fail("bad number");
    }
    return Json(dv);
  }

  const std::string& s_;
  size_t pos_ = 0;
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

bool Json::asBool() const
{
  if (auto p = std::get_if<bool>(&v_))
  {
    return *p;
  }
  typeError("a boolean", type());
}

int64_t Json::asInt() const
{
  if (auto p = std::get_if<int64_t>(&v_))
  {
    return *p;
  }
  if (auto d = std::get_if<double>(&v_))
  {
    if (std::isfinite(*d) && std::floor(*d) == *d && std::fabs(*d) < 9.2e18)
    {
      return static_cast<int64_t>(*d);
    }
    throw std::runtime_error("expected an integer, got " + std::to_string(*d));
  }
  typeError("an integer", type());
}

double Json::asDouble() const
{
  if (auto p = std::get_if<double>(&v_))
  {
    return *p;
  }
  if (auto p = std::get_if<int64_t>(&v_))
  {
    return static_cast<double>(*p);
  }
  if (isNull())
  {
    return std::nan("");  // what a non-finite number was written as
  }
  typeError("a number", type());
}

const std::string& Json::asString() const
{
  if (auto p = std::get_if<std::string>(&v_))
  {
    return *p;
  }
  typeError("a string", type());
}

const JsonArray& Json::asArray() const
{
  if (auto p = std::get_if<JsonArray>(&v_))
  {
    return *p;
  }
  typeError("an array", type());
}

JsonArray& Json::asArray()
{
  if (auto p = std::get_if<JsonArray>(&v_))
  {
    return *p;
  }
  typeError("an array", type());
}

const JsonObject& Json::asObject() const
{
  if (auto p = std::get_if<JsonObject>(&v_))
  {
    return *p;
  }
  typeError("an object", type());
}

JsonObject& Json::asObject()
{
  if (auto p = std::get_if<JsonObject>(&v_))
  {
    return *p;
  }
  typeError("an object", type());
}

bool Json::contains(const std::string& key) const
{
  return find(key) != nullptr;
}

const Json* Json::find(const std::string& key) const
{
  if (!isObject())
  {
    return nullptr;
  }
  for (const auto& kv : asObject())
  {
    if (kv.first == key)
    {
      return &kv.second;
    }
  }
  return nullptr;
}

Json& Json::operator[](const std::string& key)
{
  if (isNull())
  {
    v_ = JsonObject{};
  }
  auto& o = asObject();
  for (auto& kv : o)
  {
    if (kv.first == key)
    {
      return kv.second;
    }
  }
  o.emplace_back(key, Json());
  return o.back().second;
}

const Json& Json::at(const std::string& key) const
{
  if (const Json* p = find(key))
  {
    return *p;
  }
  throw std::out_of_range("missing member \"" + key + "\"");
}

double Json::value(const std::string& key, double fallback) const
{
  const Json* p = find(key);
  return p && !p->isNull() ? p->asDouble() : fallback;
}

int64_t Json::value(const std::string& key, int64_t fallback) const
{
  const Json* p = find(key);
  return p && !p->isNull() ? p->asInt() : fallback;
}

int Json::value(const std::string& key, int fallback) const
{
  const Json* p = find(key);
  return p && !p->isNull() ? static_cast<int>(p->asInt()) : fallback;
}

bool Json::value(const std::string& key, bool fallback) const
{
  const Json* p = find(key);
  return p && !p->isNull() ? p->asBool() : fallback;
}

std::string Json::value(const std::string& key, const std::string& fallback) const
{
  const Json* p = find(key);
  return p && !p->isNull() ? p->asString() : fallback;
}

std::string Json::value(const std::string& key, const char* fallback) const
{
  return value(key, std::string(fallback));
}

void Json::push_back(Json v)
{
  if (isNull())
  {
    v_ = JsonArray{};
  }
  asArray().push_back(std::move(v));
}

size_t Json::size() const
{
  if (isArray())
  {
    return asArray().size();
  }
  if (isObject())
  {
    return asObject().size();
  }
  return 0;
}

std::string Json::dump(int indent) const
{
  std::string out;
  dumpValue(*this, out, indent, 0);
  return out;
}

Json Json::parse(const std::string& text)
{
  return Parser(text).parseDocument();
}

bool Json::operator==(const Json& other) const
{
  if (isNumber() && other.isNumber())
  {
    if (isInt() && other.isInt())
    {
      return asInt() == other.asInt();
    }
    return asDouble() == other.asDouble();
  }
  return v_ == other.v_;
}

}  // namespace m6
