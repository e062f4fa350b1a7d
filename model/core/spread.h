// The spread of a result over repeated runs (a run group's seeds): mean, sample standard deviation
// and a confidence interval of the mean from Student's t distribution, per metric.
//
// Thread affinity: none; pure functions and plain values.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/core/json.h"
#include "model/core/metrics.h"

namespace m6
{

/// The two-sided quantile of Student's t distribution: the t with P(T <= t) = p for `df` degrees of
/// freedom (p in (0, 1), df >= 1). studentTQuantile(0.975, 4) = 2.776.
double studentTQuantile(double p, int df);

struct Spread
{
  int n = 0;        // values summarised
  double mean = 0;  // NaN when n == 0
  double sd = 0;    // sample standard deviation (n - 1); 0 when n < 2
  double low = 0;   // confidence interval of the mean: mean -+ t(df = n - 1) * sd / sqrt(n);
  double high = 0;  // equal to the mean when n < 2 (no spread can be estimated from one value)

  /// {"n", "mean", "sd", "ci95": [low, high]} (the key names the confidence used).
  Json toJson(double confidence = 0.95) const;
};

/// The spread of `values` (non-finite values are left out) at `confidence`.
Spread spreadOf(const std::vector<double>& values, double confidence = 0.95);

/// Per metric name (in the order the sets first name them), the spread over the sets that have it.
std::vector<std::pair<std::string, Spread>> metricSpreads(const std::vector<const MetricSet*>& sets,
                                                          double confidence = 0.95);

}  // namespace m6
