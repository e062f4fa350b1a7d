#include "model/core/search_space.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "model/core/config_fields.h"
#include "model/core/rng.h"

namespace m6
{

namespace
{

[[noreturn]] void refuse(const std::string& key, const std::string& why)
{
  throw std::invalid_argument("search space: " + key + ": " + why);
}

// The knob's own type and bounds, checked on a default config (setValue converts and checks the
// type and enum choices; the bounds are the descriptor's).
void checkValue(const ConfigFieldInfo& info, const Json& value)
{
  RunConfig probe;
  try
  {
    setValue(probe, info.key, value);
  }
  catch (const std::exception& e)
  {
    refuse(info.key, e.what());
  }
  if ((info.type == ConfigFieldType::Int || info.type == ConfigFieldType::Double) &&
      info.maxValue > info.minValue)
  {
    const double v = value.asDouble();
    const bool below = info.minExclusive ? v <= info.minValue : v < info.minValue;
    if (below || v > info.maxValue)
    {
      refuse(info.key, value.dump() + " is outside the knob's range (" + info.tooltip + ")");
    }
  }
}

// A value of the range as JSON: an integer knob gets an integer.
Json rangeValue(const SearchDimension& d, double x)
{
  x = std::clamp(x, d.min, d.max);
  if (d.integer)
  {
    return Json(static_cast<int64_t>(std::llround(x)));
  }
  return Json(x);
}

// The grid points of one dimension.
std::vector<Json> gridPoints(const SearchDimension& d)
{
  if (!d.isRange())
  {
    return d.choices;
  }
  std::vector<Json> out;
  if (d.steps == 0)
  {
    if (!d.integer)
    {
      refuse(d.key, "a real range needs \"steps\" for a grid search (or use the random strategy)");
    }
    for (int64_t v = static_cast<int64_t>(std::ceil(d.min)); v <= static_cast<int64_t>(d.max); ++v)
    {
      out.emplace_back(static_cast<long long>(v));
    }
    return out;
  }
  for (int i = 0; i < d.steps; ++i)
  {
    const double t = d.steps == 1 ? 0.0 : static_cast<double>(i) / (d.steps - 1);
    const double x = d.log ? std::exp(std::log(d.min) + t * (std::log(d.max) - std::log(d.min)))
                           : d.min + t * (d.max - d.min);
    Json v = rangeValue(d, x);
    if (std::find(out.begin(), out.end(), v) == out.end())
    {
      out.push_back(v);  // integer rounding can make two points one
    }
  }
  return out;
}

// A uniform double in [0, 1) from 53 random bits: the same on every standard library, where
// std::uniform_real_distribution is implementation-defined.
double unit(std::mt19937_64& g)
{
  return static_cast<double>(g() >> 11) * 0x1.0p-53;
}

}  // namespace

bool searchableKey(const std::string& key)
{
  static const char* const kMeasured[] = {"model.task",
                                          "train.eval_k",
                                          "train.sampled_eval",
                                          "train.valid_users",
                                          "train.early_stop_metric",
                                          "train.train_fraction",
                                          "train.cold_item_share",
                                          "train.split",
                                          "train.valid_ratio",
                                          "train.test_ratio"};
  for (const char* measured : kMeasured)
  {
    if (key == measured)
    {
      return false;
    }
  }
  return true;
}

SearchSpace SearchSpace::fromJson(const Json& json)
{
  if (!json.isObject() || json.size() == 0)
  {
    throw std::invalid_argument(
        "search space: expected an object mapping configuration keys to a list of choices or "
        "to {\"min\", \"max\", \"log\"}");
  }
  SearchSpace space;
  for (const auto& [rawKey, spec] : json.asObject())
  {
    std::string error;
    const ConfigFieldInfo* info = findConfigField(rawKey, &error);
    if (!info)
    {
      refuse(rawKey, error);
    }
    if (!searchableKey(info->key))
    {
      refuse(info->key,
             "it changes what is measured (task, metric, split or evaluation), so the trials "
             "could not be compared; fix it for every trial with --set instead");
    }
    for (const auto& d : space.dimensions)
    {
      if (d.key == info->key)
      {
        refuse(info->key, "given twice");
      }
    }
    SearchDimension d;
    d.key = info->key;
    if (spec.isArray())
    {
      if (spec.size() == 0)
      {
        refuse(d.key, "the list of choices is empty");
      }
      for (const auto& v : spec.asArray())
      {
        checkValue(*info, v);
        if (std::find(d.choices.begin(), d.choices.end(), v) != d.choices.end())
        {
          refuse(d.key, v.dump() + " is listed twice");
        }
        d.choices.push_back(v);
      }
    }
    else if (spec.isObject())
    {
      if (info->type != ConfigFieldType::Int && info->type != ConfigFieldType::Double)
      {
        refuse(d.key, std::string("a range needs a numeric knob; this one is ") +
                          configFieldTypeName(info->type) + " (give a list of choices)");
      }
      for (const auto& [name, v] : spec.asObject())
      {
        if (name != "min" && name != "max" && name != "log" && name != "steps")
        {
          refuse(d.key, "unknown range entry \"" + name + "\" (min, max, log, steps)");
        }
        if ((name == "log" && !v.isBool()) || (name != "log" && !v.isNumber()))
        {
          refuse(d.key,
                 "\"" + name + "\" must be " + (name == "log" ? "true or false" : "a number"));
        }
      }
      const Json* lo = spec.find("min");
      const Json* hi = spec.find("max");
      if (!lo || !hi)
      {
        refuse(d.key, "a range needs both \"min\" and \"max\"");
      }
      d.min = lo->asDouble();
      d.max = hi->asDouble();
      d.log = spec.value("log", false);
      d.integer = info->type == ConfigFieldType::Int;
      const double steps = spec.value("steps", 0.0);
      if (steps < 0 || steps > 1000 || steps != std::floor(steps))
      {
        refuse(d.key, "\"steps\" must be a whole number from 1 to 1000");
      }
      d.steps = static_cast<int>(steps);
      if (!(d.min <= d.max))
      {
        refuse(d.key, "min is greater than max");
      }
      if (d.log && d.min <= 0)
      {
        refuse(d.key, "a log range needs min > 0");
      }
      if (d.integer && (d.min != std::floor(d.min) || d.max != std::floor(d.max)))
      {
        refuse(d.key, "an integer knob needs whole-number ends");
      }
      checkValue(*info, rangeValue(d, d.min));
      checkValue(*info, rangeValue(d, d.max));
    }
    else
    {
      refuse(d.key,
             "expected a list of choices or {\"min\", \"max\", \"log\"}, got " + spec.dump());
    }
    space.dimensions.push_back(std::move(d));
  }
  return space;
}

Json SearchSpace::toJson() const
{
  Json out = Json::object();
  for (const auto& d : dimensions)
  {
    if (!d.isRange())
    {
      Json list = Json::array();
      for (const auto& c : d.choices)
      {
        list.push_back(c);
      }
      out[d.key] = list;
      continue;
    }
    Json r = Json::object();
    r["min"] = d.integer ? Json(static_cast<int64_t>(d.min)) : Json(d.min);
    r["max"] = d.integer ? Json(static_cast<int64_t>(d.max)) : Json(d.max);
    r["log"] = d.log;
    if (d.steps > 0)
    {
      r["steps"] = d.steps;
    }
    out[d.key] = r;
  }
  return out;
}

int64_t SearchSpace::gridSize() const
{
  int64_t n = 1;
  for (const auto& d : dimensions)
  {
    int64_t points = 0;
    if (!d.isRange())
    {
      points = static_cast<int64_t>(d.choices.size());
    }
    else if (d.steps > 0)
    {
      points = d.steps;
    }
    else if (d.integer)
    {
      points = static_cast<int64_t>(d.max - d.min) + 1;
    }
    if (points == 0)
    {
      return 0;
    }
    n = n > INT64_MAX / points ? INT64_MAX : n * points;
  }
  return n;
}

const char* searchStrategyName(SearchStrategy s)
{
  switch (s)
  {
    case SearchStrategy::Grid:
      return "grid";
    case SearchStrategy::Random:
      return "random";
    case SearchStrategy::Halving:
      return "halving";
  }
  return "random";
}

SearchStrategy searchStrategyFromName(const std::string& name)
{
  for (auto s : {SearchStrategy::Grid, SearchStrategy::Random, SearchStrategy::Halving})
  {
    if (name == searchStrategyName(s))
    {
      return s;
    }
  }
  throw std::invalid_argument("unknown search strategy \"" + name + "\" (grid, random or halving)");
}

std::vector<TrialValues> gridTrials(const SearchSpace& space, int64_t limit)
{
  std::vector<std::vector<Json>> points;
  for (const auto& d : space.dimensions)
  {
    points.push_back(gridPoints(d));
  }
  std::vector<TrialValues> out;
  std::vector<size_t> at(points.size(), 0);
  while (static_cast<int64_t>(out.size()) < limit)
  {
    Json values = Json::object();
    for (size_t i = 0; i < points.size(); ++i)
    {
      values[space.dimensions[i].key] = points[i][at[i]];
    }
    TrialValues t = trialFromJson(values);
    out.push_back(std::move(t));
    // Odometer: the last key varies fastest.
    size_t i = points.size();
    while (i > 0)
    {
      --i;
      if (++at[i] < points[i].size())
      {
        break;
      }
      at[i] = 0;
      if (i == 0)
      {
        return out;
      }
    }
    if (points.empty())
    {
      return out;
    }
  }
  return out;
}

TrialValues randomTrial(const SearchSpace& space, uint64_t seed, int index)
{
  // One generator per trial, seeded by both numbers (the index-th SplitMix64 output from seed).
  std::mt19937_64 g(splitMix64(seed + 0x9E3779B97F4A7C15ull * static_cast<uint64_t>(index)));
  TrialValues t;
  for (const auto& d : space.dimensions)
  {
    if (!d.isRange())
    {
      const auto pick = static_cast<size_t>(unit(g) * static_cast<double>(d.choices.size()));
      t.emplace_back(d.key, d.choices[std::min(pick, d.choices.size() - 1)]);
      continue;
    }
    const double u = unit(g);
    double x = 0;
    if (d.log)
    {
      x = std::exp(std::log(d.min) + u * (std::log(d.max) - std::log(d.min)));
    }
    else if (d.integer)
    {
      // Every integer of [min, max] equally likely.
      x = std::floor(d.min + u * (d.max - d.min + 1));
    }
    else
    {
      x = d.min + u * (d.max - d.min);
    }
    t.emplace_back(d.key, rangeValue(d, x));
  }
  return t;
}

RunConfig applyTrial(const RunConfig& base, const TrialValues& values)
{
  RunConfig c = base;
  for (const auto& [key, value] : values)
  {
    setValue(c, key, value);
  }
  return c;
}

Json trialJson(const TrialValues& values)
{
  Json out = Json::object();
  for (const auto& [key, value] : values)
  {
    out[key] = value;
  }
  return out;
}

TrialValues trialFromJson(const Json& json)
{
  TrialValues t;
  if (json.isObject())
  {
    for (const auto& kv : json.asObject())
    {
      t.push_back(kv);
    }
  }
  return t;
}

std::string trialLabel(const TrialValues& values)
{
  std::string out;
  for (const auto& [key, value] : values)
  {
    std::string v;
    if (value.isString())
    {
      v = value.asString();
    }
    else if (value.type() == Json::Type::Double)
    {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", value.asDouble());
      v = buf;
    }
    else
    {
      v = value.dump();
    }
    out += (out.empty() ? "" : ", ") + key + "=" + v;
  }
  return out;
}

std::vector<int> HalvingRule::rungs(int epochs) const
{
  std::vector<int> out;
  const int step = std::max(2, eta);
  for (int64_t r = std::max(1, minEpochs); r < epochs; r *= step)
  {
    out.push_back(static_cast<int>(r));
  }
  return out;
}

bool HalvingRule::survives(const std::vector<double>& earlier, double value,
                           bool higherIsBetter) const
{
  const size_t n = earlier.size() + 1;
  const size_t keep = std::max<size_t>(1, n / static_cast<size_t>(std::max(2, eta)));
  size_t better = 0;  // earlier trials strictly better than this one
  for (double v : earlier)
  {
    if (higherIsBetter ? v > value : v < value)
    {
      ++better;
    }
  }
  // A NaN value (no validation figure) never survives against real figures.
  if (std::isnan(value))
  {
    return earlier.empty();
  }
  return better < keep;
}

}  // namespace m6
