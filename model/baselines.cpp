// runBaselines() of engine.h: most-popular, BPR-MF, ItemKNN and EASE^R on the same split and
// protocol as M6 (the recipes are in bpr.h and item_baselines.h).
#include <algorithm>
#include <chrono>
#include <filesystem>

#include "model/bpr.h"
#include "model/core/dataset_schema.h"
#include "model/engine.h"
#include "model/item_baselines.h"
#include "model/threads.h"

namespace m6
{

namespace
{

using Clock = std::chrono::steady_clock;

const char* const kPopColdNote =
    "most-popular scores every cold item 0 (it has no training interactions); ties rank the "
    "target last, so it cannot rank cold items (all cold metrics 0)";
const char* const kBprColdNote =
    "BPR-MF has no factors for cold items (they never trained): every cold item scores 0, ties "
    "rank the target last, so it cannot rank cold items (all cold metrics 0)";

const char* const kItemColdNote =
    "ItemKNN and EASE^R learn from co-occurrence in training, which cold items never had: every "
    "cold item scores 0, ties rank the target last, so they cannot rank cold items (all cold "
    "metrics 0)";

double secondsSince(Clock::time_point t)
{
  return std::chrono::duration<double>(Clock::now() - t).count();
}

RankingScope coldScope(const BaselineData& b, const RunConfig& config)
{
  RankingScope scope;
  scope.candidates = &b.cold;
  scope.targets = &b.cold;
  scope.protocol = coldProtocol(config.train.evalK, config.train.sampledEval, b.numCold);
  scope.randomBaseline = true;
  return scope;
}

}  // namespace

const std::vector<std::string>& baselineNames()
{
  static const std::vector<std::string> names = {"pop", "bpr", "itemknn", "ease"};
  return names;
}

std::string baselineTitle(const std::string& name)
{
  return name == "pop"       ? "most popular"
         : name == "bpr"     ? "BPR-MF"
         : name == "itemknn" ? "ItemKNN"
         : name == "ease"    ? "EASE^R"
                             : name;
}

std::vector<std::string> parseBaselineList(const std::string& text)
{
  std::vector<std::string> asked;
  std::string current;
  for (size_t i = 0; i <= text.size(); ++i)
  {
    if (i == text.size() || text[i] == ',')
    {
      while (!current.empty() && current.back() == ' ')
      {
        current.pop_back();
      }
      if (!current.empty())
      {
        const auto& all = baselineNames();
        if (std::find(all.begin(), all.end(), current) == all.end())
        {
          throw std::invalid_argument("unknown baseline '" + current +
                                      "': choose from pop, bpr, itemknn, ease");
        }
        asked.push_back(current);
      }
      current.clear();
    }
    else if (text[i] != ' ' || !current.empty())
    {
      current += text[i];
    }
  }
  std::vector<std::string> out;
  for (const auto& name : baselineNames())
  {
    if (asked.empty() || std::find(asked.begin(), asked.end(), name) != asked.end())
    {
      out.push_back(name);
    }
  }
  return out;
}

BaselineOutcome runBaselines(const DatasetSnapshot& data, const RunConfig& config,
                             const TrainCallbacks& cb)
{
  return runBaselines(data, config, cb, std::string());
}

BaselineOutcome runBaselines(const DatasetSnapshot& original, const RunConfig& config,
                             const TrainCallbacks& cb, const std::string& factorsDir,
                             const std::vector<std::string>& only)
{
  // The baselines rank, whatever the config's task: check the ranking-relevant settings only.
  RunConfig rankingConfig = config;
  rankingConfig.model.task = Task::Ranking;
  rankingConfig.train.loss = Loss::Auto;
  rankingConfig.train.earlyStopMetric = "auto";
  DatasetSchema schema = DatasetSchema::fromSnapshot(original);
  auto issues = validate(rankingConfig, &schema);
  if (!issues.empty())
  {
    throw std::invalid_argument(formatIssues(issues));
  }
  SplitView view = splitView(original, config.train);
  const DatasetSnapshot& data = view.data(original);  // the interactions the split indexes
  const std::vector<std::string> wanted = only.empty() ? baselineNames() : only;
  auto wants = [&](const char* name)
  { return std::find(wanted.begin(), wanted.end(), name) != wanted.end(); };
  setComputeThreads(config.train.threads);
  const int k = config.train.evalK;
  const bool sampled = config.train.sampledEval;
  const uint64_t seed = static_cast<uint64_t>(config.train.seed);
  const std::string metric = metricName("ndcg", k);
  const BaselineData bd = baselineData(data, std::move(view.split), config);
  const RankingScope warm = warmScope(bd, config);
  const RankingScope cold = coldScope(bd, config);

  BaselineOutcome out;
  out.status = RunStatus::Finished;
  out.protocol = warm.protocol.empty() ? rankingProtocol(k, sampled) : warm.protocol;
  // Test metrics, per-user rows and (cold-item protocol) the cold figures of a fitted scorer.
  auto evaluateTest = [&](BaselineResult& r, ScoreProvider& scorer, const char* coldNote)
  {
    EvalResult test = evaluateRanking(data, bd.split, bd.categories, SplitPart::Test, k, sampled,
                                      seed, scorer, warm);
    r.test = test.metrics;
    r.testRows = std::move(test.rows);
    if (bd.numCold > 0)
    {
      EvalResult c = evaluateRanking(data, bd.split, bd.categories, SplitPart::Test, k, sampled,
                                     seed, scorer, cold);
      r.coldTest = c.metrics;
      r.coldNote = coldNote;
      out.coldRandom = c.random;
    }
    if (cb.onLog)
    {
      cb.onLog(r.name + ": valid " + metric + " " + std::to_string(r.valid.get(metric)));
    }
  };
  if (wants("pop"))
  {
    auto start = Clock::now();
    PopularityScorer pop(bd.counts);
    BaselineResult r;
    r.name = "pop";
    r.valid = evaluateRanking(data, bd.split, bd.categories, SplitPart::Valid, k, sampled, seed,
                              pop, warm)
                  .metrics;
    evaluateTest(r, pop, kPopColdNote);
    r.seconds = secondsSince(start);
    out.baselines.push_back(std::move(r));
  }
  if (wants("bpr"))
  {
    auto start = Clock::now();
    bool cancelled = false;
    BprFit fit = tuneBpr(data, config, bd, cb, &cancelled);
    const BprFactors& f = fit.factors;
    if (cancelled || !f.complete)
    {
      out.status = RunStatus::Stopped;
      return out;
    }
    BaselineResult bpr;
    bpr.name = "bpr";
    bpr.valid = f.valid;
    bpr.params = fit.params.toJson();
    bpr.tuning = fit.log;
    BprScorer scorer(f);
    evaluateTest(bpr, scorer, kBprColdNote);
    bpr.seconds = secondsSince(start);
    if (!factorsDir.empty())
    {
      std::error_code ec;
      std::filesystem::create_directories(factorsDir, ec);
      out.bprFactors = (std::filesystem::path(factorsDir) / "bpr.pt").string();
      saveBprFactors(out.bprFactors, f, config);
    }
    out.baselines.push_back(std::move(bpr));
  }
  const bool itemModels = wants("itemknn") || wants("ease");
  const std::string skip = itemModels ? itemModelSkipReason(data.numItems()) : "";
  if (itemModels && !skip.empty())
  {
    for (const char* name : {"itemknn", "ease"})
    {
      if (wants(name))
      {
        out.skipped.emplace_back(name, skip);
        if (cb.onLog)
        {
          cb.onLog(baselineTitle(name) + " " + skip);
        }
      }
    }
    return out;
  }
  if (!itemModels)
  {
    return out;
  }
  auto gramStart = Clock::now();
  torch::NoGradGuard noGrad;
  const torch::Tensor gram = itemGram(data, bd);
  const double gramSeconds = secondsSince(gramStart);
  for (const char* name : {"itemknn", "ease"})
  {
    if (!wants(name))
    {
      continue;
    }
    auto start = Clock::now();
    ItemModelFit fit = fitItemModel(name, data, bd, gram, config, cb);
    if (fit.weights.numel() == 0)
    {
      out.status = RunStatus::Stopped;
      return out;
    }
    BaselineResult r;
    r.name = name;
    r.valid = fit.valid;
    r.params = fit.params;
    r.tuning = fit.log;
    ItemItemScorer scorer(data, fit.weights);
    evaluateTest(r, scorer, kItemColdNote);
    r.seconds = secondsSince(start) + gramSeconds;
    out.baselines.push_back(std::move(r));
  }
  return out;
}

}  // namespace m6
