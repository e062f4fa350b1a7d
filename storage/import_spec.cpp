// Over 500 lines: the mapping's JSON form in both directions, with an error naming the key for
// every malformed part.

#include "storage/import_spec.h"

#include <filesystem>
#include <string>
#include <vector>

namespace m6
{

namespace
{

Json columnToJson(const ColumnRef& c)
{
  if (c.index >= 0)
  {
    return Json(c.index);
  }
  if (!c.name.empty())
  {
    return Json(c.name);
  }
  return Json();
}

Result<ColumnRef> columnFromJson(const Json* j, const std::string& what)
{
  ColumnRef c;
  if (!j || j->isNull())
  {
    return c;
  }
  if (j->isInt())
  {
    if (j->asInt() < 0)
    {
      return makeError(what + ": a column index must not be negative");
    }
    // Larger than any file's width, and it would wrap round in an int (2^62 became column 0).
    if (j->asInt() > kMaxColumnIndex)
    {
      return makeError(what + ": column index " + std::to_string(j->asInt()) +
                       " is too large (at most " + std::to_string(kMaxColumnIndex) + ")");
    }
    c.index = static_cast<int>(j->asInt());
    return c;
  }
  if (j->isString())
  {
    c.name = j->asString();
    return c;
  }
  return makeError(what + ": a column is a header name or a 0-based index");
}

Json dialectToJson(const FileSpec& f)
{
  Json j = Json::object();
  j["file"] = f.path;
  if (f.dialect.layout == Layout::JsonLines)
  {
    j["layout"] = layoutName(f.dialect.layout);
    j["encoding"] = encodingName(f.dialect.encoding);
  }
  else
  {
    j["delimiter"] = f.dialect.delimiter;
    j["header"] = f.dialect.header;
    j["encoding"] = encodingName(f.dialect.encoding);
    j["quoting"] = f.dialect.quoting;
    j["quote"] = std::string(1, f.dialect.quote);
  }
  if (!f.dialect.missing.empty())
  {
    Json m = Json::array();
    for (const auto& v : f.dialect.missing)
    {
      m.push_back(v);
    }
    j["missing"] = m;
  }
  if (f.columns >= 0)
  {
    j["columns"] = f.columns;
  }
  return j;
}

Result<FileSpec> fileFromJson(const Json& j, const std::string& what, const std::string& baseDir)
{
  FileSpec f;
  try
  {
    std::string file = j.value("file", "");
    if (file.empty())
    {
      return makeError(what + ": \"file\" is missing");
    }
    std::filesystem::path p(file);
    if (p.is_relative() && !baseDir.empty())
    {
      p = std::filesystem::path(baseDir) / p;
    }
    f.path = p.string();
    f.dialect.delimiter = j.value("delimiter", ",");
    if (f.dialect.delimiter == "\\t" || f.dialect.delimiter == "tab")
    {
      f.dialect.delimiter = "\t";
    }
    if (f.dialect.delimiter.empty())
    {
      return makeError(what + ": \"delimiter\" must not be empty");
    }
    f.dialect.header = j.value("header", true);
    f.dialect.quoting = j.value("quoting", true);
    std::string q = j.value("quote", "\"");
    if (q.size() != 1)
    {
      return makeError(what + ": \"quote\" must be one character");
    }
    f.dialect.quote = q[0];
    std::string enc = j.value("encoding", "utf-8");
    if (!parseEncoding(enc, &f.dialect.encoding))
    {
      return makeError(what + ": unknown encoding \"" + enc + "\" (use utf-8, latin-1 or auto)");
    }
    f.columns = j.value("columns", -1);
    std::string layout = j.value("layout", "delimited");
    if (!parseLayout(layout, &f.dialect.layout))
    {
      return makeError(what + ": unknown layout \"" + layout + "\" (use delimited or json-lines)");
    }
    if (f.dialect.layout == Layout::JsonLines)
    {
      f.dialect.header = false;
      f.dialect.quoting = false;
    }
    if (const Json* m = j.find("missing"))
    {
      if (!m->isArray())
      {
        return makeError(what + ": \"missing\" must be a list of values such as [\"?\", \"NA\"]");
      }
      for (const auto& v : m->asArray())
      {
        if (!v.isString())
        {
          return makeError(what + ": \"missing\" holds a value that is not a string");
        }
        if (!v.asString().empty())
        {
          f.dialect.missing.push_back(v.asString());
        }
      }
    }
  }
  catch (const std::exception& e)
  {
    return makeError(what + ": " + e.what());
  }
  return f;
}

Json fieldsToJson(const std::vector<FieldSpec>& fields)
{
  Json a = Json::array();
  for (const auto& f : fields)
  {
    Json j = Json::object();
    if (!f.flagColumns.empty())
    {
      Json cols = Json::array();
      for (const auto& c : f.flagColumns)
      {
        cols.push_back(columnToJson(c));
      }
      Json names = Json::array();
      for (const auto& n : f.flagNames)
      {
        names.push_back(n);
      }
      j["flag_columns"] = cols;
      j["flag_names"] = names;
    }
    else
    {
      j["column"] = columnToJson(f.column);
    }
    j["name"] = f.name;
    j["kind"] = fieldKindName(f.kind);
    if (f.kind == FieldKind::Multi && f.flagColumns.empty())
    {
      j["separator"] = f.separator;
    }
    if (f.kind == FieldKind::Timestamp)
    {
      j["format"] = timeFormatName(f.timeFormat);
    }
    a.push_back(j);
  }
  return a;
}

Result<std::vector<FieldSpec>> fieldsFromJson(const Json* j, const std::string& what)
{
  std::vector<FieldSpec> out;
  if (!j || j->isNull())
  {
    return out;
  }
  if (!j->isArray())
  {
    return makeError(what + ": \"fields\" must be an array");
  }
  try
  {
    for (const auto& fj : j->asArray())
    {
      FieldSpec f;
      std::string where = what + " field " + std::to_string(out.size() + 1);
      auto col = columnFromJson(fj.find("column"), where);
      if (!col)
      {
        return errorOf(col);
      }
      f.column = *col;
      if (const Json* flags = fj.find("flag_columns"))
      {
        for (const auto& c : flags->asArray())
        {
          auto fc = columnFromJson(&c, where);
          if (!fc)
          {
            return errorOf(fc);
          }
          f.flagColumns.push_back(*fc);
        }
        if (const Json* names = fj.find("flag_names"))
        {
          for (const auto& n : names->asArray())
          {
            f.flagNames.push_back(n.asString());
          }
        }
        if (f.flagNames.size() != f.flagColumns.size())
        {
          return makeError(where + ": flag_names must name every flag column");
        }
      }
      else if (!f.column.isSet())
      {
        return makeError(where + ": \"column\" is missing");
      }
      f.name = fj.value("name", f.column.name);
      if (f.name.empty())
      {
        return makeError(where + ": \"name\" is needed when the column is given by index");
      }
      std::string kind = fj.value("kind", "categorical");
      if (!parseFieldKind(kind, &f.kind))
      {
        return makeError(where + ": unknown kind \"" + kind +
                         "\" (use categorical, multi, numeric, text or timestamp)");
      }
      f.separator = fj.value("separator", "|");
      if (f.separator.empty())
      {
        return makeError(where + ": \"separator\" must not be empty");
      }
      std::string tf = fj.value("format", "auto");
      if (!parseTimeFormat(tf, &f.timeFormat))
      {
        return makeError(where + ": unknown time format \"" + tf + "\"");
      }
      out.push_back(f);
    }
  }
  catch (const std::exception& e)
  {
    return makeError(what + ": " + e.what());
  }
  return out;
}

Result<EntitySpec> entityFromJson(const Json* j, const std::string& what, const std::string& base)
{
  EntitySpec e;
  if (!j || j->isNull())
  {
    return e;
  }
  if (!j->isObject())
  {
    return makeError("\"" + what + "\" must be an object");
  }
  auto file = fileFromJson(*j, what, base);
  if (!file)
  {
    return errorOf(file);
  }
  e.present = true;
  e.file = *file;
  auto id = columnFromJson(j->find("id"), what);
  if (!id)
  {
    return errorOf(id);
  }
  if (!id->isSet())
  {
    return makeError(what + ": \"id\" (the column to join on) is missing");
  }
  e.id = *id;
  auto title = columnFromJson(j->find("title"), what);
  if (!title)
  {
    return errorOf(title);
  }
  e.title = *title;
  auto fields = fieldsFromJson(j->find("fields"), what);
  if (!fields)
  {
    return errorOf(fields);
  }
  e.fields = *fields;
  if (const Json* d = j->find("describes_only"); d && !d->isNull())
  {
    if (!d->isBool() || what != "items")
    {
      return makeError(what + ": \"describes_only\" must be true or false, and only for items");
    }
    e.describesOnly = d->asBool();
  }
  return e;
}

Json entityToJson(const EntitySpec& e)
{
  Json j = dialectToJson(e.file);
  j["id"] = columnToJson(e.id);
  if (e.title.isSet())
  {
    j["title"] = columnToJson(e.title);
  }
  if (e.describesOnly)
  {
    j["describes_only"] = true;
  }
  j["fields"] = fieldsToJson(e.fields);
  return j;
}

}  // namespace

std::string ColumnRef::describe() const
{
  if (index >= 0)
  {
    return name.empty() ? "column " + std::to_string(index + 1)
                        : "column \"" + name + "\" (" + std::to_string(index + 1) + ")";
  }
  return "column \"" + name + "\"";
}

namespace
{

Result<ImportSpec> specFromJson(const Json& j, const std::string& baseDir);

}  // namespace

Result<ImportSpec> importSpecFromJson(const Json& j, const std::string& baseDir)
{
  // A value of the wrong type where the checks below assume one ("format": {...}) throws from
  // Json's accessors; storage answers with a Result, never an exception (found by fuzz_mapping).
  try
  {
    return specFromJson(j, baseDir);
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("the mapping is malformed: ") + e.what());
  }
}

