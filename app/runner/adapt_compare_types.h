// The adaptation comparison's request and result (see adapt_compare.h): plain values that the
// GUI carries through queued signals and shows, without the engine's function API.
//
// Plain C++ (no Qt). Thread affinity: none (values).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/adapt_report.h"
#include "model/core/config.h"
#include "model/core/json.h"
#include "model/core/metrics.h"

namespace m6
{

struct CompareRequest
{
  RunConfig config;      // the target's configuration (task, budget, seed)
  AdaptOptions options;  // how the adapted arms adapt
  std::vector<double> fractions{0.1, 0.25, 1.0};
  std::string namePrefix;  // "" = "compare <parent name>"
};

struct CompareArm
{
  std::string arm;        // "zero-shot" | "pop" | "bpr" | "adapted" | "scratch"
  double fraction = 1.0;  // share of the target's training data (zero-shot: 0)
  int64_t runId = 0;      // the recorded run (0 for zero-shot)
  std::string status;     // the run's status ("finished", "stopped", ...); zero-shot: "evaluated"
  MetricSet valid;
  MetricSet test;
  int64_t trainExamples = 0;
  double seconds = 0;  // wall time of the run
};

struct AdaptComparison
{
  int64_t parentRun = 0;
  std::string dataset;
  std::string protocol;      // the ranking/evaluation protocol every arm shares
  std::string zeroShotNote;  // why there is no zero-shot row, or what it means
  std::vector<CompareArm> arms;

  /// {"parent", "dataset", "protocol", "zero_shot_note", "arms": [{"arm", "fraction", "run",
  ///  "status", "valid", "test", "train_examples", "seconds"}]}
  Json toJson() const;
  /// The arm at `fraction` (zero-shot: any fraction), or null.
  const CompareArm* find(const std::string& arm, double fraction) const;
};

/// Whether an arm is a yardstick baseline rather than a trained or zero-shot M6 arm.
bool isBaselineArm(const std::string& arm);

/// "10%", "25%", "100%", "2.5%".
std::string fractionLabel(double fraction);

}  // namespace m6
