#include "model/training_step.h"

#include <cmath>
#include <limits>

#include "model/evaluate.h"
#include "model/sampled_softmax.h"
#include "model/softmax_loss.h"

namespace m6
{

namespace
{

std::vector<int64_t> trainCounts(const Session& s)
{
  std::vector<int64_t> counts(static_cast<size_t>(s.data.numItems()), 0);
  for (size_t n = 0; n < s.data.item.size(); ++n)
  {
    const auto i = static_cast<size_t>(s.data.item[n]);
    if (s.split.part[n] == SplitPart::Train && !s.coldItems[i])
    {
      ++counts[i];
    }
  }
  return counts;
}

}  // namespace

TrainingStep::TrainingStep(Session& session) : TrainingStep(session, trainCounts(session)) {}

TrainingStep::TrainingStep(Session& session, const std::vector<int64_t>& counts)
    : session_(session),
      loss_(effectiveLoss(session.config, session.data.numItems())),
      negatives_(loss_ == Loss::Bce || loss_ == Loss::Bpr ? session.config.train.negatives : 0),
      sampler_(counts, session.config.train.sampling == Sampling::Popularity, session.coldItems)
{
  const ModelConfig& m = session.config.model;
  // Auto takes windows only under the full softmax: there their order (a user's targets
  // together) was neutral on real data, under the sampled softmax it cost validation NDCG@10
  // (README, "Shared history windows").
  const SharedHistory shared = session.config.train.sharedHistory;
  const bool wanted =
      shared == SharedHistory::On || (shared == SharedHistory::Auto && loss_ == Loss::Softmax);
  windowed_ = wanted && m.scorer == Scorer::Dot && itemNormLayout(m) && m.historyLength > 0 &&
              session.numCold == 0 && (loss_ == Loss::Softmax || loss_ == Loss::SampledSoftmax);
  if (session.numCold > 0)
  {
    coldMask_ = torch::zeros({1, session.data.numItems()}, torch::kBool);
    auto acc = coldMask_.accessor<bool, 2>();
    for (size_t i = 0; i < session.coldItems.size(); ++i)
    {
      acc[0][static_cast<int64_t>(i)] = session.coldItems[i] != 0;
    }
    hidden_ = &session.coldItems;
  }
  if (loss_ == Loss::SampledSoftmax)
  {
    // The two sources of the candidate draw (see sampled_softmax.h): the sampler's shared
    // negatives and the batch's targets, which follow the training examples.
    const int64_t n = session.data.numItems();
    double total = 0;
    for (int64_t c : counts)
    {
      total += static_cast<double>(c);
    }
    samplerProb_ = torch::empty({n}, torch::kFloat32);
    targetProb_ = torch::empty({n}, torch::kFloat32);
    auto q = samplerProb_.accessor<float, 1>();
    auto p = targetProb_.accessor<float, 1>();
    for (int64_t i = 0; i < n; ++i)
    {
      q[i] = static_cast<float>(std::exp(sampler_.logProbability(i)));
      p[i] = total > 0
                 ? static_cast<float>(static_cast<double>(counts[static_cast<size_t>(i)]) / total)
                 : 0.0f;
    }
  }
}

std::vector<int64_t> TrainingStep::examples() const
{
  const DatasetSnapshot& d = session_.data;
  const bool pointwise = session_.config.model.task != Task::Ranking;
  const double fraction = session_.config.train.trainFraction;
  std::vector<int64_t> out;
  for (size_t n = 0; n < d.item.size(); ++n)
  {
    if (session_.split.part[n] != SplitPart::Train ||
        session_.coldItems[static_cast<size_t>(d.item[n])] ||
        !inTrainFraction(static_cast<int64_t>(n), fraction))
    {
      continue;
    }
    if (pointwise && (!d.hasRatings() || std::isnan(d.rating[n])))
    {
      continue;
    }
    out.push_back(static_cast<int64_t>(n));
  }
  return out;
}

torch::Tensor TrainingStep::loss(const std::vector<int64_t>& batch, DemoRng& rng)
{
  Session& s = session_;
  const DatasetSnapshot& d = s.data;
  const int64_t b = static_cast<int64_t>(batch.size());
  const int64_t len = s.config.model.historyLength;
  const Task task = s.config.model.task;
  std::vector<QuerySpec> queries;
  queries.reserve(batch.size());
  // Filled through the accessor: `targets[r] = x` is two dispatched ops per row.
  torch::Tensor targets = torch::empty({b}, torch::kInt64);
  auto targetOf = targets.accessor<int64_t, 1>();
  std::vector<int32_t> users(batch.size());
  for (int64_t r = 0; r < b; ++r)
  {
    int64_t n = batch[static_cast<size_t>(r)];
    queries.push_back(targetQuery(d, n));
    targetOf[r] = d.item[static_cast<size_t>(n)];
    users[static_cast<size_t>(r)] = d.user[static_cast<size_t>(n)];
  }
  if (windowed_)
  {
    // Runs of about one target (a shuffled batch, a sparse train_fraction) share nothing; the
    // per-example path computes the same loss then with less padding.
    WindowBatch windows = makeWindowBatch(d, len, batch);
    if (windows.keys > 0 && windows.meanRun() >= 2.0)
    {
      return windowStep(queries, windows, targets, users, rng);
    }
  }
  UserBatch ub = makeUserBatch(d, s.features, len, queries, hidden_);

  if (loss_ == Loss::Softmax)
  {
    // Full softmax: every item is a class, so encode the catalogue once for the whole batch.
    torch::Tensor tokens = s.encodeCatalogue();
    UserSide side = s.userSide(ub, tokens, ub.histItems);
    torch::Tensor logits = s.net->scoreCatalogue(side, tokens);
    if (coldMask_.defined())
    {
      logits = logits.masked_fill(coldMask_, -std::numeric_limits<float>::infinity());
    }
    return softmaxCrossEntropy(logits, targets);
  }

  if (loss_ == Loss::SampledSoftmax)
  {
    return sampledSoftmaxStep(ub, targets, users, rng);
  }

  torch::Tensor negatives = torch::empty({b, negatives_}, torch::kInt64);
  if (negatives_ > 0)
  {
    auto acc = negatives.accessor<int64_t, 2>();
    auto tgt = targets.accessor<int64_t, 1>();
    for (int64_t r = 0; r < b; ++r)
    {
      for (int64_t j = 0; j < negatives_; ++j)
      {
        acc[r][j] = sampler_.sample(rng, tgt[r]);
      }
    }
  }
  // Encode each item the batch touches once: history, positives and negatives.
  torch::Tensor ids = torch::cat({ub.histItems.reshape({-1}), targets, negatives.reshape({-1})});
  auto unique = uniqueItems(ids, seen_);
  torch::Tensor tokens = s.encodeItems(std::get<0>(unique));
  torch::Tensor rows = std::get<1>(unique);
  torch::Tensor histRows = rows.narrow(0, 0, b * len).view({b, len});
  torch::Tensor candRows =
      torch::cat({rows.narrow(0, b * len, b).unsqueeze(1),
                  rows.narrow(0, b * len + b, b * negatives_).view({b, negatives_})},
                 1);
  torch::Tensor candTokens =
      tokens.index_select(0, candRows.reshape({-1})).view({b, 1 + negatives_, -1});
  UserSide side = s.userSide(ub, tokens, histRows);
  torch::Tensor scores = s.net->scoreCandidates(side, candTokens);  // [B, 1 + negatives]

  namespace F = torch::nn::functional;
  if (task == Task::Ctr || task == Task::Rating)
  {
    torch::Tensor truth = torch::empty({b}, torch::kFloat32);
    auto truthOf = truth.accessor<float, 1>();
    for (int64_t r = 0; r < b; ++r)
    {
      float rating = d.rating[static_cast<size_t>(batch[static_cast<size_t>(r)])];
      truthOf[r] =
          task == Task::Ctr ? (rating >= s.config.train.ctrThreshold ? 1.0f : 0.0f) : rating;
    }
    torch::Tensor pred = scores.select(1, 0);
    return task == Task::Ctr ? F::binary_cross_entropy_with_logits(pred, truth)
                             : F::mse_loss(pred, truth);
  }
  if (loss_ == Loss::Bpr)
  {
    return -F::logsigmoid(scores.narrow(1, 0, 1) - scores.narrow(1, 1, negatives_)).mean();
  }
  torch::Tensor labels = torch::zeros_like(scores);
  labels.select(1, 0).fill_(1.0);
  return F::binary_cross_entropy_with_logits(scores, labels);
}

torch::Tensor TrainingStep::sampledSoftmaxStep(const UserBatch& ub, const torch::Tensor& targets,
                                               const std::vector<int32_t>& users, DemoRng& rng)
{
  Session& s = session_;
  const int64_t b = targets.size(0);
  const int64_t len = s.config.model.historyLength;
  SampledSoftmaxCandidates cands = drawCandidates(targets, users, rng);
  const int64_t c = cands.items.size(0);
  // Encode each item the step touches once: history and candidates.
  auto unique = uniqueItems(torch::cat({ub.histItems.reshape({-1}), cands.items}), seen_);
  torch::Tensor tokens = s.encodeItems(std::get<0>(unique));
  torch::Tensor rows = std::get<1>(unique);
  torch::Tensor histRows = rows.narrow(0, 0, b * len).view({b, len});
  torch::Tensor candTokens = tokens.index_select(0, rows.narrow(0, b * len, c));
  UserSide side = s.userSide(ub, tokens, histRows);
  return sampledSoftmaxLoss(s.net->scoreCatalogue(side, candTokens), cands);
}

SampledSoftmaxCandidates TrainingStep::drawCandidates(const torch::Tensor& targets,
                                                      const std::vector<int32_t>& users,
                                                      DemoRng& rng)
{
  // One draw per step shared by every row: each row is scored against all of them plus the
  // other rows' targets.
  const int64_t m = session_.config.train.sharedNegatives;
  torch::Tensor shared = torch::empty({m}, torch::kInt64);
  {
    auto acc = shared.accessor<int64_t, 1>();
    for (int64_t j = 0; j < m; ++j)
    {
      acc[j] = sampler_.sample(rng, -1);
    }
  }
  SampledSoftmaxCandidates c =
      sampledSoftmaxCandidates(targets, shared, samplerProb_, targetProb_, seen_);
  hideSameUserTargets(c, users);
  return c;
}

torch::Tensor TrainingStep::windowStep(const std::vector<QuerySpec>& queries,
                                       const WindowBatch& windows, const torch::Tensor& targets,
                                       const std::vector<int32_t>& users, DemoRng& rng)
{
  Session& s = session_;
  // The user and context columns per example; the history comes from the runs' key tables.
  UserBatch ub = makeUserBatch(s.data, s.features, 0, queries, nullptr);
  const int64_t keys = windows.runs * windows.keys;
  if (loss_ == Loss::Softmax)
  {
    torch::Tensor tokens = s.encodeCatalogue();
    UserSide side = s.net->windowSide(ub.users, ub.userColumns, ub.contextColumns, tokens,
                                      windows.keyItems, windows);
    return softmaxCrossEntropy(s.net->scoreCatalogue(side, tokens), targets);
  }
  SampledSoftmaxCandidates cands = drawCandidates(targets, users, rng);
  const int64_t c = cands.items.size(0);
  auto unique = uniqueItems(torch::cat({windows.keyItems.reshape({-1}), cands.items}), seen_);
  torch::Tensor tokens = s.encodeItems(std::get<0>(unique));
  torch::Tensor rows = std::get<1>(unique);
  torch::Tensor keyRows = rows.narrow(0, 0, keys).view({windows.runs, windows.keys});
  torch::Tensor candTokens = tokens.index_select(0, rows.narrow(0, keys, c));
  UserSide side =
      s.net->windowSide(ub.users, ub.userColumns, ub.contextColumns, tokens, keyRows, windows);
  return sampledSoftmaxLoss(s.net->scoreCatalogue(side, candTokens), cands);
}

}  // namespace m6