namespace
{

Result<ImportSpec> specFromJson(const Json& j, const std::string& baseDir)
{
  if (!j.isObject())
  {
    return makeError("the mapping must be a JSON object");
  }
  for (const auto& kv : j.asObject())
  {
    if (kv.first != "interactions" && kv.first != "users" && kv.first != "items" &&
        kv.first != "format" && kv.first != "item_values")
    {
      return makeError("unknown mapping key \"" + kv.first +
                       "\" (expected interactions, users, items, item_values)");
    }
  }
  const Json* inter = j.find("interactions");
  if (!inter || !inter->isObject())
  {
    return makeError("the mapping needs an \"interactions\" object");
  }
  ImportSpec spec;
  spec.format = j.value("format", "csv");
  auto file = fileFromJson(*inter, "interactions", baseDir);
  if (!file)
  {
    return errorOf(file);
  }
  spec.interactions.file = *file;
  spec.source = file->path;
  if (!j.contains("format") && file->dialect.layout == Layout::JsonLines)
  {
    spec.format = "json-lines";
  }
  struct Role
  {
    const char* key;
    ColumnRef* ref;
    bool required;
  } roles[] = {{"user", &spec.interactions.user, true},
               {"item", &spec.interactions.item, true},
               {"rating", &spec.interactions.rating, false},
               {"timestamp", &spec.interactions.timestamp, false}};
  for (auto& r : roles)
  {
    auto c = columnFromJson(inter->find(r.key), std::string("interactions.") + r.key);
    if (!c)
    {
      return errorOf(c);
    }
    if (r.required && !c->isSet())
    {
      return makeError(std::string("interactions: the \"") + r.key + "\" column is missing");
    }
    *r.ref = *c;
  }
  try
  {
    std::string tf = inter->value("timestamp_format", "auto");
    if (!parseTimeFormat(tf, &spec.interactions.timeFormat))
    {
      return makeError("interactions: unknown timestamp_format \"" + tf +
                       "\" (use auto, unix, iso8601 or dd-mon-yyyy)");
    }
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("interactions: ") + e.what());
  }
  auto fields = fieldsFromJson(inter->find("fields"), "interactions");
  if (!fields)
  {
    return errorOf(fields);
  }
  spec.interactions.fields = *fields;
  auto users = entityFromJson(j.find("users"), "users", baseDir);
  if (!users)
  {
    return errorOf(users);
  }
  spec.users = *users;
  auto items = entityFromJson(j.find("items"), "items", baseDir);
  if (!items)
  {
    return errorOf(items);
  }
  spec.items = *items;
  if (const Json* iv = j.find("item_values"))
  {
    if (!iv->isArray())
    {
      return makeError("\"item_values\" must be an array");
    }
    for (const auto& v : iv->asArray())
    {
      ItemValuesSpec s;
      auto f = fileFromJson(v, "item_values", baseDir);
      if (!f)
      {
        return errorOf(f);
      }
      s.file = *f;
      auto item = columnFromJson(v.find("item"), "item_values.item");
      auto value = columnFromJson(v.find("value"), "item_values.value");
      if (!item || !value || !item->isSet() || !value->isSet())
      {
        return makeError("item_values: \"item\" and \"value\" columns are required");
      }
      s.item = *item;
      s.value = *value;
      s.fieldName = v.value("name", "tags");
      spec.itemValues.push_back(s);
    }
  }
  return spec;
}

}  // namespace

