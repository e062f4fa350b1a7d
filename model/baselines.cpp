// runBaselines() of engine.h: most-popular and BPR-MF on the same split and protocol as M6
// (the BPR-MF recipe is in bpr.h).
#include <chrono>
#include <filesystem>

#include "model/bpr.h"
#include "model/core/dataset_schema.h"
#include "model/engine.h"
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

BaselineOutcome runBaselines(const DatasetSnapshot& data, const RunConfig& config,
                             const TrainCallbacks& cb)
{
  return runBaselines(data, config, cb, std::string());
}

BaselineOutcome runBaselines(const DatasetSnapshot& data, const RunConfig& config,
                             const TrainCallbacks& cb, const std::string& factorsDir)
{
  // The baselines rank, whatever the config's task: check the ranking-relevant settings only.
  RunConfig rankingConfig = config;
  rankingConfig.model.task = "ranking";
  rankingConfig.train.loss = "auto";
  rankingConfig.train.earlyStopMetric = "auto";
  DatasetSchema schema = DatasetSchema::fromSnapshot(data);
  auto issues = validate(rankingConfig, &schema);
  if (!issues.empty())
  {
    throw std::invalid_argument(formatIssues(issues));
  }
  setComputeThreads(config.train.threads);
  const int k = config.train.evalK;
  const bool sampled = config.train.sampledEval;
  const uint64_t seed = static_cast<uint64_t>(config.train.seed);
  const std::string metric = metricName("ndcg", k);
  const BaselineData bd = baselineData(data, config);
  const RankingScope warm = warmScope(bd, config);
  const RankingScope cold = coldScope(bd, config);

  BaselineOutcome out;
  out.status = "finished";
  out.protocol = warm.protocol.empty() ? rankingProtocol(k, sampled) : warm.protocol;
  {
    auto start = Clock::now();
    PopularityScorer pop(bd.counts);
    BaselineResult r;
    r.name = "pop";
    r.valid = evaluateRanking(data, bd.split, bd.categories, SplitPart::Valid, k, sampled, seed,
                              pop, warm)
                  .metrics;
    r.test =
        evaluateRanking(data, bd.split, bd.categories, SplitPart::Test, k, sampled, seed, pop, warm)
            .metrics;
    if (bd.numCold > 0)
    {
      EvalResult c = evaluateRanking(data, bd.split, bd.categories, SplitPart::Test, k, sampled,
                                     seed, pop, cold);
      r.coldTest = c.metrics;
      r.coldNote = kPopColdNote;
      out.coldRandom = c.random;
    }
    r.seconds = secondsSince(start);
    if (cb.onLog)
    {
      cb.onLog("pop: valid " + metric + " " + std::to_string(r.valid.get(metric)));
    }
    out.baselines.push_back(r);
  }

  auto start = Clock::now();
  bool cancelled = false;
  BprFactors f = trainBpr(data, config, bd, cb, &cancelled);
  if (cancelled)
  {
    out.status = "stopped";
  }
  if (!f.complete)
  {
    return out;  // cancelled before BPR finished an epoch
  }
  BaselineResult bpr;
  bpr.name = "bpr";
  bpr.valid = f.valid;
  BprScorer scorer(f);
  bpr.test = evaluateRanking(data, bd.split, bd.categories, SplitPart::Test, k, sampled, seed,
                             scorer, warm)
                 .metrics;
  if (bd.numCold > 0)
  {
    bpr.coldTest = evaluateRanking(data, bd.split, bd.categories, SplitPart::Test, k, sampled, seed,
                                   scorer, cold)
                       .metrics;
    bpr.coldNote = kBprColdNote;
  }
  bpr.seconds = secondsSince(start);
  if (!factorsDir.empty() && !cancelled)
  {
    std::error_code ec;
    std::filesystem::create_directories(factorsDir, ec);
    out.bprFactors = (std::filesystem::path(factorsDir) / "bpr.pt").string();
    saveBprFactors(out.bprFactors, f, config);
  }
  if (cb.onLog)
  {
    cb.onLog("bpr: valid " + metric + " " + std::to_string(bpr.valid.get(metric)));
  }
  out.baselines.push_back(bpr);
  return out;
}

}  // namespace m6
