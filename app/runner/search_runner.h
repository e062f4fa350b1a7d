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

#include "app/runner/search_types.h"
#include "app/runner/training_session.h"

namespace m6
{

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
