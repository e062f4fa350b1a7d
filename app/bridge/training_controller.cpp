#include "app/bridge/training_controller.h"

#include "app/bridge/snapshot_store.h"

namespace m6
{

TrainingController::TrainingController(const QString& workspacePath,
                                       std::shared_ptr<SnapshotStore> snapshots, QObject* parent)
    : QObject(parent), feed_(std::make_shared<TrainFeed>())
{
  thread_ = std::make_unique<WorkerThread<TrainWorker>>(QStringLiteral("m6-train"), workspacePath,
                                                        feed_, std::move(snapshots));
  timer_.setSingleShot(true);
  timer_.setInterval(40);
  connect(&timer_, &QTimer::timeout, this, &TrainingController::drain);

  connectWorker();
}

template <typename... Args>
void TrainingController::relay(void (TrainWorker::*from)(quint64, Args...),
                               void (TrainingController::*to)(Args...), bool endsJob)
{
  // Queued (the worker lives on another thread); replies of an old job are dropped.
  connect(thread_->worker(), from, this,
          [this, to, endsJob](quint64 token, Args... args)
          {
            if (!current(token))
            {
              return;
            }
            if (endsJob)
            {
              drain();  // the job's last steps before its end
            }
            (this->*to)(args...);  // emits the controller's signal
            if (endsJob)
            {
              end();
            }
          });
}

void TrainingController::connectWorker()
{
  TrainWorker* w = thread_->worker();
  connect(w, &TrainWorker::feedReady, this,
          [this](quint64 token)
          {
            if (current(token) && !timer_.isActive())
            {
              timer_.start();
            }
          });
  connect(w, &TrainWorker::runStarted, this,
          [this](quint64 token, const m6::RunRecord& run)
          {
            if (current(token))
            {
              activeRun_ = run.id;
              activeDataset_ = run.datasetId;
              Q_EMIT runStarted(run);
            }
          });
  connect(w, &TrainWorker::epochEnded, this,
          [this](quint64 token, const m6::EpochStats& e)
          {
            if (current(token))
            {
              drain();  // the epoch's last steps first
              Q_EMIT epochEnded(e);
            }
          });
  relay(&TrainWorker::phase, &TrainingController::phaseChanged, false);
  relay(&TrainWorker::membersProgress, &TrainingController::membersProgress, false);
  relay(&TrainWorker::trialsProgress, &TrainingController::trialsProgress, false);
  relay(&TrainWorker::armStarted, &TrainingController::armStarted, false);
  relay(&TrainWorker::logLine, &TrainingController::logLine, false);
  relay(&TrainWorker::runFinished, &TrainingController::runFinished, true);
  relay(&TrainWorker::baselinesFinished, &TrainingController::baselinesFinished, true);
  relay(&TrainWorker::searchFinished, &TrainingController::searchFinished, true);
  relay(&TrainWorker::comparisonFinished, &TrainingController::comparisonFinished, true);
  relay(&TrainWorker::cancelled, &TrainingController::jobCancelled, true);
  relay(&TrainWorker::failed, &TrainingController::jobFailed, true);
}

TrainingController::~TrainingController()
{
  // WorkerThread's destructor cancels the worker and waits for its thread.
  thread_.reset();
}

quint64 TrainingController::begin(Job job)
{
  job_ = job;
  ++token_;
  activeRun_ = 0;
  stopping_ = false;
  if (paused_)
  {
    paused_ = false;
    Q_EMIT pausedChanged(false);
  }
  thread_->worker()->setPaused(false);
  feed_->clear();
  Q_EMIT jobStarted(token_);
  return token_;
}

quint64 TrainingController::startRequest(Job job, qint64 datasetId, const TrainRequest& request)
{
  if (busy())
  {
    return 0;
  }
  activeDataset_ = datasetId;
  const quint64 token = begin(job);
  thread_->invoke([w = thread_->worker(), token, request] { w->run(token, request); });
  return token;
}

quint64 TrainingController::startTraining(qint64 datasetId, const RunConfig& config,
                                          const QString& name, int processes, int seeds)
{
  TrainRequest r;
  r.datasetId = datasetId;
  r.config = config;
  r.name = name;
  r.processes = processes;
  r.seeds = seeds;
  return startRequest(Job::Training, datasetId, r);
}

quint64 TrainingController::resumeGroup(qint64 groupId, qint64 datasetId)
{
  TrainRequest r;
  r.resumeGroup = groupId;
  return startRequest(Job::Training, datasetId, r);
}

quint64 TrainingController::resumeRun(qint64 runId, qint64 datasetId, int processes)
{
  TrainRequest r;
  r.resumeRun = runId;
  r.processes = processes;
  return startRequest(Job::Training, datasetId, r);
}

quint64 TrainingController::startSearch(qint64 datasetId, const SearchRequest& request,
                                        int processes)
{
  TrainRequest r;
  r.datasetId = datasetId;
  r.search = request;
  r.processes = processes;
  return startRequest(Job::Search, datasetId, r);
}

quint64 TrainingController::resumeSearch(qint64 searchId, qint64 datasetId, int processes)
{
  TrainRequest r;
  r.resumeSearch = searchId;
  r.processes = processes;
  return startRequest(Job::Search, datasetId, r);
}

quint64 TrainingController::start(const TrainRequest& request)
{
  const bool search = request.search || request.resumeSearch > 0;
  return startRequest(search ? Job::Search : Job::Training, request.datasetId, request);
}

quint64 TrainingController::startBaselines(qint64 datasetId, const RunConfig& config)
{
  if (busy())
  {
    return 0;
  }
  activeDataset_ = datasetId;
  const quint64 token = begin(Job::Baselines);
  thread_->invoke([w = thread_->worker(), token, datasetId, config]
                  { w->baselines(token, datasetId, config); });
  return token;
}

void TrainingController::setPaused(bool paused)
{
  if (!busy() || paused == paused_)
  {
    return;
  }
  paused_ = paused;
  thread_->worker()->setPaused(paused);
  Q_EMIT pausedChanged(paused);
}

void TrainingController::stop()
{
  if (!busy() || stopping_)
  {
    return;
  }
  stopping_ = true;
  thread_->worker()->cancelJob(token_);
  setPaused(false);  // a paused run must wake up to see the stop
}

void TrainingController::drain()
{
  timer_.stop();
  TrainFeed::Drained d = feed_->drain();
  ++drains_;
  if (!d.steps.empty())
  {
    Q_EMIT stepsArrived(d.steps);
  }
  if (d.hasProgress)
  {
    Q_EMIT progressChanged(d.progress);
  }
}

void TrainingController::end()
{
  job_ = Job::None;
  lastStopped_ = stopping_;
  stopping_ = false;
  if (paused_)
  {
    paused_ = false;
    Q_EMIT pausedChanged(false);
  }
  thread_->worker()->setPaused(false);
  Q_EMIT jobEnded();
}

}  // namespace m6
