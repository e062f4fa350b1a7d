// Is run A really better than run B? The paired comparison of model/core/
// significance.h over the per-user test results two recorded runs stored, after checking that
// they can be compared at all. Shared by `m6-cli significance` and the Runs page.
//
// Refused, with the reason: a run without per-user test results (not finished, or recorded
// before they were kept), runs of different datasets or tasks, runs evaluated under different
// protocols (split, sampled or full ranking, cold-item protocol, preparation; the cut-off K does
// not matter, ranks are stored), and runs whose users or held-out targets differ.
//
// Either side may be a run group (several seeds of one configuration): a user's value on that
// side is the mean over its members (pairedGroupComparison).
//
// Plain C++ (no Qt). Thread affinity: the RunStore's thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/core/significance.h"
#include "storage/run_groups.h"
#include "storage/runs.h"

namespace m6
{

struct RunSignificance
{
  RunRecord a;  // the run of side A (of a group: its first member with test results)
  RunRecord b;
  std::optional<RunGroupRecord> groupA;  // set when side A is a run group
  std::optional<RunGroupRecord> groupB;
  std::vector<int64_t> membersA;  // the runs compared on side A (one without a group)
  std::vector<int64_t> membersB;
  std::string protocol;  // the test protocol both runs share
  PairedComparison comparison;

  /// The run's name, or "<group name> (N seeds)".
  std::string nameA() const;
  std::string nameB() const;
  /// PairedComparison::toJson() plus "run_a"/"run_b" (or "group_a"/"group_b" with "runs_a"/
  /// "runs_b"), "name_a", "name_b", "dataset", "protocol".
  Json toJson() const;
};

/// A side of a comparison: a run, or a run group (its members with test results, averaged per
/// user).
struct SignificanceSide
{
  int64_t id = 0;
  bool group = false;
};

/// The metric compared when none is asked for: ndcg@K of the run's own K for ranking runs,
/// logloss for ctr, abs_error for rating.
std::string defaultSignificanceMetric(const RunRecord& run);

/// Loads both runs and their per-user test rows and compares them on `metric` ("" = the
/// default of run A).
Result<RunSignificance> compareRuns(RunStore& store, int64_t runA, int64_t runB,
                                    const std::string& metric, const PairedOptions& options = {});

/// The same for runs or groups (`groups` may be null when neither side is a group). Every member
/// of both sides must share dataset, task and protocol; a run on both sides is refused.
Result<RunSignificance> compareSides(RunStore& store, GroupStore* groups, const SignificanceSide& a,
                                     const SignificanceSide& b, const std::string& metric,
                                     const PairedOptions& options = {});

}  // namespace m6
