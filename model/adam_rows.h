// Adam's update in one pass over float arrays, in place: of the rows of an embedding table that one
// step touched, or of a whole dense parameter. Plain C++ (no torch), so it compiles without the
// library's precompiled header and with the flags that let the compiler vectorise its square root
// (model/CMakeLists.txt). torch::optim::Adam's tensor form makes about eight passes over a
// parameter and its moments per step; this makes one.
//
// Thread affinity: none; the caller owns the arrays for the call.
#pragma once

#include <cstdint>

namespace m6
{

/// One Adam step's constants (torch::optim::Adam / AdamW's options and bias corrections).
struct AdamRowConstants
{
  double beta1 = 0.9;
  double beta2 = 0.999;
  double correction1 = 1;  // 1 - beta1^step
  double correction2 = 1;  // 1 - beta2^step
  double lr = 1e-3;
  double eps = 1e-8;
  double weightDecay = 0;
  bool decoupled = false;  // AdamW: the decay shrinks the value, not the gradient
};

/// `table`, `m` and `v` are [rows x width] row-major; `grad` is [n x width], row i the gradient
/// of table row rows[i]. The rows must be distinct (a coalesced sparse gradient's are).
/// Arithmetic in the order of torch::optim::Adam's tensor form.
void adamRowsInPlace(float* table, float* m, float* v, int64_t width, const int64_t* rows,
                     int64_t n, const float* grad, const AdamRowConstants& k);

/// The same update of `n` contiguous values (a dense parameter) with their gradient and moments.
void adamInPlace(float* value, float* m, float* v, const float* grad, int64_t n,
                 const AdamRowConstants& k);

}  // namespace m6
