// Hyperparameter search over a TrainingSession: every trial is an ordinary run of the workspace,
// recorded as a trial of its search (storage/searches.h), so the run table, Inspect and
// significance work on trials like on any run, and a killed search resumes where it stopped.
//
// Resuming: the trials are a pure function of the stored spec (search_space.h), so a resumed
// search redraws the same trials; a trial whose run finished (or was stopped by halving, or
// diverged or failed) is kept as it is, an interrupted or budget-stopped one continues from its
// last checkpoint (or starts over when it has none), the others train.
//
// Plain C++ (storage/ + model/, no Qt). Thread affinity: the thread that opened the workspace;
// the hooks run on it, as in TrainingSession.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/runner/training_session.h"
#include "model/core/search_space.h"
#include "storage/searches.h"

namespace m6
{

struct SearchRequest
{
  std::string name;  // "" -> "search N"
  SearchSpace space;
  SearchStrategy strategy = SearchStrategy::Random;
  int trials = 0;            // 0: the whole grid (grid), 10 (random, halving)
  double budgetMinutes = 0;  // 0: no time limit
  uint64_t seed = 1;         // the random draws' seed
  HalvingRule halving;
  RunConfig base;  // every trial's configuration before its values are set

  /// The spec stored with the search (everything a resume needs).
  Json toSpec() const;
  /// Throws std::invalid_argument when the stored spec is damaged.
  static SearchRequest fromSpec(const Json& spec);
};

struct SearchTrialResult
{
  int trial = 0;
  TrialValues values;
  std::optional<RunRecord> run;  // empty: skipped (invalid configuration) or not reached
  std::string decision;          // why it was stopped early or skipped ("" otherwise)
  double value = 0;              // validation metric of its best epoch (NaN when none)
};

struct SearchResult
{
  SearchRecord search;
  std::string metric;  // "ndcg@10"
  bool higherIsBetter = true;
  std::vector<SearchTrialResult> trials;  // in trial order, only those reached
  std::optional<int64_t> bestRun;
  int plannedTrials = 0;

  Json toJson() const;  // {"search", "name", "status", "strategy", "metric", "best_run", "trials"}
};

class SearchRunner
{
 public:
  SearchRunner(Workspace& ws, TrainingSession& session, const DatasetInfo& dataset,
               const DatasetSnapshot& snapshot);

  /// Checks the request against the dataset (every trial's configuration is validated; the
  /// invalid ones will be skipped, all invalid is an error) and records the search.
  Result<SearchRecord> create(const SearchRequest& request);

  /// Runs (or resumes) the search. `hooks` are the caller's (progress, log, cancel); a cancel
  /// stops the running trial and the search ("stopped", resumable). `budgetMinutes` >= 0
  /// overrides the stored budget for this call. `onTrial` (may be empty) hears of each trial as
  /// it starts and ends.
  Result<SearchResult> run(
      const SearchRecord& search, const TrainCallbacks& hooks,
      std::optional<double> budgetMinutes = std::nullopt,
      const std::function<void(const SearchTrialResult&, bool started)>& onTrial = {});

 private:
  std::string validationProblem(const RunConfig& config) const;

  Workspace& ws_;
  TrainingSession& session_;
  const DatasetInfo& dataset_;
  const DatasetSnapshot& snapshot_;
  RunStore runs_;
  SearchStore searches_;
};

/// A recorded search's current state, without running anything or reading its dataset.
Result<SearchResult> describeSearch(Workspace& ws, const SearchRecord& search);

}  // namespace m6
