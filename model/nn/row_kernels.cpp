#include "model/nn/row_kernels.h"

namespace m6
{

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
        float sum = 0;
        // A reduction the compiler may reorder into vector lanes (-fopenmp-simd).
#pragma omp simd reduction(+ : sum)
        for (int64_t c = 0; c < e; ++c)
        {
          sum += ar[c] * xr[c];
        }
        ob[i * j + k] = sum;
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
  for (int64_t i = begin; i < end; ++i)
  {
    float* o = out + i * width;
    for (int64_t c = 0; c < width; ++c)
    {
      o[c] = 0;
    }
    for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k)
    {
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
