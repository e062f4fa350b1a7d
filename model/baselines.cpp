// runBaselines() of engine.h: most-popular and BPR-MF on the same split and protocol as M6.
//
// BPR-MF recipe (fixed, so every dataset gets the same yardstick): user and item factors of
// width model.dim plus an item bias, Adam (lr 2e-3), batches of 1024, one uniform negative per
// positive, L2 1e-2 on the factors of each batch, up to 40 epochs with early stopping on the
// validation NDCG (patience 3); the best epoch's factors are evaluated on test. The learning
// rate and L2 were the best of a small grid on the demo dataset (lr 1e-3..2e-2, L2 0..1e-1):
// a yardstick should not be a straw man.
#include <chrono>
#include <thread>

#include "model/core/dataset_schema.h"
#include "model/core/rng.h"
#include "model/core/split.h"
#include "model/engine.h"
#include "model/evaluate.h"
#include "model/features.h"
#include "model/sampler.h"
#include "model/threads.h"

namespace m6
{

namespace
{

using Clock = std::chrono::steady_clock;

constexpr int kBprMaxEpochs = 40;
constexpr int kBprPatience = 3;
constexpr int64_t kBprBatch = 1024;
constexpr double kBprLr = 2e-3;
constexpr double kBprL2 = 1e-2;

class PopularityScorer : public ScoreProvider
{
 public:
  explicit PopularityScorer(const std::vector<int64_t>& counts)
      : counts_(torch::tensor(std::vector<float>(counts.begin(), counts.end())))
  {
  }
  torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& q) override
  {
    return counts_.unsqueeze(0).expand({static_cast<int64_t>(q.size()), -1});
  }
  torch::Tensor scoreCandidates(const std::vector<QuerySpec>&, const torch::Tensor& c) override
  {
    return counts_.index_select(0, c.reshape({-1})).view(c.sizes());
  }

 private:
  torch::Tensor counts_;
};

class BprScorer : public ScoreProvider
{
 public:
  BprScorer(torch::Tensor users, torch::Tensor items, torch::Tensor bias)
      : users_(std::move(users)), items_(std::move(items)), bias_(std::move(bias))
  {
  }
  torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& q) override
  {
    torch::NoGradGuard guard;
    return torch::matmul(userRows(q), items_.t()) + bias_.unsqueeze(0);
  }
  torch::Tensor scoreCandidates(const std::vector<QuerySpec>& q, const torch::Tensor& c) override
  {
    torch::NoGradGuard guard;
    torch::Tensor it = items_.index_select(0, c.reshape({-1})).view({c.size(0), c.size(1), -1});
    torch::Tensor b = bias_.index_select(0, c.reshape({-1})).view(c.sizes());
    return (it * userRows(q).unsqueeze(1)).sum(-1) + b;
  }

 private:
  torch::Tensor userRows(const std::vector<QuerySpec>& q)
  {
    std::vector<int64_t> ids;
    for (const auto& x : q)
    {
      ids.push_back(x.user);
    }
    return users_.index_select(0, torch::tensor(ids));
  }
  torch::Tensor users_;
  torch::Tensor items_;
  torch::Tensor bias_;
};

bool cancelled(const TrainCallbacks& cb)
{
  return cb.cancel && cb.cancel->load();
}

