// The baselines' machinery (private to model/): their training data, the most-popular and BPR-MF
// scorers, BPR-MF training with early stopping, and the saved factors file.
//
// BPR-MF recipe (fixed, so every dataset gets the same yardstick): user and item factors of
// width model.dim plus an item bias, Adam (lr 2e-3), batches of 1024, one uniform negative per
// positive, L2 1e-2 on the factors of each batch, up to 40 epochs with early stopping on the
// validation NDCG (patience 3); the best epoch's factors are kept. The learning rate and L2 were
// the best of a small grid on the demo dataset (lr 1e-3..2e-2, L2 0..1e-1): a yardstick should
// not be a straw man. Deterministic for a seed (torch's generator seeded, own sampling RNG).
//
// Thread affinity: the calling thread.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/split.h"
#include "model/engine.h"
#include "model/evaluate.h"

namespace m6
{

/// What both baselines learn from: the training examples (train part, train.train_fraction
/// subset, no cold item) and the items' counts over them; the cold-item mask.
struct BaselineData
{
  Split split;
  std::vector<int32_t> categories;
  std::vector<int64_t> counts;  // per item
  std::vector<int64_t> train;   // interaction indices
  std::vector<uint8_t> cold;    // per item
  std::vector<uint8_t> warm;    // per item (1 - cold)
  int64_t numCold = 0;
};
BaselineData baselineData(const DatasetSnapshot& data, const RunConfig& config);

class PopularityScorer : public ScoreProvider
{
 public:
  explicit PopularityScorer(const std::vector<int64_t>& counts);
  torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& q) override;
  torch::Tensor scoreCandidates(const std::vector<QuerySpec>& q, const torch::Tensor& c) override;

 private:
  torch::Tensor counts_;
};

struct BprFactors
{
  torch::Tensor users;    // [U, d]
  torch::Tensor items;    // [N, d]
  torch::Tensor bias;     // [N]
  MetricSet valid;        // of the best epoch
  bool complete = false;  // false when cancelled before an epoch finished
};

class BprScorer : public ScoreProvider
{
 public:
  explicit BprScorer(const BprFactors& f);
  torch::Tensor scoreCatalogue(const std::vector<QuerySpec>& q) override;
  torch::Tensor scoreCandidates(const std::vector<QuerySpec>& q, const torch::Tensor& c) override;

 private:
  torch::Tensor userRows(const std::vector<QuerySpec>& q);
  BprFactors f_;
};

/// Trains BPR-MF; `cancelled` is set when cb.cancel ended it. Cold items' factors and biases are
/// zero (they never trained). onProgress, onEpoch and pause are honoured.
BprFactors trainBpr(const DatasetSnapshot& data, const RunConfig& config, const BaselineData& b,
                    const TrainCallbacks& cb, bool* cancelled);

/// bpr.pt: a torch archive with "meta" (JSON: format "m6-bpr", version, users, items, dim, seed)
/// and the three tensors. load throws std::runtime_error naming the file and the problem.
void saveBprFactors(const std::string& path, const BprFactors& f, const RunConfig& config);
BprFactors loadBprFactors(const std::string& path, const DatasetSnapshot& data);

/// The ranking scope of the warm targets under the cold-item protocol (default scope without).
RankingScope warmScope(const BaselineData& b, const RunConfig& config);

}  // namespace m6
