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

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/runner/search_types.h"
#include "app/runner/training_session.h"

namespace m6
{

/// How SearchRunner::run goes about the trials.
struct SearchRunOptions
{
  /// >= 0 overrides the stored time budget (minutes) for this call; 0: no limit.
  std::optional<double> budgetMinutes;
  /// > 1: the trials train in up to this many m6-cli processes at once (`m6-cli search --resume
  /// ID --trial T`), started in trial order, the next when one ends. Halving makes the same
  /// decisions as one after another: a trial at a rung waits until every trial before it has
  /// reached that rung or ended, and compares with exactly those.
  int parallel = 1;
  /// >= 0: train (or resume) this trial alone (0-based), as each of those processes does; the
  /// search's status and best run are left to the process that runs the search.
  int only = -1;
  /// parallel > 1: true suspends the trial processes (SIGSTOP) until it is false again.
  const std::atomic<bool>* pause = nullptr;
};

struct SearchPlan;
struct TrialStart;

class SearchRunner
{
 public:
  SearchRunner(Workspace& ws, TrainingSession& session, const DatasetInfo& dataset,
               const DatasetSnapshot& snapshot);

  /// Checks the request against the dataset (every trial's configuration is validated; the
  /// invalid ones will be skipped, all invalid is an error) and records the search.
  Result<SearchRecord> create(const SearchRequest& request);

  /// Runs (or resumes) the search. `hooks` are the caller's (progress, log, cancel); a cancel
  /// stops the running trial(s) and the search ("stopped", resumable). `onTrial` (may be empty)
  /// hears of each trial as it starts and ends (with parallel > 1 several are running at once,
  /// and hooks other than cancel hear nothing: the trials train in other processes).
  Result<SearchResult> run(
      const SearchRecord& search, const TrainCallbacks& hooks, const SearchRunOptions& options = {},
      const std::function<void(const SearchTrialResult&, bool started)>& onTrial = {});

 private:
  std::string validationProblem(const RunConfig& config) const;
  Result<TrialStart> prepareTrial(const SearchRecord& search, const SearchPlan& plan, int trial,
                                  const std::optional<SearchTrialRecord>& stored,
                                  const std::atomic<bool>* cancel);
  Result<SearchTrialResult> trainHere(const SearchRecord& search, const SearchPlan& plan,
                                      TrialStart& start, const TrainCallbacks& hooks,
                                      std::string& stopReason);
  /// The best-so-far values at `epoch` of the trials before `trial` that reach it, waiting for
  /// those still training elsewhere; nothing when `cancel` is set while waiting.
  std::optional<std::vector<double>> earlierAtRung(int64_t searchId, const SearchPlan& plan,
                                                   int trial, int epoch,
                                                   const std::atomic<bool>* cancel);
  Result<SearchResult> runInProcesses(
      const SearchRecord& search, const SearchPlan& plan,
      std::map<int, SearchTrialRecord>& existing, const TrainCallbacks& hooks,
      const SearchRunOptions& options,
      const std::function<void(const SearchTrialResult&, bool started)>& onTrial);
  Result<SearchResult> finish(SearchResult result, const SearchPlan& plan,
                              const std::string& stopReason);
  std::optional<SearchTrialResult> recordedTrial(const SearchRecord& search, const SearchPlan& plan,
                                                 int trial);

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
