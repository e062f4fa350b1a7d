// Smoothing of noisy training curves the way TensorBoard does it: an exponential moving average
// with debiasing. With weight w in [0, 1): last = w * last + (1 - w) * y, counted n times, and
// the shown value is last / (1 - w^n), so the start is not pulled towards 0. Weight 0 shows the
// raw values; non-finite values are passed through and do not enter the average.
//
// Thread affinity: none; plain values.
#pragma once

#include <cstdint>
#include <vector>

namespace m6
{

class EmaSmoother
{
 public:
  explicit EmaSmoother(double weight = 0.6) : weight_(weight) {}

  double weight() const { return weight_; }
  /// The smoothed value after adding `y`.
  double add(double y);
  void reset();

 private:
  double weight_;
  double last_ = 0;
  int64_t count_ = 0;
};

/// The smoothed series of `ys` (same length).
std::vector<double> smoothSeries(const std::vector<double>& ys, double weight);

}  // namespace m6
