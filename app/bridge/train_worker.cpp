#include "app/bridge/train_worker.h"

#include <QFile>
#include <algorithm>
#include <exception>
#include <limits>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "app/bridge/worker_support.h"
#include "app/runner/local_ranks.h"
#include "app/runner/training_session.h"

namespace m6
{

TrainWorker::TrainWorker(QString workspacePath, std::shared_ptr<TrainFeed> feed,
                         std::shared_ptr<SnapshotStore> snapshots)
    : path_(std::move(workspacePath)), feed_(std::move(feed)), cache_(std::move(snapshots))
{
}

TrainWorker::~TrainWorker() = default;

void TrainWorker::cancel()
{
  cancelUpTo_.store(std::numeric_limits<quint64>::max());
  cancel_.store(true);
}

void TrainWorker::cancelJob(quint64 token)
{
  raiseFloor(cancelUpTo_, token);
  // Only the job with that token (or an older one) may be stopped, never a newer one.
  if (currentToken_.load() <= token)
  {
    cancel_.store(true);
  }
}

void TrainWorker::beginJob(quint64 token)
{
  currentToken_.store(token);
  // Reset first, then look at cancelUpTo_: a cancelJob() racing with this either sees the new
  // current token and sets the flag after the reset, or has raised cancelUpTo_ before we read it.
  cancel_.store(false);
  if (cancelUpTo_.load() >= token)
  {
    cancel_.store(true);
  }
  feed_->clear();
}

Workspace& TrainWorker::workspace()
{
  return openWorkspaceOnce(ws_, path_);
}

const LoadedDataset* TrainWorker::load(quint64 token, qint64 datasetId)
{
  return cache_.get(
      workspace(), datasetId, [&](const std::string& text) { Q_EMIT phase(token, qs(text)); },
      &cancel_);
}

TrainCallbacks TrainWorker::hooks(quint64 token)
{
  TrainCallbacks cb;
  // Called on this thread by the engine, after TrainingSession has recorded the step or epoch.
  cb.onStep = [this, token](const StepStats& s)
  {
    if (feed_->pushStep(s))
    {
      Q_EMIT feedReady(token);
    }
  };
  cb.onProgress = [this, token](const Progress& p)
  {
    if (feed_->setProgress(p))
    {
      Q_EMIT feedReady(token);
    }
  };
  cb.onEpoch = [this, token](const EpochStats& e) { Q_EMIT epochEnded(token, e); };
  cb.onLog = [this, token](const std::string& line) { Q_EMIT logLine(token, qs(line)); };
  cb.cancel = &cancel_;
  cb.pause = &pause_;
  return cb;
}

void TrainWorker::run(quint64 token, m6::TrainRequest request)
{
  beginJob(token);
  if (request.search || request.resumeSearch > 0)
  {
    runSearch(token, request);
    return;
  }
  if (request.seeds > 1 || request.resumeGroup > 0)
  {
    runGroup(token, request);
    return;
  }
  guardedJob(this, token,
             [&]
             {
               Workspace& ws = workspace();
               const bool resume = request.resumeRun > 0;
               RunRecord run;
               RunConfig config = request.config;
               qint64 datasetId = request.datasetId;
               if (resume)
               {
                 auto stored = RunStore(ws).run(request.resumeRun);
                 if (!stored)
                 {
                   throw std::runtime_error(stored.error());
                 }
                 run = *stored;
                 if (const std::string why = resumeBlocker(run); !why.empty())
                 {
                   throw std::runtime_error(why);
                 }
                 config = configOfRun(run);
                 datasetId = run.datasetId;
               }
               const LoadedDataset* data = load(token, datasetId);
               if (!data)
               {
                 Q_EMIT cancelled(token);
                 return;
               }
               // Checked here too: the GUI validates as the user types, but a config may come from
               // a file.
               const auto issues = validate(config, &data->schema);
               if (!issues.empty())
               {
                 throw std::invalid_argument("invalid configuration:\n" + formatIssues(issues));
               }
               if (cancel_.load())
               {
                 Q_EMIT cancelled(token);
                 return;
               }
               TrainingSession session(ws, data->info, data->snapshot);
               if (!resume)
               {
                 auto created = session.createRun(config, request.name.toStdString());
                 if (!created)
                 {
                   throw std::runtime_error(created.error());
                 }
                 run = *created;
               }
               RunRecord started = run;
               started.status = RunStatus::Running;
               Q_EMIT phase(token, QString());
               Q_EMIT runStarted(token, started);
               auto result = withLocalRanks(
                   token, request.processes, data->info.name, config,
                   [&](const std::string& why)
                   {
                     if (!resume)
                     {
                       (void)RunStore(ws).setStatus(run.id, RunStatus::Failed,
                                                    why);  // not left "created"
                     }
                   },
                   [&](const Distributed& job)
                   { return session.train(run, config, resume, hooks(token), job); });
               if (!result)
               {
                 Q_EMIT failed(token, qs(result.error()));
                 return;
               }
               Q_EMIT runFinished(token, *result);
             });
}

Result<RunRecord> TrainWorker::withLocalRanks(
    quint64 token, int processes, const std::string& dataset, RunConfig& config,
    const std::function<void(const std::string&)>& notStarted,
    const std::function<Result<RunRecord>(const Distributed&)>& rankZero)
{
  // Data-parallel: this thread is rank 0 (it records the run, its curves are the run's), the
  // other ranks are m6-cli processes, one torch thread each; Stop and Pause reach them with
  // the next gradient exchange.
  const Distributed job = localJob(std::max(1, processes));
  if (job.active())
  {
    config.train.threads = 1;
  }
  std::unique_ptr<LocalRanks> ranks;
  try
  {
    ranks =
        std::make_unique<LocalRanks>(QFile::encodeName(path_).toStdString(), dataset, config, job);
  }
  catch (const std::exception& e)
  {
    notStarted(e.what());
    throw;
  }
  auto result = rankZero(job);
  if (!result)
  {
    ranks->abandon();
  }
  const std::string others = ranks->finish();
  if (!result)
  {
    return makeError(result.error() + (others.empty() ? "" : "; " + others));
  }
  if (!others.empty())
  {
    Q_EMIT logLine(token, qs("warning: " + others));
  }
  return result;
}

void TrainWorker::baselines(quint64 token, qint64 datasetId, const m6::RunConfig& config)
{
  beginJob(token);
  guardedJob(this, token,
             [&]
             {
               const LoadedDataset* data = load(token, datasetId);
               if (!data)
               {
                 Q_EMIT cancelled(token);
                 return;
               }
               Q_EMIT phase(token, QString());
               TrainingSession session(workspace(), data->info, data->snapshot);
               auto result = session.baselines(config, hooks(token));
               if (!answeredUnfinished(token, result))
               {
                 Q_EMIT baselinesFinished(token, *result);
               }
             });
}

}  // namespace m6
