#include "model/evaluate.h"

#include <algorithm>
#include <cmath>

#include "model/core/rng.h"

namespace m6
{

namespace
{

constexpr int kSampledNegatives = 100;

std::vector<int64_t> targetsOf(const Split& split, SplitPart part)
{
  const auto& index = part == SplitPart::Valid ? split.validIndex : split.testIndex;
  std::vector<int64_t> out;
  for (int64_t t : index)
  {
    if (t >= 0)
    {
      out.push_back(t);
    }
  }
  return out;
}

}  // namespace

ModelScorer::ModelScorer(Session& session) : session_(session)
{
  session_.net->eval();
  torch::NoGradGuard guard;
  itemTokens_ = session_.encodeCatalogue();
}

UserSide ModelScorer::userSide(const std::vector<QuerySpec>& queries)
{
  UserBatch b =
      makeUserBatch(session_.data, session_.features, session_.config.model.historyLength, queries);
  return session_.userSide(b, itemTokens_, b.histItems);
}

torch::Tensor ModelScorer::scoreCatalogue(const std::vector<QuerySpec>& queries)
{
  torch::NoGradGuard guard;
  return session_.net->scoreCatalogue(userSide(queries), itemTokens_);
}

torch::Tensor ModelScorer::scoreCandidates(const std::vector<QuerySpec>& queries,
                                           const torch::Tensor& candidates)
{
  torch::NoGradGuard guard;
  UserSide side = userSide(queries);
  torch::Tensor tokens = itemTokens_.index_select(0, candidates.reshape({-1}))
                             .view({candidates.size(0), candidates.size(1), -1});
  return session_.net->scoreCandidates(side, tokens);
}

int64_t ModelScorer::batchSize() const
{
  return session_.net->dot() ? 256 : 16;
}

QuerySpec targetQuery(const DatasetSnapshot& data, int64_t t)
{
  QuerySpec q;
  q.user = data.user[static_cast<size_t>(t)];
  q.historyEnd = t;
  q.contextRow = t;
  return q;
}

EvalResult evaluateRanking(const DatasetSnapshot& data, const Split& split,
                           const std::vector<int32_t>& itemCategory, SplitPart part, int k,
                           bool sampled, uint64_t seed, ScoreProvider& scorer)
{
  const int64_t n = data.numItems();
  std::vector<int64_t> targets = targetsOf(split, part);
  EvalResult result;
  std::vector<std::vector<int32_t>> lists;
  double diversity = 0;
  int64_t diversityLists = 0;
  std::vector<uint8_t> excluded(static_cast<size_t>(n), 0);
  const int64_t batch = sampled ? 256 : scorer.batchSize();
  for (size_t start = 0; start < targets.size(); start += static_cast<size_t>(batch))
  {
    size_t end = std::min(targets.size(), start + static_cast<size_t>(batch));
    std::vector<QuerySpec> queries;
    for (size_t i = start; i < end; ++i)
    {
      queries.push_back(targetQuery(data, targets[i]));
    }
    torch::Tensor scores;
    torch::Tensor candidates;
    if (sampled)
    {
      candidates = torch::empty({static_cast<int64_t>(queries.size()), kSampledNegatives + 1},
                                torch::kInt64);
    }
    // Per row: mark the user's past, then sample (sampled protocol) or rank (full).
    auto markPast = [&](size_t i, uint8_t value)
    {
      const int64_t t = targets[i];
      const int32_t target = data.item[static_cast<size_t>(t)];
      for (int64_t j = data.userStart[static_cast<size_t>(data.user[static_cast<size_t>(t)])];
           j < t; ++j)
      {
        excluded[static_cast<size_t>(data.item[static_cast<size_t>(j)])] = value;
      }
      excluded[static_cast<size_t>(target)] = 0;
    };
    if (sampled)
    {
      auto acc = candidates.accessor<int64_t, 2>();
      for (size_t i = start; i < end; ++i)
      {
        const int64_t r = static_cast<int64_t>(i - start);
        const int64_t t = targets[i];
        const int32_t target = data.item[static_cast<size_t>(t)];
        markPast(i, 1);
        excluded[static_cast<size_t>(target)] = 1;  // not a negative of itself
        DemoRng rng(seed * 1000003ULL + static_cast<uint64_t>(t) * 2 +
                    (part == SplitPart::Test ? 1 : 0));
        acc[r][0] = target;
        int64_t filled = 0;
        for (int attempt = 0; attempt < 100 * kSampledNegatives && filled < kSampledNegatives;
             ++attempt)
        {
          int64_t c = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
          if (!excluded[static_cast<size_t>(c)])
          {
            acc[r][1 + filled++] = c;
          }
        }
        // A tiny catalogue or a very active user leaves fewer than 100 unseen items: the empty
        // slots are marked -1 and never counted against the target.
        for (; filled < kSampledNegatives; ++filled)
        {
          acc[r][1 + filled] = -1;
        }
        markPast(i, 0);
        excluded[static_cast<size_t>(target)] = 0;
      }
      torch::Tensor safe = candidates.clamp_min(0);
      scores = scorer.scoreCandidates(queries, safe).to(torch::kFloat32).contiguous();
    }
    else
    {
      scores = scorer.scoreCatalogue(queries).to(torch::kFloat32).contiguous();
    }
    const float* s = scores.data_ptr<float>();
    const int64_t width = scores.size(1);
    for (size_t i = start; i < end; ++i)
    {
      const int64_t r = static_cast<int64_t>(i - start);
      const int64_t t = targets[i];
      const int32_t u = data.user[static_cast<size_t>(t)];
      const int32_t target = data.item[static_cast<size_t>(t)];
      UserMetricRow row;
      row.user = u;
      row.item = target;
      row.trainInteractions = split.trainCount(data, u);
      const float* rowScores = s + r * width;
      if (sampled)
      {
        auto acc = candidates.accessor<int64_t, 2>();
        int64_t above = 0;
        for (int64_t j = 1; j < width; ++j)
        {
          if (acc[r][j] >= 0 && rowScores[j] >= rowScores[0])
          {
            ++above;
          }
        }
        row.rank = std::isnan(rowScores[0]) ? width - 1 : above;
        row.prediction = rowScores[0];
      }
      else
      {
        markPast(i, 1);
        row.rank = targetRank(rowScores, n, target, excluded.data());
        row.prediction = rowScores[target];
        std::vector<int32_t> top = topK(rowScores, n, k, excluded.data());
        double div = intraListDiversity(top, itemCategory);
        if (!std::isnan(div))
        {
          diversity += div;
          ++diversityLists;
        }
        lists.push_back(std::move(top));
        markPast(i, 0);
      }
      result.rows.push_back(row);
    }
  }
  result.metrics = aggregateRows(result.rows, "ranking", k, rankingProtocol(k, sampled));
  if (!sampled)
  {
    result.metrics.set(metricName("coverage", k), coverage(lists, n));
    result.metrics.set(metricName("diversity", k),
                       diversityLists ? diversity / static_cast<double>(diversityLists)
                                      : std::numeric_limits<double>::quiet_NaN());
  }
  return result;
}

EvalResult evaluatePointwise(const DatasetSnapshot& data, const Split& split, SplitPart part,
                             const std::string& task, double threshold, ScoreProvider& scorer)
{
  std::vector<int64_t> targets;
  for (int64_t t : targetsOf(split, part))
  {
    if (data.hasRatings() && !std::isnan(data.rating[static_cast<size_t>(t)]))
    {
      targets.push_back(t);
    }
  }
  EvalResult result;
  const size_t batch = 1024;
  for (size_t start = 0; start < targets.size(); start += batch)
  {
    size_t end = std::min(targets.size(), start + batch);
    std::vector<QuerySpec> queries;
    torch::Tensor cand = torch::empty({static_cast<int64_t>(end - start), 1}, torch::kInt64);
    for (size_t i = start; i < end; ++i)
    {
      queries.push_back(targetQuery(data, targets[i]));
      cand[static_cast<int64_t>(i - start)][0] = data.item[static_cast<size_t>(targets[i])];
    }
    torch::Tensor scores = scorer.scoreCandidates(queries, cand).to(torch::kFloat64).contiguous();
    if (task == "ctr")
    {
      scores = torch::sigmoid(scores);
    }
    const double* s = scores.data_ptr<double>();
    for (size_t i = start; i < end; ++i)
    {
      const int64_t t = targets[i];
      UserMetricRow row;
      row.user = data.user[static_cast<size_t>(t)];
      row.item = data.item[static_cast<size_t>(t)];
      row.trainInteractions = split.trainCount(data, row.user);
      row.prediction = s[i - start];
      double rating = data.rating[static_cast<size_t>(t)];
      row.label = task == "ctr" ? (rating >= threshold ? 1.0 : 0.0) : rating;
      result.rows.push_back(row);
    }
  }
  result.metrics = aggregateRows(result.rows, task, 10, pointwiseProtocol(task, threshold));
  return result;
}

EvalResult evaluateSession(Session& session, SplitPart part)
{
  ModelScorer scorer(session);
  const RunConfig& c = session.config;
  if (c.model.task == "ranking")
  {
    return evaluateRanking(session.data, session.split, session.features.itemCategory, part,
                           c.train.evalK, c.train.sampledEval, static_cast<uint64_t>(c.train.seed),
                           scorer);
  }
  return evaluatePointwise(session.data, session.split, part, c.model.task, c.train.ctrThreshold,
                           scorer);
}

}  // namespace m6
