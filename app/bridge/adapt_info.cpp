#include "app/bridge/adapt_info.h"

#include "app/bridge/snapshot_store.h"

namespace m6
{

AdaptInfo::AdaptInfo(const QString& workspacePath, const std::shared_ptr<SnapshotStore>& snapshots,
                     QObject* parent)
    : QObject(parent)
{
  thread_ = std::make_unique<WorkerThread<AdaptInfoWorker>>(QStringLiteral("m6-adapt-info"),
                                                            workspacePath, snapshots);
  AdaptInfoWorker* w = thread_->worker();
  connect(w, &AdaptInfoWorker::datasetsListed, this,
          [this](quint64, const m6::DatasetList& list) { Q_EMIT datasetsListed(list); });
  connect(w, &AdaptInfoWorker::described, this,
          [this](quint64 token, const m6::SchemaInfo& info)
          {
            if (token == describeToken_)
            {
              Q_EMIT schemaReady(info);
            }
          });
  connect(w, &AdaptInfoWorker::previewed, this,
          [this](quint64 token, const m6::AdaptPreview& p)
          {
            if (token == previewToken_)
            {
              Q_EMIT previewReady(p);
            }
          });
  connect(w, &AdaptInfoWorker::failed, this,
          [this](quint64, const QString& message) { Q_EMIT requestFailed(message); });
}

AdaptInfo::~AdaptInfo() = default;

quint64 AdaptInfo::listDatasets()
{
  const quint64 token = ++lastToken_;
  thread_->invoke([w = thread_->worker(), token] { w->listDatasets(token); });
  return token;
}

quint64 AdaptInfo::describe(qint64 datasetId)
{
  const quint64 token = describeToken_ = ++lastToken_;
  thread_->invoke([w = thread_->worker(), token, datasetId] { w->describe(token, datasetId); });
  return token;
}

quint64 AdaptInfo::preview(qint64 parentRun, qint64 datasetId, const RunConfig& config,
                           const AdaptOptions& options)
{
  const quint64 token = previewToken_ = ++lastToken_;
  thread_->worker()->supersede(token);
  thread_->invoke([w = thread_->worker(), token, parentRun, datasetId, config, options]
                  { w->preview(token, parentRun, datasetId, config, options); });
  return token;
}

}  // namespace m6
