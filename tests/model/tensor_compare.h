// The largest absolute difference of two tensors of one shape, for the tests that compare two
// computations of the same values (test_lazy_adam, test_row_products, test_softmax_loss).
//
// Includes torch: include it first, in a test compiled with QT_NO_KEYWORDS.
#pragma once

#include <torch/torch.h>

namespace m6test
{

inline double maxDifference(const torch::Tensor& a, const torch::Tensor& b)
{
  return (a - b).abs().max().item<double>();
}

}  // namespace m6test
