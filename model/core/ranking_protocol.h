// How a held-out part is ranked (DESIGN.md section 4; the rule in words is in model/core/split.h,
// "What the evaluation uses as the user's past"): which users are ranked and for which target
// items, which items each ranking excludes, and the row of ranks one ranking gives. The
// evaluation (model/evaluate.cpp) and the Inspect page's per-user rows (app/bridge) both rank
// through these functions, so the page can never disagree with the run.
//
// Thread affinity: none. A RankingExclusion is scratch for one thread; the rest are pure.
#pragma once

#include <cstdint>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/metrics.h"
#include "model/core/split.h"

namespace m6
{

/// One user's ranking in a held-out part: the first interaction of the user's block (the query,
/// whose time and context the model scores at) and the block's distinct items, in block order.
struct RankingTarget
{
  int64_t query = -1;
  std::vector<int32_t> items;
};

/// The users with a non-empty block of `part`, in user order; with `keep` (one flag per item),
/// only the target items it marks (users left without one are dropped).
std::vector<RankingTarget> rankingTargets(const DatasetSnapshot& data, const Split& split,
                                          SplitPart part,
                                          const std::vector<uint8_t>* keep = nullptr);

/// The items excluded from one ranking at a time: the `base` items, which no ranking proposes
/// (the warm items under the cold-item protocol, and so on), plus, while a target is marked, the
/// user's interactions before the target block (train, and for a test block validation too). The
/// targets themselves are always candidates, even when the user met them before, and even when
/// `base` excludes them.
class RankingExclusion
{
 public:
  /// `base`: per item, 1 for an item no ranking proposes; nullptr: every item is a candidate.
  RankingExclusion(int64_t numItems, const std::vector<uint8_t>* base = nullptr);

  /// Marks the exclusions of `target`; returns its number of candidates (targets included).
  int64_t mark(const DatasetSnapshot& data, const RankingTarget& target);
  /// Undoes mark() for the same target.
  void unmark(const DatasetSnapshot& data, const RankingTarget& target);

  /// Per item, non-zero when excluded from the marked ranking.
  const uint8_t* flags() const { return excluded_.data(); }
  bool excludes(int64_t item) const { return excluded_[static_cast<size_t>(item)] != 0; }
  /// Whether `base` excludes the item (before any mark).
  bool inBase(int64_t item) const { return base_[static_cast<size_t>(item)] != 0; }

 private:
  void apply(const DatasetSnapshot& data, const RankingTarget& target, uint8_t value,
             int64_t* candidates);

  std::vector<uint8_t> base_;
  std::vector<uint8_t> excluded_;
  std::vector<uint8_t> isTarget_;
  int64_t baseCandidates_ = 0;
};

/// The row of one ranking before it is ranked: user, first target item, training interactions.
UserMetricRow rankingRow(const DatasetSnapshot& data, const Split& split,
                         const RankingTarget& target);

/// The row of one ranking: every target's rank among the scores of the catalogue (n items) with
/// `excluded` (RankingExclusion::flags() after mark()), the best of them as the row's rank, each
/// in `ranks` when there are several, and the first target's score as the prediction.
UserMetricRow rankedRow(const DatasetSnapshot& data, const Split& split,
                        const RankingTarget& target, const float* scores, int64_t n,
                        const uint8_t* excluded);

}  // namespace m6
