// The two small batched products of attention over history slots, and the compressed-rows
// product of the catalogue's mean bags, as plain loops over float arrays (no torch), for
// row_products.h. LibTorch's CPU bmm runs one BLAS call per batch entry, about 2 us each, which
// for a few heads against 20-50 slots of one example is most of the cost; these loops do the same
// arithmetic without it, vectorised for AVX2 where the processor has it (vector_clones.h).
//
// All arrays are row-major and contiguous; each call handles the batch entries [begin, end), so
// callers may split a batch across threads. Thread affinity: none.
#pragma once

#include <cstdint>

namespace m6
{

/// out[b][r][j] = sum_e a[b][r][e] * x[b][j][e]: a [B, R, E], x [B, J, E], out [B, R, J].
void rowDotsKernel(const float* a, const float* x, float* out, int64_t begin, int64_t end,
                   int64_t r, int64_t j, int64_t e);

/// out[b][r][e] = sum_j w[b][r][j] * x[b][j][e]: w [B, R, J], x [B, J, E], out [B, R, E].
void rowMixKernel(const float* w, const float* x, float* out, int64_t begin, int64_t end, int64_t r,
                  int64_t j, int64_t e);

/// The plain loops behind the two above, which run AVX2 twins of them where the processor has
/// AVX2 (vector_clones.h); public so that a test can check both give the same bits.
void rowDotsPlain(const float* a, const float* x, float* out, int64_t begin, int64_t end, int64_t r,
                  int64_t j, int64_t e);
void rowMixPlain(const float* w, const float* x, float* out, int64_t begin, int64_t end, int64_t r,
                 int64_t j, int64_t e);

/// out[i][:] = sum over k in [offsets[i], offsets[i + 1]) of weights[k] * table[index[k]][:], for
/// i in [begin, end): a sparse matrix in compressed rows times a dense table [*, width].
void weightedRowSumsKernel(const float* table, const int64_t* offsets, const int64_t* index,
                           const float* weights, float* out, int64_t begin, int64_t end,
                           int64_t width);

}  // namespace m6
