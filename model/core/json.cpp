// The JSON value type: typed accessors that name what they expected, object and array helpers,
// equality. Text in and out is json_text.cpp.
#include "model/core/json.h"

#include <cmath>

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

}  // namespace

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