void waitWhilePaused(const TrainCallbacks& cb)
{
  while (cb.pause && cb.pause->load() && !cancelled(cb))
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

BaselineOutcome runBaselines(const DatasetSnapshot& data, const RunConfig& config,
                             const TrainCallbacks& cb)
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
  Split split = splitLeaveOneOut(data);
  std::vector<int32_t> categories = itemCategories(data);

  BaselineOutcome out;
  out.status = "finished";
  out.protocol = rankingProtocol(k, sampled);
  std::vector<int64_t> counts(static_cast<size_t>(data.numItems()), 0);
  std::vector<int64_t> train;
  for (size_t n = 0; n < data.item.size(); ++n)
  {
    if (split.part[n] == SplitPart::Train)
    {
      ++counts[static_cast<size_t>(data.item[n])];
      train.push_back(static_cast<int64_t>(n));
    }
  }

  {
    auto start = Clock::now();
    PopularityScorer pop(counts);
    BaselineResult r;
    r.name = "pop";
    r.valid =
        evaluateRanking(data, split, categories, SplitPart::Valid, k, sampled, seed, pop).metrics;
    r.test =
        evaluateRanking(data, split, categories, SplitPart::Test, k, sampled, seed, pop).metrics;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (cb.onLog)
    {
      cb.onLog("pop: valid " + metric + " " + std::to_string(r.valid.get(metric)));
    }
    out.baselines.push_back(r);
  }

  auto start = Clock::now();
  torch::manual_seed(seed);
  const int64_t d = config.model.dim;
  torch::Tensor users = (torch::randn({data.numUsers(), d}) * 0.1).requires_grad_();
  torch::Tensor items = (torch::randn({data.numItems(), d}) * 0.1).requires_grad_();
  torch::Tensor bias = torch::zeros({data.numItems()}).requires_grad_();
  torch::optim::Adam opt({users, items, bias}, torch::optim::AdamOptions(kBprLr));
  NegativeSampler sampler(counts, false);
  BaselineResult bpr;
  bpr.name = "bpr";
  double best = -1;
  int bad = 0;
  torch::Tensor bestUsers = users.detach().clone();
  torch::Tensor bestItems = items.detach().clone();
  torch::Tensor bestBias = bias.detach().clone();
  const int64_t steps = (static_cast<int64_t>(train.size()) + kBprBatch - 1) / kBprBatch;
  for (int epoch = 1; epoch <= kBprMaxEpochs && out.status == "finished"; ++epoch)
  {
    auto epochStart = Clock::now();
    DemoRng rng(seed * 7919ULL + static_cast<uint64_t>(epoch));
    for (size_t i = train.size(); i > 1; --i)
    {
      std::swap(train[i - 1], train[rng.below(i)]);
    }
    double lossSum = 0;
    for (int64_t s = 0; s < steps; ++s)
    {
      waitWhilePaused(cb);
      if (cancelled(cb))
      {
        out.status = "stopped";
        break;
      }
      int64_t a = s * kBprBatch;
      int64_t b = std::min<int64_t>(static_cast<int64_t>(train.size()), a + kBprBatch);
      std::vector<int64_t> u;
      std::vector<int64_t> pos;
      std::vector<int64_t> neg;
      for (int64_t j = a; j < b; ++j)
      {
        size_t n = static_cast<size_t>(train[static_cast<size_t>(j)]);
        u.push_back(data.user[n]);
        pos.push_back(data.item[n]);
        neg.push_back(sampler.sample(rng, data.item[n]));
      }
      torch::Tensor ut = users.index_select(0, torch::tensor(u));
      torch::Tensor pt = items.index_select(0, torch::tensor(pos));
      torch::Tensor nt = items.index_select(0, torch::tensor(neg));
      torch::Tensor diff = (ut * (pt - nt)).sum(1) + bias.index_select(0, torch::tensor(pos)) -
                           bias.index_select(0, torch::tensor(neg));
      torch::Tensor loss = -torch::nn::functional::logsigmoid(diff).mean() +
                           kBprL2 * (ut.pow(2).sum() + pt.pow(2).sum() + nt.pow(2).sum()) /
                               static_cast<double>(b - a);
      opt.zero_grad();
      loss.backward();
      opt.step();
      lossSum += loss.item<double>();
      if (cb.onProgress)
      {
        Progress p;
        p.epoch = epoch;
        p.epochs = kBprMaxEpochs;
        p.step = s + 1;
        p.stepsPerEpoch = steps;
        p.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        cb.onProgress(p);
      }
    }
    if (out.status != "finished")
    {
      break;
    }
    BprScorer scorer(users.detach(), items.detach(), bias.detach());
    EvalResult valid =
        evaluateRanking(data, split, categories, SplitPart::Valid, k, sampled, seed, scorer);
    double value = valid.metrics.get(metric);
    bool improved = value > best;
    if (improved)
    {
      best = value;
      bad = 0;
      bpr.valid = valid.metrics;
      bestUsers = users.detach().clone();
      bestItems = items.detach().clone();
      bestBias = bias.detach().clone();
    }
    else
    {
      ++bad;
    }
    if (cb.onEpoch)
    {
      EpochStats es;
      es.epoch = epoch;
      es.trainLoss = steps ? lossSum / static_cast<double>(steps) : 0;
      es.valid = valid.metrics;
      es.seconds = std::chrono::duration<double>(Clock::now() - epochStart).count();
      es.isBest = improved;
      cb.onEpoch(es);
    }
    if (bad >= kBprPatience)
    {
      break;
    }
  }
  if (best < 0)
  {
    return out;  // cancelled before BPR finished an epoch
  }
  BprScorer scorer(bestUsers, bestItems, bestBias);
  bpr.test =
      evaluateRanking(data, split, categories, SplitPart::Test, k, sampled, seed, scorer).metrics;
  bpr.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (cb.onLog)
  {
    cb.onLog("bpr: valid " + metric + " " + std::to_string(bpr.valid.get(metric)));
  }
  out.baselines.push_back(bpr);
  return out;
}

}  // namespace m6
