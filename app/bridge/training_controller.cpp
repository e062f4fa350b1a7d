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

  TrainWorker* w = thread_->worker();
  // Queued (the worker lives on another thread); each handler drops replies of old jobs.
  connect(w, &TrainWorker::feedReady, this,
          [this](quint64 token)
          {
            if (current(token) && !timer_.isActive())
            {
              timer_.start();
            }
          });
  connect(w, &TrainWorker::phase, this,
          [this](quint64 token, const QString& text)
          {
            if (current(token))
            {
              Q_EMIT phaseChanged(text);
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
  connect(w, &TrainWorker::membersProgress, this,
          [this](quint64 token, qint64 groupId, int ended, int running, int total)
          {
            if (current(token))
            {
              Q_EMIT membersProgress(groupId, ended, running, total);
            }
          });
  connect(w, &TrainWorker::trialsProgress, this,
          [this](quint64 token, qint64 searchId, int ended, int running, int total)
          {
            if (current(token))
            {
              Q_EMIT trialsProgress(searchId, ended, running, total);
            }
          });
  connect(w, &TrainWorker::logLine, this,
          [this](quint64 token, const QString& line)
          {
            if (current(token))
            {
              Q_EMIT logLine(line);
            }
          });
  connect(w, &TrainWorker::runFinished, this,
          [this](quint64 token, const m6::RunRecord& run)
          {
            if (current(token))
            {
              drain();
              Q_EMIT runFinished(run);
              end();
            }
          });
  connect(w, &TrainWorker::baselinesFinished, this,
          [this](quint64 token, const m6::RunRecordList& runs)
          {
            if (current(token))
            {
              drain();
              Q_EMIT baselinesFinished(runs);
              end();
            }
          });
  connect(w, &TrainWorker::searchFinished, this,
          [this](quint64 token, const m6::SearchResult& result)
          {
            if (current(token))
            {
              drain();
              Q_EMIT searchFinished(result);
              end();
            }
          });
  connect(w, &TrainWorker::cancelled, this,
          [this](quint64 token)
          {
            if (current(token))
            {
              drain();
              Q_EMIT jobCancelled();
              end();
            }
          });
  connect(w, &TrainWorker::failed, this,
          [this](quint64 token, const QString& message)
          {
            if (current(token))
            {
              drain();
              Q_EMIT jobFailed(message);
              end();
            }
          });
  connectAdaptJobs();
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
