#include "storage/json_lines.h"

#include <nlohmann/json.hpp>

#include "model/core/json.h"

namespace m6
{

namespace
{

// Keys keep the file's order (previews show columns as the file has them), and a small object
// is cheaper as a vector of pairs than as a std::map.
using JsonValue = nlohmann::ordered_json;

std::string quotedKey(const std::string& k)
{
  return "key \"" + k + "\"";
}

/// The text of a plain value; false for objects and lists.
bool scalarText(const JsonValue& v, std::string* out)
{
  switch (v.type())
  {
    case JsonValue::value_t::string:
      *out = v.get_ref<const std::string&>();
      return true;
    case JsonValue::value_t::number_integer:
      *out = std::to_string(v.get<int64_t>());
      return true;
    case JsonValue::value_t::number_unsigned:
      *out = std::to_string(v.get<uint64_t>());
      return true;
    case JsonValue::value_t::number_float:
    case JsonValue::value_t::boolean:
      *out = v.dump();
      return true;
    case JsonValue::value_t::null:
      out->clear();
      return true;
    default:
      return false;
  }
}

const JsonValue* findPath(const JsonValue& obj, const std::string& path)
{
  if (auto it = obj.find(path); it != obj.end())
  {
    return &*it;
  }
  const JsonValue* cur = &obj;
  size_t start = 0;
  while (start <= path.size())
  {
    const size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object())
    {
      return nullptr;
    }
    auto it = cur->find(part);
    if (it == cur->end())
    {
      return nullptr;
    }
    cur = &*it;
    if (dot == std::string::npos)
    {
      return cur;
    }
    start = dot + 1;
  }
  return nullptr;
}

bool parseObject(std::string_view line, JsonValue* out, std::string* error)
{
  try
  {
    *out = JsonValue::parse(line.begin(), line.end());
  }
  catch (const JsonValue::parse_error& e)
  {
    // The file's line is the caller's to name; the column within it is this record's.
    *error = "not valid JSON at column " + std::to_string(e.byte) + ": " + jsonLibraryMessage(e);
    return false;
  }
  catch (const std::exception& e)
  {
    *error = "not valid JSON: " + jsonLibraryMessage(e);
    return false;
  }
  if (!out->is_object())
  {
    *error = "not a JSON object (each line must be one {...} object)";
    return false;
  }
  return true;
}

void flattenInto(const JsonValue& obj, const std::string& prefix,
                 std::vector<std::pair<std::string, std::string>>* out)
{
  for (auto it = obj.begin(); it != obj.end(); ++it)
  {
    const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
    const JsonValue& v = it.value();
    if (v.is_object())
    {
      flattenInto(v, key, out);
      continue;
    }
    std::string text;
    if (v.is_array())
    {
      for (const auto& e : v)
      {
        std::string part;
        if (!scalarText(e, &part))
        {
          part = e.dump();
        }
        text += (text.empty() ? "" : "|") + part;
      }
    }
    else
    {
      scalarText(v, &text);
    }
    out->emplace_back(key, std::move(text));
  }
}

}  // namespace

bool looksLikeJsonObject(std::string_view line)
{
  if (line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF")
  {
    line.remove_prefix(3);
  }
  const auto first = line.find_first_not_of(" \t\r");
  return first != std::string_view::npos && line[first] == '{';
}

std::string extractJsonFields(std::string_view line, const std::vector<JsonKey>& keys,
                              std::vector<std::string>* values, std::vector<bool>* present)
{
  values->resize(keys.size());
  present->assign(keys.size(), false);
  JsonValue obj;
  std::string error;
  if (!parseObject(line, &obj, &error))
  {
    return error;
  }
  for (size_t k = 0; k < keys.size(); ++k)
  {
    std::string& out = (*values)[k];
    out.clear();
    const JsonValue* v = findPath(obj, keys[k].path);
    if (!v || v->is_null())
    {
      continue;
    }
    if (v->is_object())
    {
      return quotedKey(keys[k].path) + " holds an object, not a value (name one of its keys as " +
             keys[k].path + ".KEY)";
    }
    if (v->is_array())
    {
      for (const auto& e : *v)
      {
        std::string part;
        if (!scalarText(e, &part))
        {
          return quotedKey(keys[k].path) + " holds a list of lists or objects, not of values";
        }
        if (!part.empty())
        {
          out += (out.empty() ? "" : keys[k].separator) + part;
        }
      }
    }
    else
    {
      scalarText(*v, &out);
    }
    (*present)[k] = true;
  }
  return "";
}

std::string flattenJsonLine(std::string_view line,
                            std::vector<std::pair<std::string, std::string>>* out)
{
  out->clear();
  JsonValue obj;
  std::string error;
  if (!parseObject(line, &obj, &error))
  {
    return error;
  }
  flattenInto(obj, "", out);
  return "";
}

}  // namespace m6
