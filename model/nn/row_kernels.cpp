#include "model/nn/row_kernels.h"

#include <cstring>

#include "model/prefetch.h"
#include "model/vector_clones.h"

namespace m6
{

namespace
{

// Eight running sums side by side: the compiler keeps them in vector lanes without being allowed
// to reorder a single sum (no fast-math, no OpenMP pragma), then they are added up.
constexpr int64_t kLanes = 8;
constexpr int64_t kRowPrefetchAhead = 8;

float dot(const float* a, const float* b, int64_t n)
{
  float lanes[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
  {
    for (int64_t l = 0; l < kLanes; ++l)
    {
      lanes[l] += a[c + l] * b[c + l];
    }
  }
  float sum = 0;
  for (float lane : lanes)
  {
    sum += lane;
  }
  for (; c < n; ++c)
  {
    sum += a[c] * b[c];
  }
  return sum;
}

}  // namespace

// The plain loops, for any processor. Not inlined into their dispatcher: there GCC vectorised
// the mix worse (0.58 -> 0.97 ms at the thorough step's shapes).

__attribute__((noinline)) void rowDotsPlain(const float* a, const float* x, float* out,
                                            int64_t begin, int64_t end, int64_t r, int64_t j,
                                            int64_t e)
{
  for (int64_t b = begin; b < end; ++b)
  {
    const float* ab = a + b * r * e;
    const float* xb = x + b * j * e;
    float* ob = out + b * r * j;
    for (int64_t i = 0; i < r; ++i)
    {
      const float* ar = ab + i * e;
      for (int64_t k = 0; k < j; ++k)
      {
        const float* xr = xb + k * e;
        ob[i * j + k] = dot(ar, xr, e);
      }
    }
  }
}

__attribute__((noinline)) void rowMixPlain(const float* w, const float* x, float* out,
                                           int64_t begin, int64_t end, int64_t r, int64_t j,
                                           int64_t e)
{
  for (int64_t b = begin; b < end; ++b)
  {
    const float* xb = x + b * j * e;
    for (int64_t i = 0; i < r; ++i)
    {
      const float* wr = w + (b * r + i) * j;
      float* o = out + (b * r + i) * e;
      for (int64_t c = 0; c < e; ++c)
      {
        o[c] = 0;
      }
      for (int64_t k = 0; k < j; ++k)
      {
        const float weight = wr[k];
        const float* xr = xb + k * e;
        for (int64_t c = 0; c < e; ++c)
        {
          o[c] += weight * xr[c];
        }
      }
    }
  }
}

namespace
{

#if M6_HAS_AVX2_BUILD

// The AVX2 twins: per output value the same float operations in the same order as the plain
// loops above (the tests compare both with LibTorch; a microbenchmark found them bit-identical).
//
// Dot products computed together: one chain of eight lanes waits on its own additions, four
// independent ones keep the adders busy. Each is summed exactly as a lone one would be.
constexpr int64_t kDotsTogether = 4;
// Output floats summed in registers at a time (four AVX2 registers): the sum over the mixed rows
// runs innermost-but-one, so the partial sums never go back to memory.
constexpr int64_t kBlock = 32;
// Up to this many mixed rows (a gradient's mix over a few heads) the output is written once per
// row anyway and blocks only add work: one pass per row over the whole width instead.
constexpr int64_t kFewRows = 8;

// Eight floats as one value (GCC's vector extension): one AVX2 register, or two SSE ones. The
// accumulators below are kept in such values because arrays of floats went to the stack.
using Lanes = float __attribute__((vector_size(kLanes * sizeof(float))));

M6_INLINE_INTO_TARGET void loadLanes(Lanes* v, const float* p)
{
  std::memcpy(v, p, sizeof *v);
}

/// out[q] = a . x[q] over n floats for q < N: lane l sums the products at l, l + 8, ..., then
/// the lanes are added in order and the remainder after them.
template <int64_t N>
M6_INLINE_INTO_TARGET void dots(const float* a, const float* const* x, int64_t n, float* out)
{
  Lanes lanes[N] = {};
  int64_t c = 0;
  for (; c + kLanes <= n; c += kLanes)
  {
    Lanes av;
    loadLanes(&av, a + c);
    for (int64_t q = 0; q < N; ++q)
    {
      Lanes xv;
      loadLanes(&xv, x[q] + c);
      lanes[q] += av * xv;
    }
  }
  for (int64_t q = 0; q < N; ++q)
  {
    float sum = 0;
    for (int64_t l = 0; l < kLanes; ++l)
    {
      sum += lanes[q][l];
    }
    for (int64_t t = c; t < n; ++t)
    {
      sum += a[t] * x[q][t];
    }
    out[q] = sum;
  }
}

/// o[0, width) = sum over k in [0, count) of w[k] * x[k * width, (k + 1) * width), k in order.
M6_INLINE_INTO_TARGET void mixRows(const float* w, int64_t count, const float* x, int64_t width,
                                   float* o)
{
  int64_t c0 = 0;
  if (count > kFewRows)
  {
    for (; c0 + kBlock <= width; c0 += kBlock)
    {
      Lanes acc[kBlock / kLanes] = {};
      for (int64_t k = 0; k < count; ++k)
      {
        const float weight = w[k];
        const float* row = x + k * width + c0;
        for (int64_t v = 0; v < kBlock / kLanes; ++v)
        {
          Lanes xv;
          loadLanes(&xv, row + v * kLanes);
          acc[v] += weight * xv;
        }
      }
      for (int64_t v = 0; v < kBlock / kLanes; ++v)
      {
        std::memcpy(o + c0 + v * kLanes, &acc[v], sizeof acc[v]);
      }
    }
  }
  for (int64_t c = c0; c < width; ++c)
  {
    o[c] = 0;
  }
  for (int64_t k = 0; k < count; ++k)
  {
    const float weight = w[k];
    const float* row = x + k * width;
    for (int64_t c = c0; c < width; ++c)
    {
      o[c] += weight * row[c];
    }
  }
}

M6_TARGET_AVX2 void rowDotsAvx2(const float* a, const float* x, float* out, int64_t begin,
                                int64_t end, int64_t r, int64_t j, int64_t e)
{
  for (int64_t b = begin; b < end; ++b)
  {
    const float* ab = a + b * r * e;
    const float* xb = x + b * j * e;
    float* ob = out + b * r * j;
    for (int64_t i = 0; i < r; ++i)
    {
      const float* ar = ab + i * e;
      float* orow = ob + i * j;
      int64_t k = 0;
      for (; k + kDotsTogether <= j; k += kDotsTogether)
      {
        const float* rows[kDotsTogether] = {xb + k * e, xb + (k + 1) * e, xb + (k + 2) * e,
                                            xb + (k + 3) * e};
        dots<kDotsTogether>(ar, rows, e, orow + k);
      }
      for (; k < j; ++k)
      {
        const float* row = xb + k * e;
        dots<1>(ar, &row, e, orow + k);
      }
    }
  }
}

M6_TARGET_AVX2 void rowMixAvx2(const float* w, const float* x, float* out, int64_t begin,
                               int64_t end, int64_t r, int64_t j, int64_t e)
{
  for (int64_t b = begin; b < end; ++b)
  {
    const float* xb = x + b * j * e;
    for (int64_t i = 0; i < r; ++i)
    {
      mixRows(w + (b * r + i) * j, j, xb, e, out + (b * r + i) * e);
    }
  }
}

#endif  // M6_HAS_AVX2_BUILD

}  // namespace

void rowDotsKernel(const float* a, const float* x, float* out, int64_t begin, int64_t end,
                   int64_t r, int64_t j, int64_t e)
{
#if M6_HAS_AVX2_BUILD
  if (cpuHasAvx2())
  {
    rowDotsAvx2(a, x, out, begin, end, r, j, e);
    return;
  }
#endif
  rowDotsPlain(a, x, out, begin, end, r, j, e);
}

void rowMixKernel(const float* w, const float* x, float* out, int64_t begin, int64_t end, int64_t r,
                  int64_t j, int64_t e)
{
#if M6_HAS_AVX2_BUILD
  if (cpuHasAvx2())
  {
    rowMixAvx2(w, x, out, begin, end, r, j, e);
    return;
  }
#endif
  rowMixPlain(w, x, out, begin, end, r, j, e);
}

M6_VECTOR_CLONES
void weightedRowSumsKernel(const float* table, const int64_t* offsets, const int64_t* index,
                           const float* weights, float* out, int64_t begin, int64_t end,
                           int64_t width)
{
  // The rows a compressed row names are scattered over the table (a title's hashed n-grams over
  // 16,385 rows): asking for the row a few entries ahead took a cold-cache pass over a title bag
  // of ml-latest-small's size (9,742 rows, 233,000 entries, width 128) from 6.0 to 4.3 ms here.
  const int64_t last = offsets[end];
  for (int64_t i = begin; i < end; ++i)
  {
    float* o = out + i * width;
    for (int64_t c = 0; c < width; ++c)
    {
      o[c] = 0;
    }
    for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k)
    {
      if (k + kRowPrefetchAhead < last)
      {
        prefetchFloats<false>(table + index[k + kRowPrefetchAhead] * width, width);
      }
      const float weight = weights[k];
      const float* row = table + index[k] * width;
      for (int64_t c = 0; c < width; ++c)
      {
        o[c] += weight * row[c];
      }
    }
  }
}

}  // namespace m6
