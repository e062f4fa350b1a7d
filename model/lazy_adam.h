// Adam and AdamW that also take row-sparse gradients (private to model/).
//
// An id table looked up with sparse gradients (EntityEncoderImpl::setSparseIds) gets a gradient
// holding only the rows a step touched. For such a table the update is lazy: the touched rows'
// moments and values follow Adam's formulas (the table's step count drives the bias correction),
// every other row keeps its value and moments. On a large dataset this replaces passes over every
// row of the user table (162,541 x 64 at 25M) by passes over a batch's rows. A dense float
// parameter takes Adam's update too, in one pass over it and its moments instead of the eight of
// torch's tensor form (adam_rows.h); with AMSGrad, or another type or layout, torch's own Adam
// updates it. step() consumes the gradients it applies, as zero_grad with set_to_none would (the
// next backward sets fresh ones). Checkpoints are Adam's (the same archive both ways).
//
// Thread affinity: the thread that trains.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace m6
{

class LazyAdam : public torch::optim::Adam
{
 public:
  using torch::optim::Adam::Adam;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

class LazyAdamW : public torch::optim::AdamW
{
 public:
  using torch::optim::AdamW::AdamW;
  torch::Tensor step(LossClosure closure = nullptr) override;
};

/// Sums the duplicate rows of every sparse gradient among `params` (norms and clipping need
/// each row once).
void coalesceSparseGrads(const std::vector<torch::Tensor>& params);

/// torch::nn::utils::clip_grad_norm_ (2-norm) with the same result and effect, except that it
/// does not multiply every gradient by 1 when the norm is within `maxNorm` (one operation per
/// parameter each step for nothing), nor by NaN when the norm is not finite (training stops
/// then). Like it, it leaves sparse gradients unscaled (lazy_adam.cpp). Returns the norm before
/// clipping.
double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm);

}  // namespace m6
