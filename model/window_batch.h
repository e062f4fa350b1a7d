// History windows: a training batch's targets grouped into runs of one user's consecutive
// interactions, so the run's common history is gathered, encoded and projected once (private to
// model/).
//
// A target t (an interaction of user u) sees the L interactions before it, [max(start_u, t - L),
// t), each at position slot L - (t - n) and with the time gap to t, exactly as makeUserBatch gives
// it (batch.h). A run of targets t_0 < ... < t_{Q-1} of one user shares one key table, the
// interactions [max(start_u, t_0 - L), t_{Q-1}), and each target is blocked from every key outside
// its own history: from itself, from what comes after it, and from what lies more than L before
// it. The attention over a run (MultiHeadAttentionImpl::attendWindows) therefore gives each target
// what the per-example path gives it, in one product per run instead of one gather per slot.
//
// Any batch order is correct (a shuffled batch is runs of one); the saving comes from an order
// that keeps a user's targets together (windowOrder).
//
// Thread affinity: none; the functions only read their inputs.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/rng.h"

namespace m6
{

/// Runs of at most this many targets; windowOrder's chunks have this length too.
int64_t windowLength(int64_t historyLength);

struct WindowBatch
{
  int64_t runs = 0;          // R
  int64_t queries = 0;       // Q, the longest run (shorter runs are padded)
  int64_t keys = 0;          // K, the widest key table (narrower ones are padded)
  int64_t targets = 0;       // B, the batch's examples
  torch::Tensor keyItems;    // int64 [R, K] item of each key slot, 0 at padding
  torch::Tensor position;    // int64 [R, Q, K] the key's history slot for the query, 0 if blocked
  torch::Tensor gaps;        // int64 [R, Q, K] recency bucket to the query's time, 0 if unknown
  torch::Tensor blocked;     // bool [R, Q, K] true where the key is not in the query's history
  torch::Tensor rowExample;  // int64 [R * Q] the batch example of each padded row (0 at padding)
  torch::Tensor queryRow;    // int64 [B] the padded row (r * Q + q) of each batch example

  /// Targets per run on average (1 for a shuffled batch).
  double meanRun() const { return runs > 0 ? static_cast<double>(targets) / runs : 0.0; }
};

/// The runs of `batch` (interaction indices, in batch order): a run continues while the next
/// example is a later interaction of the same user, less than 2 * windowLength interactions
/// after the run's first target, and the run is shorter than windowLength.
WindowBatch makeWindowBatch(const DatasetSnapshot& data, int64_t historyLength,
                            const std::vector<int64_t>& batch);

/// The examples (interaction indices in snapshot order, so each user's are together and in time
/// order) cut into chunks of each user's consecutive examples, windowLength long apart from each
/// user's first chunk, whose length is drawn so chunk borders move between epochs; the chunks
/// shuffled. Depends on `rng` only, like a shuffle.
std::vector<int64_t> windowOrder(const DatasetSnapshot& data, const std::vector<int64_t>& examples,
                                 int64_t historyLength, DemoRng& rng);

}  // namespace m6
