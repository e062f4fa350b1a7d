#include "app/bridge/model_info.h"

#include "app/bridge/snapshot_store.h"

namespace m6
{

ModelInfo::ModelInfo(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                     QObject* parent)
    : QObject(parent)
{
  thread_ = std::make_unique<WorkerThread<ModelInfoWorker>>(QStringLiteral("m6-model-info"),
                                                            workspacePath, std::move(snapshots));
  ModelInfoWorker* w = thread_->worker();
  connect(w, &ModelInfoWorker::described, this,
          [this](quint64 token, const m6::SchemaInfo& info)
          {
            if (token == describeToken_)
            {
              Q_EMIT schemaReady(info);
            }
          });
  connect(w, &ModelInfoWorker::estimated, this,
          [this](quint64 token, const m6::EstimateResult& r)
          {
            if (token != estimateToken_)
            {
              ++staleDropped_;
              return;
            }
            Q_EMIT estimateReady(token, r);
          });
  connect(w, &ModelInfoWorker::evaluated, this, &ModelInfo::evaluated);
  connect(w, &ModelInfoWorker::failed, this, &ModelInfo::requestFailed);
}

ModelInfo::~ModelInfo() = default;

quint64 ModelInfo::describe(qint64 datasetId)
{
  const quint64 token = describeToken_ = ++lastToken_;
  thread_->invoke([w = thread_->worker(), token, datasetId] { w->describe(token, datasetId); });
  return token;
}

quint64 ModelInfo::estimate(qint64 datasetId, const RunConfig& config)
{
  const quint64 token = estimateToken_ = ++lastToken_;
  thread_->worker()->supersede(token);
  thread_->invoke([w = thread_->worker(), token, datasetId, config]
                  { w->estimate(token, datasetId, config); });
  return token;
}

quint64 ModelInfo::evaluate(qint64 runId)
{
  const quint64 token = ++lastToken_;
  thread_->invoke([w = thread_->worker(), token, runId] { w->evaluate(token, runId); });
  return token;
}

}  // namespace m6
