// The softmax cross-entropy of the dot scorer's losses (the full softmax over the catalogue, the
// sampled softmax over its candidates): the value and gradient of
// torch::nn::functional::cross_entropy with mean reduction, in fewer passes over the [B, N]
// logits, which for a full softmax are most of a step's memory traffic. LibTorch's form takes
// log_softmax (one exponential per entry), builds a zero [B, N] gradient for nll_loss and
// exponentiates again in log_softmax's backward; this one keeps the softmax of the forward pass,
// takes the loss from the targets' probabilities, and its backward pass is one multiplication
// and B subtractions. Columns at -inf (hidden items) get probability and gradient 0, as with
// LibTorch's form.
//
// Thread affinity: none beyond the tensors'.
#pragma once

#include <torch/torch.h>

namespace m6
{

/// mean over rows r of (logsumexp(logits[r]) - logits[r][targets[r]]); logits float [B, N],
/// targets int64 [B]. Differentiable with respect to the logits.
torch::Tensor softmaxCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets);

}  // namespace m6
