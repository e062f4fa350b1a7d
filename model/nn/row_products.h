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

/// A sparse matrix in compressed rows (`offsets` int64 [n + 1], `index` int64 [nnz] into the
/// rows of `table`, `weights` float [nnz]) times `table` [*, width]: [n, width]. Not
/// differentiable itself (BagMean in encoders.cpp uses it both ways).
torch::Tensor weightedRowSums(const torch::Tensor& table, const torch::Tensor& offsets,
                              const torch::Tensor& index, const torch::Tensor& weights);

}  // namespace m6
