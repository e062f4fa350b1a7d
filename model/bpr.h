// The baselines' machinery (private to model/): their training data, the most-popular and BPR-MF
// scorers, BPR-MF training with early stopping, and the saved factors file.
//
// BPR-MF recipe: user and item factors of width model.dim plus an item bias, Adam, batches of
// 1024, one uniform negative per positive, L2 on the factors of each batch, up to 40 epochs with
// early stopping on the validation NDCG (patience 3); the best epoch's factors are kept. The
// learning rate and L2 are tuned per dataset on validation (tuneBpr: the learning rate over
// kBprLrGrid at L2 1e-2, then the L2 over kBprL2Grid at the best learning rate, five trainings),
// because a yardstick should not be a straw man and no one setting suits every dataset.
// Deterministic for a seed (torch's generator seeded, own sampling RNG).
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
/// `split` must index `data` (splitView's split and data).
BaselineData baselineData(const DatasetSnapshot& data, Split split, const RunConfig& config);
/// The same for a split that reads `data` as it is (makeSplit).
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

/// What BPR-MF is trained with (recorded with a baseline run as its params).
struct BprParams
{
  double lr = 2e-3;
  double l2 = 1e-2;

  Json toJson() const;  // {"lr", "l2"}
  /// {} (runs recorded before BPR-MF was tuned) gives the former fixed recipe.
  static BprParams fromJson(const Json& params);
};

/// The tuning grid (coordinate search: learning rates first, then L2 at the best one).
extern const std::vector<double> kBprLrGrid;
extern const std::vector<double> kBprL2Grid;

struct BprFactors
{
  torch::Tensor users;  // [U, d]
  torch::Tensor items;  // [N, d]
  torch::Tensor bias;   // [N]
  MetricSet valid;      // of the best epoch
  int bestEpoch = 0;
  int epochsRun = 0;
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

/// Trains BPR-MF with `params`; `cancelled` is set when cb.cancel ended it. Cold items' factors
/// and biases are zero (they never trained). onProgress, onEpoch and pause are honoured.
BprFactors trainBpr(const DatasetSnapshot& data, const RunConfig& config, const BaselineData& b,
                    const BprParams& params, const TrainCallbacks& cb, bool* cancelled);

struct BprFit
{
  BprFactors factors;            // of the best setting
  BprParams params;              // the best setting
  std::vector<std::string> log;  // one line per setting tried: "lr 0.003, l2 0.01: ndcg@10 ..."
};

/// Tunes the learning rate and L2 on validation NDCG@K (the grid above) and keeps the best
/// setting's factors. onLog hears each setting as it starts; onEpoch hears every setting's epochs
/// numbered on from the previous setting's last. `cancelled` as in trainBpr.
BprFit tuneBpr(const DatasetSnapshot& data, const RunConfig& config, const BaselineData& b,
               const TrainCallbacks& cb, bool* cancelled);

/// bpr.pt: a torch archive with "meta" (JSON: format "m6-bpr", version, users, items, dim, seed)
/// and the three tensors. load throws std::runtime_error naming the file and the problem.
void saveBprFactors(const std::string& path, const BprFactors& f, const RunConfig& config);
BprFactors loadBprFactors(const std::string& path, const DatasetSnapshot& data);

/// The ranking scope of the warm targets under the cold-item protocol (default scope without).
RankingScope warmScope(const BaselineData& b, const RunConfig& config);

}  // namespace m6
