// TrainWorker: trains, resumes and runs baselines through m6::TrainingSession (the same code that
// records the CLI's runs) on its own thread, with its own Workspace and its own dataset snapshot
// (both opened and loaded on that thread; the snapshot stays cached for the next job).
//
// Contract, per job (run() or baselines(), each with a token chosen by the caller):
//  - phase() while the dataset loads; then for a training run runStarted() with the recorded run
//    (status "running"), then any number of feedReady() / epochEnded() / logLine(), and exactly
//    one of runFinished() (the final record: finished, stopped or diverged), failed() (the run is
//    recorded "failed" when it had started), or cancelled() (stopped before anything was
//    recorded).
//  - A run group (TrainRequest::seeds > 1, or resumeGroup) is one job: runStarted() for each member
//    as it starts (the feed then carries that member's steps from step 1), a log line per member,
//    and one runFinished() at the end with the last member's record (stopped when the user
//    stopped the group, which stays resumable), failed() or cancelled().
//  - A hyperparameter search (TrainRequest::search, or resumeSearch) is one job: runStarted() for
//    each trial as it starts (the feed then carries that trial's steps from step 1), log lines per
//    trial (its values, then its status, validation value and any halving decision), and one
//    searchFinished() at the end (the search "stopped" and resumable when the user stopped it),
//    failed() or cancelled().
//  - adapt() is a training run (same signals) that starts from a parent run's weights; after it
//    the log gets the adaptation report's summary and the zero-shot figures.
//  - compare() (compareAdaptation: zero-shot, then adapted and scratch runs per share) says
//    armStarted() before each arm and ends with comparisonFinished(), failed() or cancelled();
//    its arms report progress through the feed but not their steps (each arm restarts at step 1).
//  - Baselines end with baselinesFinished() (one finished record per baseline), failed() or
//    cancelled().
//  - Per-step data (losses, progress) goes into the shared TrainFeed, not into signals:
//    feedReady(token) says the feed has data the reader has not been told about (once per drain).
//
// Pause and stop are plain atomics read by the engine between steps: setPaused() holds training
// between two steps until unpaused; cancelJob(token) ends the job with that token (a training
// run ends "stopped", keeping its best checkpoint, and is evaluated on test from it).
//
// Thread affinity: lives on a worker QThread (see WorkerThread). run() and baselines() execute
// there; cancel(), cancelJob(), setPaused() are thread-safe and never block.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

#include "app/bridge/adapt_types.h"
#include "app/bridge/dataset_cache.h"
#include "app/bridge/train_feed.h"
#include "app/bridge/train_types.h"
#include "app/runner/run_groups.h"
#include "storage/result.h"

namespace m6
{

class TrainWorker : public QObject
{
  Q_OBJECT
 public:
  TrainWorker(QString workspacePath, std::shared_ptr<TrainFeed> feed,
              std::shared_ptr<SnapshotStore> snapshots);
  ~TrainWorker() override;

  /// Stops the running job and every job queued so far. Thread-safe.
  void cancel();
  /// Stops the job with this token (or an earlier one) if it runs or is still queued.
  void cancelJob(quint64 token);
  /// Holds (true) or releases (false) training between two steps. Thread-safe.
  void setPaused(bool paused) { pause_.store(paused); }
  bool isPaused() const { return pause_.load(); }

 public Q_SLOTS:
  void run(quint64 token, m6::TrainRequest request);
  void baselines(quint64 token, qint64 datasetId, const m6::RunConfig& config);
  void adapt(quint64 token, m6::AdaptRequest request);
  void compare(quint64 token, m6::CompareJob job);

 Q_SIGNALS:
  void phase(quint64 token, QString text);
  void runStarted(quint64 token, m6::RunRecord run);
  void feedReady(quint64 token);
  void epochEnded(quint64 token, m6::EpochStats epoch);
  void logLine(quint64 token, QString line);
  void runFinished(quint64 token, m6::RunRecord run);
  void baselinesFinished(quint64 token, m6::RunRecordList runs);
  /// A search job's end: its state after this job (finished, or stopped and resumable).
  void searchFinished(quint64 token, m6::SearchResult result);
  /// compare(): arm `index` of `total` (1-based) starts; `text` says which.
  void armStarted(quint64 token, QString text, int index, int total);
  /// A run group's members trained in their own processes (Processes > 1): after each start and
  /// end, how many ended and are training, of the `total` this job trains.
  void membersProgress(quint64 token, qint64 groupId, int ended, int running, int total);
  /// A search's trials trained in their own processes (Processes > 1): after each start and end,
  /// how many ended and are training, of the search's `total` trials.
  void trialsProgress(quint64 token, qint64 searchId, int ended, int running, int total);
  void comparisonFinished(quint64 token, m6::AdaptComparison comparison);
  void cancelled(quint64 token);
  void failed(quint64 token, QString message);

 private:
  /// run() for a run group (new or continued); train_worker_group.cpp.
  void runGroup(quint64 token, const TrainRequest& request);
  /// The group's members one after another on this thread, with live curves.
  GroupSummary membersHere(quint64 token, int64_t groupId, const LoadedDataset& data,
                           const std::function<void(const RunConfig&)>& check, RunRecord* last);
  /// The group's members in up to `processes` m6-cli processes at once; Stop interrupts them,
  /// Pause suspends them.
  GroupSummary membersInProcesses(quint64 token, int64_t groupId, int processes, RunRecord* last);
  /// run() for a hyperparameter search (new or continued); train_worker_search.cpp.
  void runSearch(quint64 token, const TrainRequest& request);
  /// `rankZero` as rank 0 of a local data-parallel job over `processes` (1: alone, as is): the
  /// other ranks are m6-cli processes started here and reaped after it (config.train.threads
  /// becomes 1 for every rank). Its error names the ranks that ended badly too; after a success
  /// they are logged as a warning. Throws when the processes cannot be started, after telling
  /// `notStarted` why.
  Result<RunRecord> withLocalRanks(
      quint64 token, int processes, const std::string& dataset, RunConfig& config,
      const std::function<void(const std::string&)>& notStarted,
      const std::function<Result<RunRecord>(const Distributed&)>& rankZero);
  Workspace& workspace();
  void beginJob(quint64 token);
  /// The dataset of a job, or nullptr when the job was cancelled while it loaded.
  const LoadedDataset* load(quint64 token, qint64 datasetId);
  TrainCallbacks hooks(quint64 token);
  /// Answers a job whose `result` holds no value: cancelled(token) when it was cancelled, else
  /// failed(token, its error). False, and nothing emitted, when it holds a value.
  template <typename T>
  bool answeredUnfinished(quint64 token, const Result<T>& result)
  {
    if (result)
    {
      return false;
    }
    if (isCancelled(result))
    {
      Q_EMIT cancelled(token);
    }
    else
    {
      Q_EMIT failed(token, QString::fromStdString(result.error()));
    }
    return true;
  }

  QString path_;
  std::shared_ptr<TrainFeed> feed_;
  std::unique_ptr<Workspace> ws_;
  DatasetCache cache_;
  std::atomic<bool> cancel_{false};       // the engine's flag for the job running now
  std::atomic<bool> pause_{false};        // the engine's pause flag
  std::atomic<quint64> cancelUpTo_{0};    // jobs with a token up to this one are cancelled
  std::atomic<quint64> currentToken_{0};  // the job running now (0: none yet)
};

}  // namespace m6
