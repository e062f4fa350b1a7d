// Sampled softmax for the dot scorer on large catalogues (private to model/).
//
// A full softmax scores every item of the catalogue for every example; from about 10,000 items
// that is the whole cost of a step. The sampled softmax scores each example only against a
// candidate set shared by the whole batch: the batch's own targets (in-batch negatives for the
// other rows) plus M negatives drawn once per step from the sampler. Shared candidates make the
// logits one [B, C] matrix product, as with the full softmax, at a fraction of its width.
//
// The candidates are not drawn uniformly (targets follow popularity, and so may the sampler), so
// each logit is corrected by the log of its item's expected count in the candidate draw
// (the "logQ" correction of Bengio & Senecal, Jean et al., Yi et al. 2019):
//   E_j = M * q_j + B * p_j,   logit'_rj = logit_rj - log E_j,
// with q the sampler's probabilities and p each item's share of the training examples. Without
// it popular items are pushed down just for being drawn often. Duplicate candidates are merged
// (an item drawn twice is one class), and a row's own target is its label column.
//
// Thread affinity: pure functions.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace m6
{

/// The sorted distinct values of `ids` (int64 item indices, any shape, all >= 0) and, per
/// element of `ids` (flattened), the position of its value among them: what
/// torch::_unique(ids, sorted, return_inverse) answers, computed with `scratch` (a table indexed by
/// item, -1 where unused; grown as needed and left all -1 again) instead of a sort of `ids`.
/// A training step calls it twice on ~10,000 ids, where torch's version cost a fifth of the step.
std::pair<torch::Tensor, torch::Tensor> uniqueItems(const torch::Tensor& ids,
                                                    std::vector<int32_t>& scratch);

struct SampledSoftmaxCandidates
{
  torch::Tensor items;        // [C] int64, sorted distinct candidate items
  torch::Tensor labels;       // [B] int64, the column of each row's target in `items`
  torch::Tensor logExpected;  // [C] float, log of each candidate's expected count
  torch::Tensor hidden;       // [B, C] bool or undefined: candidates a row is not scored against
};

/// The candidate set of one step: targets [B] and shared negatives [M] (item ids), with the
/// sampler's probability per item `samplerProb` [N] and each item's share of the training
/// examples `targetProb` [N] (both float).
SampledSoftmaxCandidates sampledSoftmaxCandidates(const torch::Tensor& targets,
                                                  const torch::Tensor& shared,
                                                  const torch::Tensor& samplerProb,
                                                  const torch::Tensor& targetProb,
                                                  std::vector<int32_t>& scratch);

/// Hides from each row the targets of the batch's other rows of the same user (`users` [B],
/// row order), unless that item is the row's own target: they are that user's positives, not
/// negatives drawn by chance, and the logQ correction would boost them as if they were. A batch
/// of history windows (window_batch.h) holds runs of about 20 consecutive targets per user, and
/// without this a step pushed down the very items the user chose next (ml-latest-small, 680
/// shared negatives, seeds 1-3: validation NDCG@10 0.0593 with windows against 0.0708
/// per-example; 0.0631 with this). A shuffled batch of 256 holds about 1.6 such pairs at 25M,
/// about 195 on ml-latest-small (610 users, some with thousands of ratings).
void hideSameUserTargets(SampledSoftmaxCandidates& c, const std::vector<int32_t>& users);

/// Mean cross-entropy of the corrected logits: `scores` [B, C] are the raw dot-product logits
/// of each row against `c.items`; hidden candidates take no part.
torch::Tensor sampledSoftmaxLoss(const torch::Tensor& scores, const SampledSoftmaxCandidates& c);

}  // namespace m6
