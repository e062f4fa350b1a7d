// Evaluation on the validation or test targets of the leave-one-out split (DESIGN.md section 4),
// shared by M6 and the baselines through ScoreProvider (private to model/).
//
// Thread affinity: the thread that owns the session (ModelScorer runs its network).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "model/batch.h"
#include "model/collective.h"
#include "model/core/metrics.h"
#include "model/core/split.h"
#include "model/session.h"

namespace m6
{

/// Scores for query batches: the whole catalogue, or given candidates. Called from one thread, but
/// a returned tensor must stay as it is after the next call (no reused output buffer): full
/// ranking ranks one batch's scores on a helper thread while the next batch is scored.
class ScoreProvider
{
 public:
  virtual ~ScoreProvider() = default;
  /// Float [B, N].
  virtual torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& queries) = 0;
  /// candidates int64 [B, Q] -> float [B, Q].
  virtual torch::Tensor scoreCandidates(const std::vector<QuerySpec>& queries,
                                        const torch::Tensor& candidates) = 0;
  /// Queries per batch in full ranking.
  virtual int64_t batchSize() const { return 256; }
};

/// The M6 network of a session, in eval mode under NoGradGuard; the catalogue's item tokens are
/// computed once at construction.
class ModelScorer : public ScoreProvider
{
 public:
  explicit ModelScorer(Session& session);
  torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& queries) override;
  torch::Tensor scoreCandidates(const std::vector<QuerySpec>& queries,
                                const torch::Tensor& candidates) override;
  int64_t batchSize() const override;
  const torch::Tensor& itemTokens() const { return itemTokens_; }
  UserSide userSide(const std::vector<QuerySpec>& queries);

 private:
  Session& session_;
  torch::Tensor itemTokens_;
};

struct EvalResult
{
  MetricSet metrics;
  std::vector<UserMetricRow> rows;
  MetricSet random;  // RankingScope::randomBaseline: the expected metrics of a random ranking
};

/// Which targets evaluateRanking ranks, among which candidates (the cold-item protocol's warm and
/// cold halves). The default is the plain protocol: every target, every item.
struct RankingScope
{
  const std::vector<uint8_t>* candidates = nullptr;  // per item, 1 = a candidate; null = all
  const std::vector<uint8_t>* targets =
      nullptr;                  // per item, 1 = rank this item's targets; null = all
  std::string protocol;         // replaces rankingProtocol(k, sampled) when not empty
  bool randomBaseline = false;  // also compute EvalResult::random over the same candidates
  /// > 0: rank only a fixed sample of this many targets (users), drawn with `seed`, and say so in
  /// the protocol; 0 or more than there are: every target.
  int64_t sampleTargets = 0;
  /// Set: this rank of a data-parallel job ranks its contiguous share of the targets and the
  /// rows of every rank are gathered in order, so every rank returns the single-process result.
  Collective* shard = nullptr;
};

/// The query of user u's target interaction t: history before t, context of t.
QuerySpec targetQuery(const DatasetSnapshot& data, int64_t t);

/// Ranking metrics of the targets of `part` (Valid or Test): full ranking over items the user
/// has not interacted with before the target (the target itself always a candidate), or the
/// sampled protocol (100 negatives drawn from those items with a generator seeded by `seed`, the
/// user and the part). Adds coverage@K and diversity@K under full ranking.
EvalResult evaluateRanking(const DatasetSnapshot& data, const Split& split,
                           const std::vector<int32_t>& itemCategory, SplitPart part, int k,
                           bool sampled, uint64_t seed, ScoreProvider& scorer,
                           const RankingScope& scope = {});

/// ctr (AUC, LogLoss over held-out interactions with a rating) or rating (RMSE, MAE).
EvalResult evaluatePointwise(const DatasetSnapshot& data, const Split& split, SplitPart part,
                             Task task, double ctrThreshold, ScoreProvider& scorer,
                             Collective* shard = nullptr);

/// The metrics the session's task calls for. Under the cold-item protocol: the warm targets,
/// ranked among the warm items. `sampleUsers` > 0 (ranking only): a fixed seeded sample of that
/// many users, labelled in the protocol (per-epoch validation on large datasets). With
/// session.collective set, the work is split across the job's ranks (RankingScope::shard).
EvalResult evaluateSession(Session& session, SplitPart part, int64_t sampleUsers = 0);

/// Cold-item protocol: the targets that are cold items, ranked among the cold items only (by
/// content: their id rows are zero), with the expected metrics of a random ranking beside them.
/// Empty metrics without the protocol.
EvalResult evaluateCold(Session& session, SplitPart part);

/// The protocol labels of the cold-item protocol's two halves.
std::string warmProtocol(int k, bool sampled, int64_t coldItems);
std::string coldProtocol(int k, bool sampled, int64_t coldItems);

/// The mask of warm items (1 - cold).
std::vector<uint8_t> warmMask(const std::vector<uint8_t>& cold);

}  // namespace m6
