// Builders of the configuration descriptor table (private to m6_core): a descriptor plus the
// accessors that read and write its member of RunConfig, built from pointers to members so the
// table in config_fields.cpp names each member once.
//
// Thread affinity: none; the builders are pure.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/config_fields.h"
#include "model/core/config_values.h"
#include "model/core/json.h"

namespace m6
{
namespace config_detail
{

// A descriptor plus the accessors that read and write its member of RunConfig.
struct FieldDef
{
  ConfigFieldInfo info;
  std::function<Json(const RunConfig&)> get;
  std::function<void(RunConfig&, const Json&)> set;
};

[[noreturn]] inline void badValue(const std::string& key, const std::string& why)
{
  throw std::invalid_argument(key + ": " + why);
}

inline std::string describe(const Json& v)
{
  std::string text = v.dump();
  return text.size() > 40 ? text.substr(0, 40) + "..." : text;
}

// What every descriptor says about itself; the builders below add the range and accessors.
inline FieldDef describedField(const char* key, const char* group, const char* label,
                               ConfigFieldType type, const char* tooltip)
{
  FieldDef f;
  f.info.key = key;
  f.info.group = group;
  f.info.label = label;
  f.info.type = type;
  f.info.tooltip = tooltip;
  return f;
}

// The accessors are built from pointers to members, so the table names each member once.
template <class Part>
using PartPtr = Part RunConfig::*;

template <class Part>
FieldDef intField(const char* key, const char* group, const char* label, PartPtr<Part> part,
                  int Part::*member, double lo, double hi, const char* tooltip)
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::Int, tooltip);
  f.info.minValue = lo;
  f.info.maxValue = hi;
  f.get = [part, member](const RunConfig& c) { return Json((c.*part).*member); };
  std::string k = key;
  f.set = [part, member, k](RunConfig& c, const Json& v)
  {
    if (!v.isNumber())
    {
      badValue(k, "expected an integer, got " + describe(v));
    }
    double d = v.asDouble();
    if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 2147483647.0)
    {
      badValue(k, "expected an integer, got " + describe(v));
    }
    (c.*part).*member = static_cast<int>(d);
  };
  return f;
}

inline FieldDef int64Field(const char* key, const char* group, const char* label,
                           int64_t TrainConfig::*member, double lo, double hi, const char* tooltip)
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::Int, tooltip);
  f.info.minValue = lo;
  f.info.maxValue = hi;
  f.get = [member](const RunConfig& c) { return Json(c.train.*member); };
  std::string k = key;
  f.set = [member, k](RunConfig& c, const Json& v)
  {
    if (!v.isInt() && !(v.isNumber() && std::floor(v.asDouble()) == v.asDouble() &&
                        std::fabs(v.asDouble()) < 9e15))
    {
      badValue(k, "expected an integer, got " + describe(v));
    }
    c.train.*member = v.asInt();
  };
  return f;
}

template <class Part>
FieldDef doubleField(const char* key, const char* group, const char* label, PartPtr<Part> part,
                     double Part::*member, double lo, double hi, bool loExclusive,
                     const char* tooltip)
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::Double, tooltip);
  f.info.minValue = lo;
  f.info.maxValue = hi;
  f.info.minExclusive = loExclusive;
  f.get = [part, member](const RunConfig& c) { return Json((c.*part).*member); };
  std::string k = key;
  f.set = [part, member, k](RunConfig& c, const Json& v)
  {
    if (!v.isNumber() || !std::isfinite(v.asDouble()))
    {
      badValue(k, "expected a finite number, got " + describe(v));
    }
    (c.*part).*member = v.asDouble();
  };
  return f;
}

