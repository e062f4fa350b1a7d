// Query batches: which user, which history and which context each row of a batch stands for,
// turned into tensors (private to model/).
//
// A query is "user u at the moment of interaction n": its history is the last L interactions
// of u before index historyEnd (the snapshot's order is time order per user), its context is the
// context of interaction contextRow (or the missing row), optionally with the hour of day and
// the day of week overridden.
//
// Thread affinity: none; makeUserBatch only reads its inputs.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "model/core/dataset.h"
#include "model/features.h"

namespace m6
{

struct QuerySpec
{
  int32_t user = 0;
  int64_t historyEnd =
      0;  // history = interactions [max(userStart[user], historyEnd - L), historyEnd)
  int64_t contextRow = -1;  // interaction whose context applies, or -1 for none
  int hourOverride = -1;    // 0..23, or -1
  int dayOverride = -1;     // 0..6 (Sunday = 0), or -1
};

struct UserBatch
{
  torch::Tensor users;                        // int64 [B]
  std::vector<torch::Tensor> userColumns;     // gathered user feature columns
  std::vector<torch::Tensor> contextColumns;  // gathered context feature columns
  torch::Tensor histItems;                    // int64 [B, L] item index, 0 at padding
  torch::Tensor histPad;                      // bool [B, L], true at padding (left side)
  torch::Tensor histGaps;                     // int64 [B, L] recency bucket of each item, 0 unknown
};

/// `hidden` (per item, may be null): items left out of the histories, as if the user had never
/// seen them (training under the cold-item protocol); the window is still the last L
/// interactions, so it then holds fewer items.
UserBatch makeUserBatch(const DatasetSnapshot& data, const FeatureTables& features,
                        int64_t historyLength, const std::vector<QuerySpec>& queries,
                        const std::vector<uint8_t>* hidden = nullptr);

}  // namespace m6
