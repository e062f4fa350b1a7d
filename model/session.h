// Everything one model needs around its network: the config, the split, the feature tables and
// the M6 network built for this dataset (private to model/).
//
// Thread affinity: one thread at a time (the network and torch's autograd state are not shared).
#pragma once

#include <torch/torch.h>

#include "model/bag_means.h"
#include "model/batch.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/dataset_schema.h"
#include "model/core/json.h"
#include "model/core/split.h"
#include "model/features.h"
#include "model/nn/m6_net.h"

namespace m6
{

class Collective;

class Session
{
 public:
  /// Builds split, features and network. The initial weights come from torch's generator seeded
  /// with config.train.seed, so they depend only on the config and the data. `data` must outlive
  /// the session. Training (`forTraining`) leaves the generator seeded for the run's dropout;
  /// otherwise its state is restored afterwards (rng.h), so opening a model never disturbs a
  /// training run on another thread.
  /// With train.cold_item_share > 0 the cold items' id embedding rows are zero (and training never
  /// touches them), so a cold item's token comes from its content fields only.
  enum class Use
  {
    Inference,
    Training
  };
  Session(const DatasetSnapshot& data, const RunConfig& config, Use use = Use::Inference);

 private:
  Session(SplitView view, const DatasetSnapshot& data, const RunConfig& config, Use use);
  /// The snapshot reordered for a random split (split.h), or null.
  std::shared_ptr<const DatasetSnapshot> reordered_;

 public:
  /// The interactions the split indexes: the caller's snapshot, or for a split that draws its
  /// held-out interactions at random from time-ordered data, a reordered copy the session owns.
  /// Everything that reads interactions with `split` reads them here.
  const DatasetSnapshot& data;
  const RunConfig config;
  const DatasetSchema schema;
  const Split split;
  const FeatureTables features;
  M6Net net{nullptr};
  torch::Tensor allItems;  // int64 [N] 0..N-1
  /// bagMeans(features.items) of a training session (empty otherwise): encodeCatalogue's
  /// bag gradients without a sort per step.
  const std::vector<BagMeans> catalogueBags;
  const std::vector<uint8_t>
      coldItems;  // per item, 1 = cold (held out); all 0 without the protocol
  const int64_t numCold = 0;
  /// Set while this session trains as one rank of a data-parallel job: evaluation is then split
  /// across the ranks (evaluate.h).
  Collective* collective = nullptr;

  /// Item tokens of the whole catalogue [N, d] (with autograd when enabled).
  torch::Tensor encodeCatalogue();
  /// Item tokens of some items [n, d].
  torch::Tensor encodeItems(const torch::Tensor& ids);
  /// The user side of a batch; history item tokens are picked from `itemTokens` by
  /// `historyRows` (rows of itemTokens, [B, L]).
  UserSide userSide(const UserBatch& batch, const torch::Tensor& itemTokens,
                    const torch::Tensor& historyRows);

  /// What must match for a checkpoint to load: the model config, the task and the dataset
  /// shape (counts and encoded fields).
  Json architecture() const;
  int64_t parameterCount() const;
};

/// Mean rating of the training interactions (0 when there are none).
double meanTrainRating(const DatasetSnapshot& data, const Split& split);

/// Sets the rows `rows` (item or user indices) of an entity's id embedding to zero.
void zeroIdRows(EntityEncoder& encoder, const std::vector<uint8_t>& rows);

}  // namespace m6
