#include "model/adapt_report.h"

#include <stdexcept>

namespace m6
{

namespace
{

bool boolOf(const Json& j, const char* key, bool fallback)
{
  const Json* v = j.find(key);
  if (!v)
  {
    return fallback;
  }
  if (!v->isBool())
  {
    throw std::invalid_argument(std::string("adapt options: ") + key + " must be true or false");
  }
  return v->asBool();
}

Json stringArray(const std::vector<std::string>& v)
{
  Json a = Json::array();
  for (const auto& s : v)
  {
    a.push_back(s);
  }
  return a;
}

std::vector<std::string> stringsOf(const Json* j)
{
  std::vector<std::string> out;
  if (j && j->isArray())
  {
    for (const auto& e : j->asArray())
    {
      out.push_back(e.isString() ? e.asString() : e.dump());
    }
  }
  return out;
}

}  // namespace

Json AdaptOptions::toJson() const
{
  Json j = Json::object();
  j["freeze_encoders"] = freezeEncoders;
  j["freeze_history"] = freezeHistory;
  j["freeze_attention"] = freezeAttention;
  j["parameter_efficient"] = parameterEfficient;
  j["carried_lr"] = carriedLr;
  j["new_head"] = newHead;
  j["zero_shot"] = zeroShot;
  return j;
}

AdaptOptions AdaptOptions::fromJson(const Json& j)
{
  if (!j.isObject())
  {
    throw std::invalid_argument("adapt options: expected a JSON object");
  }
  AdaptOptions o;
  o.freezeEncoders = boolOf(j, "freeze_encoders", o.freezeEncoders);
  o.freezeHistory = boolOf(j, "freeze_history", o.freezeHistory);
  o.freezeAttention = boolOf(j, "freeze_attention", o.freezeAttention);
  o.parameterEfficient = boolOf(j, "parameter_efficient", o.parameterEfficient);
  o.newHead = boolOf(j, "new_head", o.newHead);
  o.zeroShot = boolOf(j, "zero_shot", o.zeroShot);
  if (const Json* lr = j.find("carried_lr"))
  {
    if (!lr->isNumber() || !(lr->asDouble() >= 0))
    {
      throw std::invalid_argument("adapt options: carried_lr must be a number >= 0");
    }
    o.carriedLr = lr->asDouble();
  }
  return o;
}

bool AdaptOptions::operator==(const AdaptOptions& o) const
{
  return freezeEncoders == o.freezeEncoders && freezeHistory == o.freezeHistory &&
         freezeAttention == o.freezeAttention && parameterEfficient == o.parameterEfficient &&
         carriedLr == o.carriedLr && newHead == o.newHead && zeroShot == o.zeroShot;
}

std::vector<std::string> AdaptReport::names(const std::string& what) const
{
  std::vector<std::string> out;
  for (const auto& p : parameters)
  {
    if (what == "frozen" ? p.frozen : p.status == what)
    {
      out.push_back(p.name);
    }
  }
  return out;
}

Json AdaptReport::toJson() const
{
  Json j = Json::object();
  j["parent_checkpoint"] = parentCheckpoint;
  Json params = Json::array();
  for (const auto& p : parameters)
  {
    Json o = Json::object();
    o["name"] = p.name;
    Json shape = Json::array();
    for (int64_t s : p.shape)
    {
      shape.push_back(s);
    }
    o["shape"] = shape;
    o["count"] = p.count;
    o["status"] = p.status;
    o["rows"] = p.rows;
    o["rows_matched"] = p.rowsMatched;
    o["frozen"] = p.frozen;
    o["trainable"] = p.trainable;
    o["reason"] = p.reason;
    params.push_back(o);
  }
  j["parameters"] = params;
  j["carried"] = stringArray(names("carried"));
  j["carried_partly"] = stringArray(names("carried-partly"));
  j["reinitialised"] = stringArray(names("re-initialised"));
  j["added"] = stringArray(names("added"));
  j["frozen"] = stringArray(names("frozen"));
  j["total_parameters"] = totalParameters;
  j["trainable_parameters"] = trainableParameters;
  j["trainable_share"] = trainableShare;
  j["notes"] = stringArray(notes);
  return j;
}

AdaptReport AdaptReport::fromJson(const Json& j)
{
  if (!j.isObject() || !j.contains("parameters"))
  {
    throw std::invalid_argument("adaptation report: expected an object with \"parameters\"");
  }
  AdaptReport r;
  r.parentCheckpoint = j.value("parent_checkpoint", "");
  for (const auto& o : j.at("parameters").asArray())
  {
    AdaptParameter p;
    p.name = o.value("name", "");
    if (const Json* shape = o.find("shape"))
    {
      for (const auto& s : shape->asArray())
      {
        p.shape.push_back(s.asInt());
      }
    }
    p.count = o.value("count", int64_t(0));
    p.status = o.value("status", "");
    p.rows = o.value("rows", int64_t(0));
    p.rowsMatched = o.value("rows_matched", int64_t(0));
    p.frozen = o.value("frozen", false);
    p.trainable = o.value("trainable", true);
    p.reason = o.value("reason", "");
    r.parameters.push_back(p);
  }
  r.totalParameters = j.value("total_parameters", int64_t(0));
  r.trainableParameters = j.value("trainable_parameters", int64_t(0));
  r.trainableShare = j.value("trainable_share", 0.0);
  r.notes = stringsOf(j.find("notes"));
  return r;
}

Json ZeroShotResult::toJson() const
{
  Json j = Json::object();
  j["available"] = available;
  j["note"] = note;
  j["valid"] = valid.toJson();
  j["test"] = test.toJson();
  return j;
}

ZeroShotResult ZeroShotResult::fromJson(const Json& j)
{
  ZeroShotResult z;
  z.available = j.value("available", false);
  z.note = j.value("note", "");
  if (const Json* v = j.find("valid"))
  {
    z.valid = MetricSet::fromJson(*v);
  }
  if (const Json* t = j.find("test"))
  {
    z.test = MetricSet::fromJson(*t);
  }
  return z;
}

RunConfig adaptedConfig(const RunConfig& parentConfig, const AdaptOptions& options)
{
  RunConfig c = parentConfig;
  if (options.parameterEfficient && c.model.adapterWidth <= 0)
  {
    c.model.adapterWidth = kDefaultAdapterWidth;
  }
  return c;
}

}  // namespace m6
