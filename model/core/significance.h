// Paired comparison of two evaluated runs over their users: the per-user metric of
// run A minus that of run B, its mean, a paired-bootstrap confidence interval, the Wilcoxon
// signed-rank p-value, and the users where A is better, worse or tied.
//
// Pairing is by user, and only runs that held out the same target for every user are comparable:
// pairedComparison() refuses, with the reason, two row sets whose users or targets differ (runs on
// different datasets, splits or preparations).
//
// Direction: mean_difference is always A minus B of the metric's value. "Better" follows the
// metric: higher is better for hr/ndcg/mrr/recall@K, lower for logloss, abs_error and
// squared_error.
//
// Wilcoxon: zero differences are dropped (Wilcoxon's method, scipy's default); the p-value is
// two-sided, exact (the null distribution of the rank sum, counted) when at most 50 differences
// remain and none of their magnitudes tie, otherwise the normal approximation with the tie
// correction of the variance and no continuity correction. No difference at all gives p = 1.
//
// Thread affinity: none; pure functions and plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/json.h"
#include "model/core/metrics.h"

namespace m6
{

struct WilcoxonResult
{
  int64_t n = 0;       // non-zero differences
  double wPlus = 0;    // sum of the ranks of the positive differences
  double z = 0;        // normal approximation's statistic (0 when exact or n == 0)
  double pValue = 1;   // two-sided
  bool exact = false;  // the exact null distribution was used
};

/// Wilcoxon signed-rank test of paired differences against a zero median.
WilcoxonResult wilcoxonSignedRank(const std::vector<double>& differences);

struct BootstrapInterval
{
  double low = 0;
  double high = 0;
};

/// Percentile interval of the mean of `values` over `resamples` resamples with replacement, drawn
/// with a generator seeded by `seed` (the same figures for the same inputs). Empty values: [0, 0].
BootstrapInterval bootstrapMeanInterval(const std::vector<double>& values, int resamples,
                                        uint64_t seed, double confidence = 0.95);

/// Whether a metric's higher values are better (hr/ndcg/mrr/recall@K) or lower (logloss,
/// abs_error, squared_error). Throws std::invalid_argument for a name it does not know.
bool pairedHigherIsBetter(const std::string& metric);

/// The per-user value of `metric` for each row: hr/ndcg/mrr/recall@K from the stored rank (any
/// K, whatever the run's own cut-off), logloss for ctr rows, abs_error and squared_error for
/// rating rows. Throws std::invalid_argument naming the metrics that fit the task.
std::vector<double> perUserValues(const std::vector<UserMetricRow>& rows, Task task,
                                  const std::string& metric);

struct PairedOptions
{
  int resamples = 10000;
  uint64_t seed = 1;
  double confidence = 0.95;
};

struct PairedComparison
{
  std::string metric;
  int64_t users = 0;
  double meanA = 0;
  double meanB = 0;
  double meanDifference = 0;  // A minus B
  BootstrapInterval ci;       // of meanDifference
  WilcoxonResult wilcoxon;
  int64_t better = 0;  // users where A is better than B by the metric's direction
  int64_t worse = 0;
  int64_t tied = 0;
  int resamples = 0;
  uint64_t seed = 0;
  std::vector<double> differences;  // per user, A minus B, in user order

  /// {"metric", "users", "mean_a", "mean_b", "mean_difference", "ci95": [low, high],
  ///  "p_value", "wilcoxon": {"n", "w_plus", "z", "exact"}, "better", "worse", "tied",
  ///  "resamples", "seed"} (no per-user differences).
  Json toJson() const;
};

/// One sentence for the user: which run is better and how firmly ("A is better, significantly
/// (...)"; "no significant difference (...)"; a warning when the bootstrap interval and the
/// Wilcoxon test disagree; "no user differs ..." when every user is tied), at the 5% level.
std::string significanceVerdict(const PairedComparison& c);

/// Pairs the rows of two runs by user and compares them. Throws std::invalid_argument when they
/// cannot be paired: no rows, different users, or a user whose held-out target differs (the
/// message names the first such user by index and both targets).
PairedComparison pairedComparison(const std::vector<UserMetricRow>& a,
                                  const std::vector<UserMetricRow>& b, Task task,
                                  const std::string& metric, const PairedOptions& options = {});

/// The same comparison between two run groups (several seeds of one configuration each): every
/// member's rows are paired by user with the first member of A (the same refusals), and a user's
/// value on each side is the mean of the metric over that side's members.
PairedComparison pairedGroupComparison(const std::vector<const std::vector<UserMetricRow>*>& a,
                                       const std::vector<const std::vector<UserMetricRow>*>& b,
                                       Task task, const std::string& metric,
                                       const PairedOptions& options = {});

}  // namespace m6
