// Is run A really better than run B? The paired comparison of model/core/
// significance.h over the per-user test results two recorded runs stored, after checking that
// they can be compared at all. Shared by `m6-cli significance` and the Runs page.
//
// Refused, with the reason: a run without per-user test results (not finished, or recorded
// before they were kept), runs of different datasets or tasks, runs evaluated under different
// protocols (split, sampled or full ranking, cold-item protocol, preparation; the cut-off K does
// not matter, ranks are stored), and runs whose users or held-out targets differ.
//
// Plain C++ (no Qt). Thread affinity: the RunStore's thread.
#pragma once

#include <string>

#include "model/core/significance.h"
#include "storage/runs.h"

namespace m6
{

struct RunSignificance
{
  RunRecord a;
  RunRecord b;
  std::string protocol;  // the test protocol both runs share
  PairedComparison comparison;

  /// PairedComparison::toJson() plus "run_a", "run_b", "name_a", "name_b", "dataset",
  /// "protocol".
  Json toJson() const;
};

/// The metric compared when none is asked for: ndcg@K of the run's own K for ranking runs,
/// logloss for ctr, abs_error for rating.
std::string defaultSignificanceMetric(const RunRecord& run);

/// Loads both runs and their per-user test rows and compares them on `metric` ("" = the
/// default of run A).
Result<RunSignificance> compareRuns(RunStore& store, int64_t runA, int64_t runB,
                                    const std::string& metric, const PairedOptions& options = {});

}  // namespace m6
