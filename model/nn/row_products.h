// Differentiable small batched products for attention over history slots (attention.cpp):
//   rowDots(a, x)[b, r, j] = a[b, r, :] . x[b, j, :]     a [B, R, E], x [B, J, E] -> [B, R, J]
//   rowMix(w, x)[b, r, :]  = sum_j w[b, r, j] x[b, j, :]  w [B, R, J], x [B, J, E] -> [B, R, E]
// Each is the other's backward, so both run on row_kernels.h's loops in both directions. Float
// tensors only; any layout (made contiguous).
//
// Thread affinity: none beyond the tensors'; a batch is split over LibTorch's intra-op threads.
#pragma once

#include <torch/torch.h>

namespace m6
{

torch::Tensor rowDots(const torch::Tensor& a, const torch::Tensor& x);
torch::Tensor rowMix(const torch::Tensor& w, const torch::Tensor& x);

}  // namespace m6
