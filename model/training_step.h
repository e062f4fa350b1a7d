// One optimisation step's loss for every task and loss (private to model/).
//
// Under the cold-item protocol the cold items are out of training entirely: never a target, never
// a sampled negative, never a class of the full softmax, and left out of the histories.
//
// The user side (user token, context token, encoded history) is computed once per example and
// broadcast over its positive and negatives. With the full softmax the whole catalogue's item
// tokens are computed once per step (they are the softmax's classes); otherwise only the items
// the batch touches (history, positives, negatives) are encoded, once each. The sampled softmax
// (dot) scores every row against one candidate set shared by the batch (sampled_softmax.h).
//
// Thread affinity: the thread that owns the session.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/core/rng.h"
#include "model/sampled_softmax.h"
#include "model/sampler.h"
#include "model/session.h"
#include "model/window_batch.h"

namespace m6
{

class TrainingStep
{
 public:
  explicit TrainingStep(Session& session);

  /// Interaction indices the model learns from: the train part (ranking), or its interactions
  /// that have a rating (ctr, rating); only the train.train_fraction subset, and never an
  /// interaction with a cold item (cold-item protocol).
  std::vector<int64_t> examples() const;

  /// The mean loss of a batch of example interactions; negatives are drawn from `rng`.
  torch::Tensor loss(const std::vector<int64_t>& batch, DemoRng& rng);

  /// Whether steps group a user's consecutive targets into history windows (train.shared_history
  /// on, and a model and loss that allow it: window_batch.h), so the epoch's order should keep
  /// them together (windowOrder).
  bool windowed() const { return windowed_; }

 private:
  /// `counts`: training interactions per item (read once, for the sampler and the loss).
  TrainingStep(Session& session, const std::vector<int64_t>& counts);

  Session& session_;
  Loss loss_;  // effective: Softmax | SampledSoftmax | Bce | Bpr | Mse
  int negatives_ = 0;
  NegativeSampler sampler_;
  /// The dot scorer's sampled softmax over the batch's targets and shared negatives.
  torch::Tensor sampledSoftmaxStep(const UserBatch& ub, const torch::Tensor& targets,
                                   const std::vector<int32_t>& users, DemoRng& rng);
  /// The softmax or sampled softmax loss of a batch whose targets form runs (`windows`).
  torch::Tensor windowStep(const std::vector<QuerySpec>& queries, const WindowBatch& windows,
                           const torch::Tensor& targets, const std::vector<int32_t>& users,
                           DemoRng& rng);
  /// The sampled softmax's candidates for `targets` (one shared draw from `rng`), each row's
  /// other targets of the same user (`users`, per row) hidden from it.
  SampledSoftmaxCandidates drawCandidates(const torch::Tensor& targets,
                                          const std::vector<int32_t>& users, DemoRng& rng);

  bool windowed_ = false;

  torch::Tensor samplerProb_;  // float [N], sampler's draw probability (sampled softmax)
  torch::Tensor targetProb_;   // float [N], share of the training examples (sampled softmax)
  torch::Tensor coldMask_;     // bool [1, N], cold items (never a softmax class); undefined if none
  const std::vector<uint8_t>* hidden_ = nullptr;  // cold items, left out of training histories
  std::vector<int32_t> seen_;  // uniqueItems' table, one entry per item, -1 between calls
};

}  // namespace m6
