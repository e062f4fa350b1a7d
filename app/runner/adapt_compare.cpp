#include "app/runner/adapt_compare.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>

#include "app/runner/run_config.h"
#include "model/core/clock.h"

namespace m6
{

std::string fractionLabel(double fraction)
{
  char buf[32];
  const double pct = fraction * 100.0;
  std::snprintf(buf, sizeof buf, std::fabs(pct - std::round(pct)) < 1e-9 ? "%.0f%%" : "%.1f%%",
                pct);
  return buf;
}

Json AdaptComparison::toJson() const
{
  Json j = Json::object();
  j["parent"] = parentRun;
  j["dataset"] = dataset;
  j["protocol"] = protocol;
  j["zero_shot_note"] = zeroShotNote;
  Json arr = Json::array();
  for (const auto& a : arms)
  {
    Json x = Json::object();
    x["arm"] = a.arm;
    x["fraction"] = a.fraction;
    x["run"] = a.runId;
    x["status"] = a.status;
    x["valid"] = a.valid.valuesJson();
    x["test"] = a.test.valuesJson();
    x["train_examples"] = a.trainExamples;
    x["seconds"] = a.seconds;
    arr.push_back(x);
  }
  j["arms"] = arr;
  return j;
}

const CompareArm* AdaptComparison::find(const std::string& arm, double fraction) const
{
  for (const auto& a : arms)
  {
    if (a.arm == arm && (arm == "zero-shot" || std::fabs(a.fraction - fraction) < 1e-9))
    {
      return &a;
    }
  }
  return nullptr;
}

namespace
{

CompareArm armOf(const std::string& arm, double fraction, const RunRecord& r, double seconds)
{
  CompareArm a;
  a.arm = arm;
  a.fraction = fraction;
  a.runId = r.id;
  a.status = wordOf(r.status);
  a.valid = r.valid;
  a.test = r.test;
  a.trainExamples = r.summary.value("train_examples", int64_t(0));
  a.seconds = seconds;
  return a;
}

}  // namespace

Result<AdaptComparison> compareAdaptation(TrainingSession& session, const RunRecord& parent,
                                          const CompareRequest& request,
                                          const TrainCallbacks& hooks,
                                          const std::function<void(const std::string&)>& onArm)
{
  if (request.fractions.empty())
  {
    return makeError("compare: give at least one share of the training data");
  }
  for (double f : request.fractions)
  {
    if (!(f > 0.0 && f <= 1.0))
    {
      return makeError("compare: a share of the training data must be in (0, 1], not " +
                       std::to_string(f));
    }
  }
  if (const std::string why = adaptBlocker(parent); !why.empty())
  {
    return makeError(why);
  }
  const std::string prefix =
      request.namePrefix.empty() ? "compare " + parent.name : request.namePrefix;
  AdaptComparison result;
  result.parentRun = parent.id;
  const int total = static_cast<int>(request.fractions.size()) * 2;
  int done = 0;
  std::vector<CompareArm> trained;
  std::optional<CompareArm> zero;
  AdaptOptions options = request.options;
  for (double f : request.fractions)
  {
    for (const char* arm : {"adapted", "scratch"})
    {
      const bool adapted = std::string(arm) == "adapted";
      RunConfig config = request.config;
      config.train.trainFraction = f;
      if (!adapted)
      {
        config.model.adapterWidth = 0;  // adapters only make sense on a pretrained network
      }
      ++done;
      if (onArm)
      {
        onArm(std::string(arm) + ", " + fractionLabel(f) + " of the training data (" +
              std::to_string(done) + " of " + std::to_string(total) + ")");
      }
      auto run = session.createRun(config, prefix + " · " + arm + " " + fractionLabel(f),
                                   adapted ? std::optional<int64_t>(parent.id) : std::nullopt);
      if (!run)
      {
        return errorOf(run);
      }
      result.dataset = run->datasetName;
      const double start = monotonicSeconds();
      auto finished = adapted ? session.adapt(*run, config, parent, options, hooks)
                              : session.train(*run, config, false, hooks);
      if (!finished)
      {
        return errorOf(finished);
      }
      trained.push_back(armOf(arm, f, *finished, monotonicSeconds() - start));
      if (result.protocol.empty())
      {
        result.protocol = finished->test.protocol;
      }
      if (adapted && options.zeroShot)
      {
        options.zeroShot = false;  // once is enough: zero-shot does not depend on the share
        if (const Json* z = finished->summary.find("zero_shot"))
        {
          const ZeroShotResult zs = ZeroShotResult::fromJson(*z);
          result.zeroShotNote = zs.note;
          if (zs.available)
          {
            CompareArm a;
            a.arm = "zero-shot";
            a.fraction = 0;
            a.status = "evaluated";
            a.valid = zs.valid;
            a.test = zs.test;
            zero = a;
          }
        }
      }
      if (hooks.cancel && hooks.cancel->load())
      {
        return cancelledError();
      }
    }
  }
  if (zero)
  {
    result.arms.push_back(*zero);
  }
  if (request.config.model.task == Task::Ranking)
  {
    RunConfig config = request.config;
    config.train.trainFraction = 1.0;
    const double start = monotonicSeconds();
    auto baselines = session.baselines(config, hooks, {"pop", "bpr"});
    if (!baselines)
    {
      if (hooks.cancel && hooks.cancel->load())
      {
        return cancelledError();
      }
      return errorOf(baselines);
    }
    for (const RunRecord& r : *baselines)
    {
      result.arms.push_back(armOf(baselineName(r.kind), 1.0, r, monotonicSeconds() - start));
    }
  }
  result.arms.insert(result.arms.end(), trained.begin(), trained.end());
  return result;
}

bool isBaselineArm(const std::string& arm)
{
  return arm == "pop" || arm == "bpr";
}

}  // namespace m6
