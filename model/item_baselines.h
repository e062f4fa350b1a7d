// Item-item baselines (private to model/): ItemKNN and EASE^R, both built on the
// item co-occurrence (Gram) matrix G = X^T X of the binary training matrix X (users x items;
// BaselineData::train, repeated pairs counted once).
//
// - ItemKNN (cosine with shrinkage, as RecBole's ItemKNN): s(i, j) = G_ij / (sqrt(G_ii G_jj) +
//   shrink), s(j, j) = 0, each item j keeping its `neighbours` most similar items; a user's score
//   for j is the sum of s(i, j) over the items i of their history.
// - EASE^R (Steck 2019): B = I - P diag(1 / diag(P)) with P = (G + lambda I)^-1, so B_jj = 0; a
//   user's score for j is the sum of B_ij over their history items i.
//
// A user's history is every interaction before the target (the QuerySpec's historyEnd), as for
// M6: the validation item is history when ranking the test item. Both are tuned on validation
// NDCG@K over a small fixed grid (EASE: lambda in kEaseLambdas; ItemKNN: neighbours x shrink),
// on a seeded sample of at most kTuneUsers validation users; the chosen values are named in the
// run's summary. Deterministic: no randomness besides that sample.
//
// Both need dense items x items matrices (4 bytes per entry, a few at a time): catalogues of more
// than kMaxItemModelItems items are skipped with the reason instead.
//
// Thread affinity: the calling thread.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/bpr.h"

namespace m6
{

constexpr int64_t kMaxItemModelItems = 20000;
constexpr int64_t kTuneUsers = 5000;
extern const std::vector<double> kEaseLambdas;
extern const std::vector<int64_t> kKnnNeighbours;
extern const std::vector<double> kKnnShrinks;

/// Why the item-item baselines cannot run on this catalogue, or "" when they can.
std::string itemModelSkipReason(int64_t numItems);

/// G = X^T X (float [N, N]) of the binary training matrix.
torch::Tensor itemGram(const DatasetSnapshot& data, const BaselineData& b);

/// An items x items weight matrix W scoring a user's history: score(j) = sum over history i of
/// W[i, j]; the history's own items are not excluded here (evaluation and recommend do that).
class ItemItemScorer : public ScoreProvider
{
 public:
  ItemItemScorer(const DatasetSnapshot& data, torch::Tensor weights);
  torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& q) override;
  torch::Tensor scoreCandidates(const std::vector<QuerySpec>& q, const torch::Tensor& c) override;

 private:
  const DatasetSnapshot& data_;
  torch::Tensor w_;
  std::vector<uint8_t> seen_;
};

torch::Tensor easeWeights(const torch::Tensor& gram, double lambda);
torch::Tensor knnWeights(const torch::Tensor& gram, int64_t neighbours, double shrink);

struct ItemModelFit
{
  std::string kind;  // "itemknn" | "ease"
  Json params;       // {"lambda": x} or {"neighbours": k, "shrink": s}
  torch::Tensor weights;
  MetricSet valid;               // every validation user, with the chosen parameters
  std::vector<std::string> log;  // one line per grid point: "lambda 100: ndcg@10 0.0412"
};

/// Tunes the baseline on its grid and returns the best fit. `params` not null: fit exactly
/// those parameters (no tuning; how a recorded run's model is rebuilt for the per-user view).
/// cb.cancel is checked between grid points (a cancelled fit has empty weights).
ItemModelFit fitItemModel(const std::string& kind, const DatasetSnapshot& data,
                          const BaselineData& b, const torch::Tensor& gram, const RunConfig& config,
                          const TrainCallbacks& cb, const Json* params = nullptr);

}  // namespace m6
