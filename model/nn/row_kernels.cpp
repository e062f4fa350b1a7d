#include "model/nn/row_kernels.h"

#include "model/prefetch.h"

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

void rowDotsKernel(const float* a, const float* x, float* out, int64_t begin, int64_t end,
                   int64_t r, int64_t j, int64_t e)
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

void rowMixKernel(const float* w, const float* x, float* out, int64_t begin, int64_t end, int64_t r,
                  int64_t j, int64_t e)
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
