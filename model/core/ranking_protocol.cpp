#include "model/core/ranking_protocol.h"

#include <algorithm>

namespace m6
{

std::vector<RankingTarget> rankingTargets(const DatasetSnapshot& data, const Split& split,
                                          SplitPart part, const std::vector<uint8_t>* keep)
{
  std::vector<RankingTarget> out;
  for (int64_t u = 0; u < data.numUsers(); ++u)
  {
    const std::pair<int64_t, int64_t> block = split.block(data, u, part);
    if (block.first >= block.second)
    {
      continue;
    }
    RankingTarget t;
    t.query = block.first;
    for (int64_t n = block.first; n < block.second; ++n)
    {
      const int32_t item = data.item[static_cast<size_t>(n)];
      if ((!keep || (*keep)[static_cast<size_t>(item)]) &&
          std::find(t.items.begin(), t.items.end(), item) == t.items.end())
      {
        t.items.push_back(item);
      }
    }
    if (!t.items.empty())
    {
      out.push_back(std::move(t));
    }
  }
  return out;
}

RankingExclusion::RankingExclusion(int64_t numItems, const std::vector<uint8_t>* base)
    : base_(static_cast<size_t>(numItems), 0), isTarget_(static_cast<size_t>(numItems), 0)
{
  baseCandidates_ = numItems;
  if (base)
  {
    for (size_t i = 0; i < base_.size() && i < base->size(); ++i)
    {
      base_[i] = (*base)[i] ? 1 : 0;
      baseCandidates_ -= base_[i];
    }
  }
  excluded_ = base_;
}

int64_t RankingExclusion::mark(const DatasetSnapshot& data, const RankingTarget& target)
{
  int64_t candidates = 0;
  apply(data, target, 1, &candidates);
  return candidates;
}

void RankingExclusion::unmark(const DatasetSnapshot& data, const RankingTarget& target)
{
  apply(data, target, 0, nullptr);
}

void RankingExclusion::apply(const DatasetSnapshot& data, const RankingTarget& target,
                             uint8_t value, int64_t* candidates)
{
  for (int32_t item : target.items)
  {
    isTarget_[static_cast<size_t>(item)] = value;
  }
  // The past: every interaction of the user before the target block.
  int64_t pastCandidates = 0;
  const auto user = static_cast<size_t>(data.user[static_cast<size_t>(target.query)]);
  for (int64_t j = data.userStart[user]; j < target.query; ++j)
  {
    const auto item = static_cast<size_t>(data.item[static_cast<size_t>(j)]);
    if (value && !excluded_[item] && !isTarget_[item])
    {
      ++pastCandidates;
    }
    excluded_[item] = value ? 1 : base_[item];
  }
  // The targets stay candidates, whatever excluded them.
  int64_t madeCandidates = 0;
  for (int32_t item : target.items)
  {
    const auto i = static_cast<size_t>(item);
    madeCandidates += base_[i];
    excluded_[i] = value ? 0 : base_[i];
  }
  if (candidates)
  {
    *candidates = baseCandidates_ - pastCandidates + madeCandidates;
  }
}

UserMetricRow rankingRow(const DatasetSnapshot& data, const Split& split,
                         const RankingTarget& target)
{
  UserMetricRow row;
  row.user = data.user[static_cast<size_t>(target.query)];
  row.item = target.items.front();
  row.trainInteractions = split.trainCount(data, row.user);
  return row;
}

UserMetricRow rankedRow(const DatasetSnapshot& data, const Split& split,
                        const RankingTarget& target, const float* scores, int64_t n,
                        const uint8_t* excluded)
{
  UserMetricRow row = rankingRow(data, split, target);
  for (int32_t item : target.items)
  {
    const int64_t rank = targetRank(scores, n, item, excluded);
    row.rank = row.rank < 0 ? rank : std::min(row.rank, rank);
    if (target.items.size() > 1)
    {
      row.ranks.push_back(rank);
    }
  }
  row.prediction = scores[row.item];
  return row;
}

}  // namespace m6
