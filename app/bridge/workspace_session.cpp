#include "app/bridge/workspace_session.h"

#include <QTimer>

namespace m6
{

WorkspaceSession::WorkspaceSession(QObject* parent) : QObject(parent)
{
  registerBridgeTypes();
}

WorkspaceSession::~WorkspaceSession()
{
  // Jobs first: a cancelled import rolls back before its thread ends.
  importJob_.reset();
  demoJob_.reset();
  prepareJob_.reset();
  retiredImport_.reset();
  retiredDemo_.reset();
  retiredPrepare_.reset();
  previewer_.reset();
  datasets_.reset();
}

quint64 WorkspaceSession::open(const QString& path)
{
  path_ = path;
  opened_ = false;
  pendingWrites_.clear();  // the previous worker is interrupted below: those writes roll back
  previewer_.reset();      // previews belong to the previous workspace
  datasets_ = std::make_unique<WorkerThread<DatasetWorker>>(QStringLiteral("m6-datasets"), path);
  connectDatasetWorker();
  const quint64 token = nextToken();
  openToken_ = token;
  datasets_->invoke([w = datasets_->worker(), token] { w->open(token); });
  return token;
}

template <typename Worker>
void WorkspaceSession::connectJob(Worker* w)
{
  connect(w, &Worker::progress, this, &WorkspaceSession::jobProgress);
  connect(w, &Worker::finished, this,
          [this](quint64 t, const m6::ImportResult& r)
          {
            endJob();
            Q_EMIT jobFinished(t, r);
          });
  connect(w, &Worker::failed, this,
          [this](quint64 t, const QString& message)
          {
            endJob();
            Q_EMIT jobFailed(t, message);
          });
}

void WorkspaceSession::connectDatasetWorker()
{
  DatasetWorker* w = datasets_->worker();
  connect(w, &DatasetWorker::opened, this,
          [this](quint64 token, const QString& path, const m6::DatasetList& list)
          {
            if (token != openToken_)
            {
              return;
            }
            opened_ = true;
            Q_EMIT opened(path, list);
            Q_EMIT datasetsChanged(list);
          });
  connect(w, &DatasetWorker::listed, this,
          [this](quint64, const m6::DatasetList& list) { Q_EMIT datasetsChanged(list); });
  connect(w, &DatasetWorker::renamed, this,
          [this](quint64 token, const QString& from, const QString& to)
          {
            pendingWrites_.remove(token);
            Q_EMIT renamed(token, from, to);
          });
  connect(w, &DatasetWorker::removed, this,
          [this](quint64 token, const QString& name)
          {
            pendingWrites_.remove(token);
            Q_EMIT deleted(token, name);
          });
  connect(w, &DatasetWorker::statsReady, this, &WorkspaceSession::statsReady);
  connect(w, &DatasetWorker::reportReady, this, &WorkspaceSession::reportReady);
  connect(w, &DatasetWorker::nameChecked, this, &WorkspaceSession::nameChecked);
  connect(w, &DatasetWorker::waiting, this, &WorkspaceSession::waiting);
  connect(w, &DatasetWorker::failed, this,
          [this, path = path_](quint64 token, const QString& message)
          {
            pendingWrites_.remove(token);
            if (token == openToken_)
            {
              Q_EMIT openFailed(path, message);
              return;
            }
            Q_EMIT requestFailed(token, message);
          });
}

quint64 WorkspaceSession::refreshDatasets()
{
  if (!datasets_)
  {
    return 0;
  }
  const quint64 token = nextToken();
  datasets_->invoke([w = datasets_->worker(), token] { w->list(token); });
  return token;
}

quint64 WorkspaceSession::renameDataset(const QString& from, const QString& to)
{
  if (!datasets_)
  {
    return 0;
  }
  const quint64 token = nextToken();
  pendingWrites_.insert(token);
  datasets_->invoke([w = datasets_->worker(), token, from, to] { w->rename(token, from, to); });
  return token;
}

quint64 WorkspaceSession::deleteDataset(const QString& name)
{
  if (!datasets_)
  {
    return 0;
  }
  const quint64 token = nextToken();
  pendingWrites_.insert(token);
  datasets_->invoke([w = datasets_->worker(), token, name] { w->remove(token, name); });
  return token;
}

quint64 WorkspaceSession::loadStats(qint64 datasetId)
{
  if (!datasets_)
  {
    return 0;
  }
  const quint64 token = nextToken();
  datasets_->invoke([w = datasets_->worker(), token, datasetId]
                    { w->loadStats(token, datasetId); });
  return token;
}

quint64 WorkspaceSession::loadReport(qint64 datasetId)
{
  if (!datasets_)
  {
    return 0;
  }
  const quint64 token = nextToken();
  datasets_->invoke([w = datasets_->worker(), token, datasetId]
                    { w->loadReport(token, datasetId); });
  return token;
}

quint64 WorkspaceSession::checkName(const QString& name)
{
  if (!datasets_)
  {
    return 0;
  }
  const quint64 token = nextToken();
  datasets_->invoke([w = datasets_->worker(), token, name] { w->checkName(token, name); });
  return token;
}

quint64 WorkspaceSession::startImport(const ImportSpec& spec, const QString& name)
{
  if (jobRunning() || path_.isEmpty())
  {
    return 0;
  }
  const quint64 token = nextToken();
  importJob_ = std::make_unique<WorkerThread<ImportWorker>>(QStringLiteral("m6-import"), path_);
  ImportWorker* w = importJob_->worker();
  connectJob(w);
  importJob_->invoke([w, token, spec, name] { w->run(token, spec, name); });
  return token;
}

quint64 WorkspaceSession::startDemo(const DemoOptions& options)
{
  if (jobRunning() || path_.isEmpty())
  {
    return 0;
  }
  const quint64 token = nextToken();
  demoJob_ = std::make_unique<WorkerThread<DemoWorker>>(QStringLiteral("m6-demo"), path_);
  DemoWorker* w = demoJob_->worker();
  connectJob(w);
  demoJob_->invoke([w, token, options] { w->run(token, options); });
  return token;
}

quint64 WorkspaceSession::startPrepare(const QString& source, const QString& name,
                                       const PrepareRecipe& recipe)
{
  if (jobRunning() || path_.isEmpty())
  {
    return 0;
  }
  const quint64 token = nextToken();
  prepareJob_ = std::make_unique<WorkerThread<PrepareWorker>>(QStringLiteral("m6-prepare"), path_,
                                                              snapshots_);
  PrepareWorker* w = prepareJob_->worker();
  connectJob(w);
  prepareJob_->invoke([w, token, source, name, recipe] { w->run(token, source, name, recipe); });
  return token;
}

quint64 WorkspaceSession::previewPreparation(qint64 datasetId, const PrepareRecipe& recipe)
{
  if (path_.isEmpty() || !snapshots_)
  {
    return 0;
  }
  if (!previewer_)
  {
    previewer_ = std::make_unique<WorkerThread<PrepareWorker>>(QStringLiteral("m6-prepare-preview"),
                                                               path_, snapshots_);
    PrepareWorker* w = previewer_->worker();
    connect(w, &PrepareWorker::previewReady, this, &WorkspaceSession::preparationPreview);
    connect(w, &PrepareWorker::failed, this, &WorkspaceSession::requestFailed);
  }
  const quint64 token = nextToken();
  PrepareWorker* w = previewer_->worker();
  w->supersede(token);
  previewer_->invoke([w, token, datasetId, recipe] { w->preview(token, datasetId, recipe); });
  return token;
}

void WorkspaceSession::releasePreparationPreview()
{
  if (previewer_)
  {
    PrepareWorker* w = previewer_->worker();
    previewer_->invoke([w] { w->releasePreview(); });
  }
}

void WorkspaceSession::cancelJob()
{
  if (importJob_)
  {
    importJob_->worker()->cancel();
  }
  if (demoJob_)
  {
    demoJob_->worker()->cancel();
  }
  if (prepareJob_)
  {
    prepareJob_->worker()->cancel();
  }
}

void WorkspaceSession::endJob()
{
  // The worker has returned from run(): its thread is idle, so ending it is immediate. The
  // thread objects are released after this signal's handlers ran.
  retiredImport_ = std::move(importJob_);
  retiredDemo_ = std::move(demoJob_);
  retiredPrepare_ = std::move(prepareJob_);
  QTimer::singleShot(0, this,
                     [this]
                     {
                       retiredImport_.reset();
                       retiredDemo_.reset();
                       retiredPrepare_.reset();
                     });
  refreshDatasets();
}

}  // namespace m6