Json importSpecToJson(const ImportSpec& spec)
{
  Json j = Json::object();
  j["format"] = spec.format;
  Json inter = dialectToJson(spec.interactions.file);
  inter["user"] = columnToJson(spec.interactions.user);
  inter["item"] = columnToJson(spec.interactions.item);
  if (spec.interactions.rating.isSet())
  {
    inter["rating"] = columnToJson(spec.interactions.rating);
  }
  if (spec.interactions.timestamp.isSet())
  {
    inter["timestamp"] = columnToJson(spec.interactions.timestamp);
    inter["timestamp_format"] = timeFormatName(spec.interactions.timeFormat);
  }
  inter["fields"] = fieldsToJson(spec.interactions.fields);
  j["interactions"] = inter;
  if (spec.users.present)
  {
    j["users"] = entityToJson(spec.users);
  }
  if (spec.items.present)
  {
    j["items"] = entityToJson(spec.items);
  }
  if (!spec.itemValues.empty())
  {
    Json a = Json::array();
    for (const auto& v : spec.itemValues)
    {
      Json x = dialectToJson(v.file);
      x["item"] = columnToJson(v.item);
      x["value"] = columnToJson(v.value);
      x["name"] = v.fieldName;
      a.push_back(x);
    }
    j["item_values"] = a;
  }
  return j;
}

}  // namespace m6
