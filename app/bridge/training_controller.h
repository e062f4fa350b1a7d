// TrainingController: the GUI's handle on training in one workspace. Owns the TrainWorker's
// thread (kept for the workspace's lifetime, so the dataset snapshot stays loaded between runs)
// and the live TrainFeed, runs one job at a time (a training run, a resume or the baselines),
// and re-emits the worker's reports as GUI-thread signals.
//
// Coalescing: the worker notifies through feedReady at most once per drain; the controller then
// starts a single-shot timer (coalesceInterval(), 40 ms by default) and on its timeout drains
// the feed and emits one stepsArrived() and one progressChanged(). Views do one addData per
// graph and one replot per stepsArrived. Before a job's end signal the feed is drained, so the
// last steps always arrive before runFinished()/jobEnded().
//
// Contract:
//  - startTraining()/resumeRun()/startBaselines()/startSearch()/... return the job's token, or 0
//    (and do nothing) while a job runs.
//  - Every job ends with exactly one of runFinished(), baselinesFinished(), searchFinished(),
//    comparisonFinished(), jobFailed() or jobCancelled(), followed by jobEnded(); busy() is false
//    from then on.
//  - setPaused() and stop() are immediate (atomics read by the engine between steps); stop()
//    ends a run as "stopped" with its best checkpoint kept; pausedChanged() reports the state.
//  - The destructor stops the running job and waits for the worker (a stopped run still
//    evaluates its best checkpoint on test); call stop() first and wait for jobEnded() to close
//    without blocking.
//
// Thread affinity: GUI thread only.
#pragma once

#include <QObject>
#include <QTimer>
#include <memory>

#include "app/bridge/train_feed.h"
#include "app/bridge/train_types.h"
#include "app/bridge/train_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class SnapshotStore;

class TrainingController : public QObject
{
  Q_OBJECT
 public:
  enum class Job
  {
    None,
    Training,  // a training run, a resume or an adaptation
    Baselines,
    Comparison,  // compareAdaptation: zero-shot, adapted and scratch arms
    Search       // a hyperparameter search: one training run per trial
  };

  /// `snapshots`: the process's snapshot store (from the composition root), shared with the
  /// other facades' workers.
  TrainingController(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                     QObject* parent = nullptr);
  ~TrainingController() override;

  /// `processes` > 1: data-parallel over that many local processes (this one is rank 0 and
  /// reports as any run does; the others are m6-cli processes stopped with it).
  /// `seeds` > 1: a run group (the configuration trained with seeds config.train.seed, +1, ...,
  /// one after another in one job; runStarted() for each member, one runFinished() at the end).
  quint64 startTraining(qint64 datasetId, const RunConfig& config, const QString& name,
                        int processes = 1, int seeds = 1);
  /// Continues a run group: its interrupted or stopped member, then the seeds not trained yet.
  quint64 resumeGroup(qint64 groupId, qint64 datasetId);
  /// `datasetId`: the run's dataset when the caller knows it (activeDataset() reports it from
  /// the start; otherwise from when the worker has read the run record).
  quint64 resumeRun(qint64 runId, qint64 datasetId = 0, int processes = 1);
  quint64 startBaselines(qint64 datasetId, const RunConfig& config);
  /// A new hyperparameter search on the dataset (search_types.h): runStarted() for each trial,
  /// log lines per trial, one searchFinished() at the end. Stop leaves it resumable.
  /// `processes` > 1: up to that many trials at once, each in an m6-cli process of its own
  /// (trialsProgress() instead of runStarted(); Pause suspends them, Stop interrupts them).
  quint64 startSearch(qint64 datasetId, const SearchRequest& request, int processes = 1);
  /// Continues a stopped or interrupted search (the trials not settled yet).
  quint64 resumeSearch(qint64 searchId, qint64 datasetId, int processes = 1);
  /// Any training-worker request (a run, a group, a search, a resume), as the run queue stores
  /// them.
  quint64 start(const TrainRequest& request);
  /// A new run on `request.datasetId` from the parent run's weights: a training job (runStarted,
  /// live curves, runFinished) whose log ends with the adaptation report and zero-shot figures.
  quint64 startAdapt(const AdaptRequest& request);
  /// Zero-shot vs adapted vs scratch per share of the training data: armStarted() per arm, then
  /// comparisonFinished() (or jobFailed/jobCancelled; the arms already run stay recorded).
  quint64 startCompare(const CompareJob& job);

  void setPaused(bool paused);
  void stop();

  bool busy() const { return job_ != Job::None; }
  Job job() const { return job_; }
  bool paused() const { return paused_; }
  bool stopping() const { return stopping_; }
  /// Whether the job that ended last was ended by stop() (read it in a jobEnded() handler).
  bool lastJobStopped() const { return lastStopped_; }
  /// The id of the run being trained (0 when none, or before the worker recorded it).
  qint64 activeRun() const { return busy() ? activeRun_ : 0; }
  /// The dataset the running job trains on (0 when none, or a resume not yet started).
  qint64 activeDataset() const { return busy() ? activeDataset_ : 0; }
  quint64 token() const { return token_; }

  int coalesceInterval() const { return timer_.interval(); }
  void setCoalesceInterval(int ms) { timer_.setInterval(ms); }
  /// Number of feed drains so far (each one emitted at most one stepsArrived).
  qint64 drains() const { return drains_; }

 Q_SIGNALS:
  void jobStarted(quint64 token);
  void phaseChanged(QString text);
  void runStarted(m6::RunRecord run);
  void stepsArrived(m6::StepBatch steps);
  void progressChanged(m6::Progress progress);
  void epochEnded(m6::EpochStats epoch);
  void logLine(QString line);
  void pausedChanged(bool paused);
  void runFinished(m6::RunRecord run);
  void baselinesFinished(m6::RunRecordList runs);
  void searchFinished(m6::SearchResult result);
  void armStarted(QString text, int index, int total);
  /// The running group's members train in their own processes: ended and training, of `total`.
  void membersProgress(qint64 groupId, int ended, int running, int total);
  /// The running search's trials train in their own processes: ended and training, of `total`.
  void trialsProgress(qint64 searchId, int ended, int running, int total);
  void comparisonFinished(m6::AdaptComparison comparison);
  void jobFailed(QString message);
  void jobCancelled();
  void jobEnded();

 private:
  quint64 begin(Job job);
  /// Starts a training-worker run() job (a run, a resume, a group or a search).
  quint64 startRequest(Job job, qint64 datasetId, const TrainRequest& request);
  /// The worker's signals, each as the controller's signal of the current job.
  void connectWorker();
  /// Connects worker signal `from` to this controller's `to`, for the current job only;
  /// `endsJob`: its last signal (the feed is drained before, the job ended after).
  template <typename... Args>
  void relay(void (TrainWorker::*from)(quint64, Args...), void (TrainingController::*to)(Args...),
             bool endsJob);
  void drain();
  void end();
  bool current(quint64 token) const { return token == token_ && job_ != Job::None; }

  std::shared_ptr<TrainFeed> feed_;
  std::unique_ptr<WorkerThread<TrainWorker>> thread_;
  QTimer timer_;
  Job job_ = Job::None;
  quint64 token_ = 0;
  qint64 activeRun_ = 0;
  qint64 activeDataset_ = 0;
  qint64 drains_ = 0;
  bool paused_ = false;
  bool stopping_ = false;
  bool lastStopped_ = false;
};

}  // namespace m6
