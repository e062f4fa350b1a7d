#include "model/item_baselines.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "model/core/metrics.h"
#include "model/threads.h"

namespace m6
{

const std::vector<double> kEaseLambdas = {10, 50, 200, 500, 1000, 3000};
const std::vector<int64_t> kKnnNeighbours = {20, 50, 100, 200};
const std::vector<double> kKnnShrinks = {0, 10, 50};

namespace
{

/// Dense column blocks of X hold at most this many floats (64 MiB).
constexpr int64_t kBlockFloats = int64_t{16} << 20;

std::string fixed(double v, const char* format)
{
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

}  // namespace

std::string itemModelSkipReason(int64_t numItems)
{
  if (numItems <= kMaxItemModelItems)
  {
    return "";
  }
  const double gib = static_cast<double>(numItems) * static_cast<double>(numItems) * 4.0 /
                     (1024.0 * 1024.0 * 1024.0);
  return "skipped: the catalogue has " + std::to_string(numItems) + " items, more than " +
         std::to_string(kMaxItemModelItems) + " (it needs items x items matrices of " +
         fixed(gib, "%.1f") + " GiB each)";
}

torch::Tensor itemGram(const DatasetSnapshot& data, const BaselineData& b)
{
  const int64_t nU = data.numUsers();
  const int64_t nI = data.numItems();
  // The distinct (user, item) pairs of training: X is binary.
  std::vector<int64_t> pairs;
  pairs.reserve(b.train.size());
  for (int64_t n : b.train)
  {
    pairs.push_back(static_cast<int64_t>(data.user[static_cast<size_t>(n)]) * nI +
                    data.item[static_cast<size_t>(n)]);
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  const auto nnz = static_cast<int64_t>(pairs.size());
  torch::Tensor gram = torch::zeros({nI, nI}, torch::kFloat32);
  if (nnz == 0)
  {
    return gram;
  }
  torch::Tensor idx = torch::empty({2, nnz}, torch::kInt64);
  auto acc = idx.accessor<int64_t, 2>();
  for (int64_t p = 0; p < nnz; ++p)
  {
    acc[0][p] = pairs[static_cast<size_t>(p)] % nI;  // item (row of X^T)
    acc[1][p] = pairs[static_cast<size_t>(p)] / nI;  // user
  }
  // X^T sparse [N, U] times dense column blocks of X: nnz x N multiply-adds in all, never U x N
  // at once.
  torch::Tensor xt = torch::sparse_coo_tensor(idx, torch::ones({nnz}), {nI, nU}).coalesce();
  const int64_t block =
      std::max<int64_t>(1, std::min<int64_t>(nI, kBlockFloats / std::max<int64_t>(nU, 1)));
  std::vector<std::vector<int64_t>> usersOfItem(static_cast<size_t>(nI));
  for (int64_t p = 0; p < nnz; ++p)
  {
    usersOfItem[static_cast<size_t>(acc[0][p])].push_back(acc[1][p]);
  }
  for (int64_t start = 0; start < nI; start += block)
  {
    const int64_t end = std::min(nI, start + block);
    torch::Tensor dense = torch::zeros({nU, end - start}, torch::kFloat32);
    auto d = dense.accessor<float, 2>();
    for (int64_t i = start; i < end; ++i)
    {
      for (int64_t u : usersOfItem[static_cast<size_t>(i)])
      {
        d[u][i - start] = 1.0F;
      }
    }
    gram.narrow(1, start, end - start).copy_(torch::mm(xt, dense));
  }
  return gram;
}

torch::Tensor easeWeights(const torch::Tensor& gram, double lambda)
{
  BlasThreadsScope blas;  // torch's pool is idle during the factorisation
  torch::Tensor reg = gram.clone();
  reg.diagonal().add_(lambda);
  torch::Tensor p = torch::cholesky_inverse(torch::linalg_cholesky(reg));
  torch::Tensor diag = p.diagonal().clone();
  torch::Tensor b = p.div_(diag.neg().unsqueeze(0));  // B_ij = -P_ij / P_jj
  b.diagonal().zero_();
  return b;
}

torch::Tensor knnWeights(const torch::Tensor& gram, int64_t neighbours, double shrink)
{
  const int64_t n = gram.size(0);
  torch::Tensor norms = gram.diagonal().clamp_min(0).sqrt();
  torch::Tensor denom = norms.unsqueeze(1) * norms.unsqueeze(0) + shrink;
  torch::Tensor sim =
      torch::where(denom > 0, gram / denom.clamp_min(1e-12), torch::zeros_like(gram));
  sim.diagonal().zero_();
  const int64_t k = std::min(neighbours, n);
  if (k >= n)
  {
    return sim;
  }
  // Each item j (a column) keeps its k most similar items i.
  auto top = torch::topk(sim, k, /*dim=*/0);
  torch::Tensor kept = torch::zeros_like(sim);
  kept.scatter_(0, std::get<1>(top), std::get<0>(top));
  return kept;
}

ItemItemScorer::ItemItemScorer(const DatasetSnapshot& data, torch::Tensor weights)
    : data_(data),
      w_(weights.to(torch::kFloat).contiguous()),
      seen_(static_cast<size_t>(data.numItems()), 0)
{
}

// A user's score row is the sum of W's rows for the distinct items of their history. Summing those
// rows directly reads only what it needs (history length x items), where torch's sparse x dense
// product took ~16 ms per user at 9,742 items.
torch::Tensor ItemItemScorer::scoreCatalogue(const std::vector<QuerySpec>& q)
{
  const int64_t n = w_.size(1);
  torch::Tensor out = torch::zeros({static_cast<int64_t>(q.size()), n}, torch::kFloat);
  const float* w = w_.data_ptr<float>();
  float* o = out.data_ptr<float>();
  for (size_t r = 0; r < q.size(); ++r)
  {
    const int64_t begin = data_.userStart[static_cast<size_t>(q[r].user)];
    const int64_t end = std::max(begin, q[r].historyEnd);
    float* row = o + static_cast<int64_t>(r) * n;
    for (int64_t e = begin; e < end; ++e)
    {
      const auto item = static_cast<size_t>(data_.item[static_cast<size_t>(e)]);
      if (seen_[item])
      {
        continue;
      }
      seen_[item] = 1;
      const float* src = w + static_cast<int64_t>(item) * n;
      for (int64_t j = 0; j < n; ++j)
      {
        row[j] += src[j];
      }
    }
    for (int64_t e = begin; e < end; ++e)
    {
      seen_[static_cast<size_t>(data_.item[static_cast<size_t>(e)])] = 0;
    }
  }
  return out;
}

torch::Tensor ItemItemScorer::scoreCandidates(const std::vector<QuerySpec>& q,
                                              const torch::Tensor& c)
{
  return scoreCatalogue(q).gather(1, c);
}

ItemModelFit fitItemModel(const std::string& kind, const DatasetSnapshot& data,
                          const BaselineData& b, const torch::Tensor& gram, const RunConfig& config,
                          const TrainCallbacks& cb, const Json* params)
{
  if (kind != "ease" && kind != "itemknn")
  {
    throw std::invalid_argument("item-item baseline '" + kind + "' is not one of ease, itemknn");
  }
  const int k = config.train.evalK;
  const bool sampled = config.train.sampledEval;
  const auto seed = static_cast<uint64_t>(config.train.seed);
  const std::string metric = metricName("ndcg", k);
  const RankingScope warm = warmScope(b, config);
  std::vector<Json> grid;
  if (params)
  {
    grid.push_back(*params);
  }
  else if (kind == "ease")
  {
    for (double l : kEaseLambdas)
    {
      Json p = Json::object();
      p["lambda"] = l;
      grid.push_back(p);
    }
  }
  else
  {
    for (int64_t nb : kKnnNeighbours)
    {
      for (double s : kKnnShrinks)
      {
        Json p = Json::object();
        p["neighbours"] = nb;
        p["shrink"] = s;
        grid.push_back(p);
      }
    }
  }
  auto weightsOf = [&](const Json& p)
  {
    if (kind == "ease")
    {
      const Json* l = p.find("lambda");
      if (!l || !l->isNumber() || !(l->asDouble() > 0))
      {
        throw std::invalid_argument("EASE^R: the parameters need a positive \"lambda\"");
      }
      return easeWeights(gram, l->asDouble());
    }
    const Json* nb = p.find("neighbours");
    const Json* s = p.find("shrink");
    if (!nb || !nb->isNumber() || nb->asInt() < 1 || !s || !s->isNumber() || s->asDouble() < 0)
    {
      throw std::invalid_argument(
          "ItemKNN: the parameters need \"neighbours\" >= 1 and "
          "\"shrink\" >= 0");
    }
    return knnWeights(gram, nb->asInt(), s->asDouble());
  };
  ItemModelFit best;
  best.kind = kind;
  double bestValue = -1;
  RankingScope tune = warm;
  tune.sampleTargets = kTuneUsers;
  for (size_t g = 0; g < grid.size(); ++g)
  {
    if (cb.cancel && cb.cancel->load())
    {
      return ItemModelFit{kind, Json::object(), torch::Tensor(), MetricSet(), best.log};
    }
    torch::NoGradGuard noGrad;
    torch::Tensor w = weightsOf(grid[g]);
    double value = 0;
    if (grid.size() > 1)
    {
      ItemItemScorer scorer(data, w);
      value = evaluateRanking(data, b.split, b.categories, SplitPart::Valid, k, sampled, seed,
                              scorer, tune)
                  .metrics.get(metric);
      best.log.push_back(kind + " " + grid[g].dump() + ": valid " + metric + " " +
                         fixed(value, "%.4f"));
      if (cb.onLog)
      {
        cb.onLog(best.log.back());
      }
    }
    if (cb.onProgress)
    {
      Progress pr;
      pr.step = static_cast<int64_t>(g + 1);
      pr.stepsPerEpoch = static_cast<int64_t>(grid.size());
      pr.epoch = 1;
      pr.epochs = 1;
      pr.examplesDone = pr.step;
      pr.examplesTotal = pr.stepsPerEpoch;
      pr.phase = baselineTitle(kind) + " parameter grid";
      cb.onProgress(pr);
    }
    if (std::isnan(value))
    {
      value = -1;
    }
    if (value > bestValue || best.weights.numel() == 0)
    {
      bestValue = value;
      best.params = grid[g];
      best.weights = w;
    }
  }
  ItemItemScorer scorer(data, best.weights);
  torch::NoGradGuard noGrad;
  best.valid =
      evaluateRanking(data, b.split, b.categories, SplitPart::Valid, k, sampled, seed, scorer, warm)
          .metrics;
  return best;
}

}  // namespace m6
