#include "model/bpr.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "model/archive_file.h"
#include "model/checkpoint.h"
#include "model/core/rng.h"
#include "model/features.h"
#include "model/sampler.h"

namespace m6
{

namespace
{

using Clock = std::chrono::steady_clock;

constexpr int kBprMaxEpochs = 40;
constexpr int kBprPatience = 3;
constexpr int64_t kBprBatch = 1024;
constexpr int kBprFileVersion = 1;

bool cancelRequested(const TrainCallbacks& cb)
{
  return cb.cancel && cb.cancel->load();
}

void waitWhilePaused(const TrainCallbacks& cb)
{
  while (cb.pause && cb.pause->load() && !cancelRequested(cb))
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string number(double v)
{
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

const std::vector<double> kBprLrGrid = {1e-3, 3e-3, 1e-2};
const std::vector<double> kBprL2Grid = {1e-3, 1e-2, 1e-1};

Json BprParams::toJson() const
{
  Json j = Json::object();
  j["lr"] = lr;
  j["l2"] = l2;
  return j;
}

BprParams BprParams::fromJson(const Json& params)
{
  BprParams p;
  if (params.isObject())
  {
    p.lr = params.value("lr", p.lr);
    p.l2 = params.value("l2", p.l2);
  }
  return p;
}

BaselineData baselineData(const DatasetSnapshot& data, const RunConfig& config)
{
  return baselineData(data, makeSplit(data, config.train), config);
}

BaselineData baselineData(const DatasetSnapshot& data, Split split, const RunConfig& config)
{
  BaselineData b;
  b.split = std::move(split);
  b.categories = itemCategories(data);
  b.cold = coldItemMask(data, config.train.coldItemShare);
  b.warm = warmMask(b.cold);
  for (uint8_t c : b.cold)
  {
    b.numCold += c ? 1 : 0;
  }
  b.counts.assign(static_cast<size_t>(data.numItems()), 0);
  for (size_t n = 0; n < data.item.size(); ++n)
  {
    const auto i = static_cast<size_t>(data.item[n]);
    if (b.split.part[n] == SplitPart::Train && !b.cold[i] &&
        inTrainFraction(static_cast<int64_t>(n), config.train.trainFraction))
    {
      ++b.counts[i];
      b.train.push_back(static_cast<int64_t>(n));
    }
  }
  return b;
}

RankingScope warmScope(const BaselineData& b, const RunConfig& config)
{
  RankingScope scope;
  if (b.numCold > 0)
  {
    scope.candidates = &b.warm;
    scope.targets = &b.warm;
    scope.protocol = warmProtocol(config.train.evalK, config.train.sampledEval, b.numCold);
  }
  return scope;
}

PopularityScorer::PopularityScorer(const std::vector<int64_t>& counts)
    : counts_(torch::tensor(std::vector<float>(counts.begin(), counts.end())))
{
}

torch::Tensor PopularityScorer::scoreCatalogue(const std::vector<QuerySpec>& q)
{
  return counts_.unsqueeze(0).expand({static_cast<int64_t>(q.size()), -1});
}

torch::Tensor PopularityScorer::scoreCandidates(const std::vector<QuerySpec>&,
                                                const torch::Tensor& c)
{
  return counts_.index_select(0, c.reshape({-1})).view(c.sizes());
}

BprScorer::BprScorer(const BprFactors& f) : f_(f) {}

torch::Tensor BprScorer::scoreCatalogue(const std::vector<QuerySpec>& q)
{
  torch::NoGradGuard guard;
  return torch::matmul(userRows(q), f_.items.t()) + f_.bias.unsqueeze(0);
}

torch::Tensor BprScorer::scoreCandidates(const std::vector<QuerySpec>& q, const torch::Tensor& c)
{
  torch::NoGradGuard guard;
  torch::Tensor it = f_.items.index_select(0, c.reshape({-1})).view({c.size(0), c.size(1), -1});
  torch::Tensor b = f_.bias.index_select(0, c.reshape({-1})).view(c.sizes());
  return (it * userRows(q).unsqueeze(1)).sum(-1) + b;
}

torch::Tensor BprScorer::userRows(const std::vector<QuerySpec>& q)
{
  std::vector<int64_t> ids;
  for (const auto& x : q)
  {
    ids.push_back(x.user);
  }
  return f_.users.index_select(0, torch::tensor(ids));
}

BprFactors trainBpr(const DatasetSnapshot& data, const RunConfig& config, const BaselineData& bd,
                    const BprParams& params, const TrainCallbacks& cb, bool* cancelled)
{
  *cancelled = false;
  const int k = config.train.evalK;
  const bool sampled = config.train.sampledEval;
  const uint64_t seed = static_cast<uint64_t>(config.train.seed);
  const std::string metric = metricName("ndcg", k);
  const RankingScope scope = warmScope(bd, config);
  std::vector<int64_t> train = bd.train;
  auto start = Clock::now();
  // A generator of its own: torch's shared one belongs to whatever trains on another thread.
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const int64_t d = config.model.dim;
  torch::Tensor users = (torch::randn({data.numUsers(), d}, gen) * 0.1).requires_grad_();
  torch::Tensor items = (torch::randn({data.numItems(), d}, gen) * 0.1).requires_grad_();
  torch::Tensor bias = torch::zeros({data.numItems()}).requires_grad_();
  torch::optim::Adam opt({users, items, bias}, torch::optim::AdamOptions(params.lr));
  NegativeSampler sampler(bd.counts, false, bd.cold);
  torch::Tensor coldRows =
      torch::tensor(std::vector<uint8_t>(bd.cold.begin(), bd.cold.end())).to(torch::kBool);
  // Cold items never train: no factors at all, so they score 0 (see runBaselines' note).
  auto withoutCold = [&](const torch::Tensor& t)
  {
    torch::Tensor x = t.detach().clone();
    if (bd.numCold > 0)
    {
      x.index_put_({coldRows}, 0.0);
    }
    return x;
  };
  BprFactors best;
  double bestValue = -1;
  int bad = 0;
  const int64_t steps = (static_cast<int64_t>(train.size()) + kBprBatch - 1) / kBprBatch;
  int epochsRun = 0;
  for (int epoch = 1; epoch <= kBprMaxEpochs && !*cancelled; ++epoch)
  {
    epochsRun = epoch;
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
      if (cancelRequested(cb))
      {
        *cancelled = true;
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
                           params.l2 * (ut.pow(2).sum() + pt.pow(2).sum() + nt.pow(2).sum()) /
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
        // Against the epoch cap: early stopping usually ends sooner.
        const auto perEpoch = static_cast<int64_t>(train.size());
        p.examplesDone = (epoch - 1) * perEpoch + b;
        p.examplesTotal = kBprMaxEpochs * perEpoch;
        p.examplesPerSecond = p.elapsedSeconds > 0 ? p.examplesDone / p.elapsedSeconds : 0;
        p.etaSeconds =
            p.examplesPerSecond > 0 ? (p.examplesTotal - p.examplesDone) / p.examplesPerSecond : 0;
        cb.onProgress(p);
      }
    }
    if (*cancelled)
    {
      break;
    }
    BprFactors now;
    now.users = users.detach();
    now.items = withoutCold(items);
    now.bias = withoutCold(bias);
    BprScorer scorer(now);
    EvalResult valid = evaluateRanking(data, bd.split, bd.categories, SplitPart::Valid, k, sampled,
                                       seed, scorer, scope);
    double value = valid.metrics.get(metric);
    // A NaN metric (no user to validate on) keeps the latest factors rather than none.
    bool improved = value > bestValue || (std::isnan(value) && !best.complete);
    if (improved)
    {
      bestValue = value;
      bad = 0;
      best.users = users.detach().clone();
      best.items = now.items;
      best.bias = now.bias;
      best.valid = valid.metrics;
      best.bestEpoch = epoch;
      best.complete = true;
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
  best.epochsRun = epochsRun;
  return best;
}

BprFit tuneBpr(const DatasetSnapshot& data, const RunConfig& config, const BaselineData& bd,
               const TrainCallbacks& cb, bool* cancelled)
{
  *cancelled = false;
  const std::string metric = metricName("ndcg", config.train.evalK);
  // The settings' epochs follow each other on one axis (setting 2's epoch 1 comes after setting
  // 1's last), so a live plot shows the whole tuning; "best" is within the setting.
  int offset = 0;
  TrainCallbacks quiet = cb;
  if (cb.onEpoch)
  {
    quiet.onEpoch = [&](const EpochStats& e)
    {
      EpochStats shifted = e;
      shifted.epoch += offset;
      cb.onEpoch(shifted);
    };
  }
  BprFit fit;
  double bestValue = -1;
  const size_t total = kBprLrGrid.size() + kBprL2Grid.size() - 1;
  size_t tried = 0;
  auto tryOne = [&](const BprParams& p)
  {
    ++tried;
    if (cb.onLog)
    {
      cb.onLog("BPR-MF: lr " + number(p.lr) + ", L2 " + number(p.l2) + " (" +
               std::to_string(tried) + " of " + std::to_string(total) + ")");
    }
    BprFactors f = trainBpr(data, config, bd, p, quiet, cancelled);
    offset += f.epochsRun;
    if (*cancelled || !f.complete)
    {
      return;
    }
    const double v = f.valid.get(metric);
    fit.log.push_back("lr " + number(p.lr) + ", l2 " + number(p.l2) + ": " + metric + " " +
                      (std::isfinite(v) ? std::to_string(v) : std::string("n/a")) +
                      " (best epoch " + std::to_string(f.bestEpoch) + ")");
    // The first setting is kept even without a finite value (no user to validate on).
    if (!fit.factors.complete || (std::isfinite(v) && v > bestValue))
    {
      bestValue = std::isfinite(v) ? v : bestValue;
      fit.factors = std::move(f);
      fit.params = p;
    }
  };
  const double middleL2 = kBprL2Grid[kBprL2Grid.size() / 2];
  for (double lr : kBprLrGrid)
  {
    tryOne({lr, middleL2});
    if (*cancelled)
    {
      return fit;
    }
  }
  const double lr = fit.params.lr;
  for (double l2 : kBprL2Grid)
  {
    if (l2 == middleL2)
    {
      continue;  // tried above
    }
    tryOne({lr, l2});
    if (*cancelled)
    {
      return fit;
    }
  }
  return fit;
}

void saveBprFactors(const std::string& path, const BprFactors& f, const RunConfig& config)
{
  Json meta = Json::object();
  meta["format"] = "m6-bpr";
  meta["version"] = kBprFileVersion;
  meta["users"] = f.users.size(0);
  meta["items"] = f.items.size(0);
  meta["dim"] = f.users.size(1);
  meta["seed"] = config.train.seed;
  meta["valid"] = f.valid.toJson();
  torch::serialize::OutputArchive a;
  a.write("meta", c10::IValue(meta.dump()));
  a.write("users", f.users, true);
  a.write("items", f.items, true);
  a.write("bias", f.bias, true);
  saveArchiveFile(a, path, "BPR factors");
}

BprFactors loadBprFactors(const std::string& path, const DatasetSnapshot& data)
{
  auto fail = [&path](const std::string& why)
  { return std::runtime_error("BPR factors " + path + ": " + why); };
  BprFactors f;
  Json meta;
  try
  {
    torch::serialize::InputArchive a;
    a.load_from(path);
    c10::IValue m;
    if (!a.try_read("meta", m) || !m.isString())
    {
      throw fail("not a BPR factors file");
    }
    meta = Json::parse(m.toStringRef());
    if (!a.try_read("users", f.users, true) || !a.try_read("items", f.items, true) ||
        !a.try_read("bias", f.bias, true))
    {
      throw fail("the factors are incomplete");
    }
  }
  catch (const std::runtime_error&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    throw fail(std::string("not readable (truncated or corrupt?): ") + firstLine(e.what()));
  }
  if (meta.value("format", "") != "m6-bpr" || meta.value("version", 0) != kBprFileVersion)
  {
    throw fail("not a BPR factors file of this version");
  }
  if (f.users.dim() != 2 || f.items.dim() != 2 || f.bias.dim() != 1 ||
      f.users.size(0) != data.numUsers() || f.items.size(0) != data.numItems() ||
      f.bias.size(0) != data.numItems() || f.users.size(1) != f.items.size(1))
  {
    throw fail("the factors were trained on another dataset (" + std::to_string(f.users.size(0)) +
               " users and " + std::to_string(f.items.size(0)) + " items; this one has " +
               std::to_string(data.numUsers()) + " and " + std::to_string(data.numItems()) + ")");
  }
  if (const Json* v = meta.find("valid"))
  {
    f.valid = MetricSet::fromJson(*v);
  }
  f.complete = true;
  return f;
}

}  // namespace m6