template <class Part>
FieldDef boolField(const char* key, const char* group, const char* label, PartPtr<Part> part,
                   bool Part::*member, const char* tooltip)
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::Bool, tooltip);
  f.info.minValue = 0;
  f.info.maxValue = 1;
  f.get = [part, member](const RunConfig& c) { return Json((c.*part).*member); };
  std::string k = key;
  f.set = [part, member, k](RunConfig& c, const Json& v)
  {
    if (!v.isBool())
    {
      badValue(k, "expected true or false, got " + describe(v));
    }
    (c.*part).*member = v.asBool();
  };
  return f;
}

// The choices of an enumerated knob, "a, b, c", for messages.
inline std::string choiceList(const std::vector<std::string>& choices)
{
  std::string list;
  for (const auto& ch : choices)
  {
    list += (list.empty() ? "" : ", ") + ch;
  }
  return list;
}

// A knob that holds one of the enum's values (`allowed`; empty: all of them), read and written
// as their words.
template <class Part, class E>
FieldDef enumField(const char* key, const char* group, const char* label, PartPtr<Part> part,
                   E Part::*member, const char* tooltip, std::vector<E> allowed = {})
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::Enum, tooltip);
  if (allowed.empty())
  {
    for (const auto& w : enumWords(E{}))
    {
      allowed.push_back(w.value);
    }
  }
  for (E value : allowed)
  {
    f.info.choices.push_back(wordOf(value));
  }
  f.get = [part, member](const RunConfig& c) { return Json(wordOf((c.*part).*member)); };
  std::string k = key;
  f.set = [part, member, k, allowed, choices = f.info.choices](RunConfig& c, const Json& v)
  {
    if (!v.isString())
    {
      badValue(k, "expected one of " + choiceList(choices) + ", got " + describe(v));
    }
    const std::optional<E> value = enumFromWord<E>(v.asString());
    if (!value || std::find(allowed.begin(), allowed.end(), *value) == allowed.end())
    {
      badValue(k, "'" + v.asString() + "' is not one of " + choiceList(choices));
    }
    (c.*part).*member = *value;
  };
  return f;
}

// A knob that holds one of a list of words (the early-stopping metric: metric names stay words).
template <class Part>
FieldDef wordField(const char* key, const char* group, const char* label, PartPtr<Part> part,
                   std::string Part::*member, const std::vector<std::string>& choices,
                   const char* tooltip)
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::Enum, tooltip);
  f.info.choices = choices;
  f.get = [part, member](const RunConfig& c) { return Json((c.*part).*member); };
  std::string k = key;
  f.set = [part, member, k, choices](RunConfig& c, const Json& v)
  {
    if (!v.isString())
    {
      badValue(k, "expected one of " + choiceList(choices) + ", got " + describe(v));
    }
    if (std::find(choices.begin(), choices.end(), v.asString()) == choices.end())
    {
      badValue(k, "'" + v.asString() + "' is not one of " + choiceList(choices));
    }
    (c.*part).*member = v.asString();
  };
  return f;
}

inline FieldDef listField(const char* key, const char* group, const char* label,
                          std::vector<std::string> ModelConfig::*member, const char* tooltip)
{
  FieldDef f = describedField(key, group, label, ConfigFieldType::StringList, tooltip);
  f.get = [member](const RunConfig& c)
  {
    Json a = Json::array();
    for (const auto& s : c.model.*member)
    {
      a.push_back(s);
    }
    return a;
  };
  std::string k = key;
  f.set = [member, k](RunConfig& c, const Json& v)
  {
    if (!v.isArray())
    {
      badValue(k, "expected a list of field names, got " + describe(v));
    }
    std::vector<std::string> out;
    for (const auto& e : v.asArray())
    {
      if (!e.isString())
      {
        badValue(k, "expected a list of field names, got an element " + describe(e));
      }
      out.push_back(e.asString());
    }
    c.model.*member = out;
  };
  return f;
}

inline FieldDef& appliesWhen(FieldDef& f, const char* condition)
{
  f.info.appliesWhen = condition;
  return f;
}

}  // namespace config_detail
}  // namespace m6
