#include "app/bridge/model_info_worker.h"

#include <exception>
#include <filesystem>
#include <stdexcept>

#include "app/bridge/worker_support.h"
#include "app/runner/training_session.h"
#include "storage/runs.h"
#include "storage/schema_reader.h"

namespace m6
{

ModelInfoWorker::ModelInfoWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots)
    : path_(std::move(workspacePath)), cache_(std::move(snapshots))
{
}

ModelInfoWorker::~ModelInfoWorker() = default;

void ModelInfoWorker::supersede(quint64 token)
{
  raiseFloor(minEstimate_, token);
}

Workspace& ModelInfoWorker::workspace()
{
  return openWorkspaceOnce(ws_, path_);
}

const LoadedDataset& ModelInfoWorker::load(qint64 datasetId)
{
  const LoadedDataset* data = cache_.get(workspace(), datasetId, {}, &cancel_);
  if (!data)
  {
    throw std::runtime_error("stopped while the dataset was loading");
  }
  return *data;
}

void ModelInfoWorker::describe(quint64 token, qint64 datasetId)
{
  guardedJob(this, token,
             [&]
             {
               SchemaInfo info;
               info.datasetId = datasetId;
               // From the workspace's tables: the form fills before (and without) a snapshot load.
               auto schema = readDatasetSchema(workspace(), datasetId);
               if (!schema)
               {
                 throw std::runtime_error(schema.error());
               }
               info.schema = std::move(*schema);
               Q_EMIT described(token, info);
             });
}

void ModelInfoWorker::estimate(quint64 token, qint64 datasetId, m6::RunConfig config)
{
  if (token < minEstimate_.load())
  {
    ++staleSkipped_;
    return;
  }
  guardedJob(this, token,
             [&]
             {
               const LoadedDataset& data = load(datasetId);
               EstimateResult r;
               r.datasetId = datasetId;
               try
               {
                 r.estimate = m6::estimate(data.snapshot, config);
                 r.ok = true;
               }
               catch (const std::invalid_argument& e)
               {
                 r.error = QString::fromUtf8(e.what());
               }
               Q_EMIT estimated(token, r);
             });
}

void ModelInfoWorker::evaluate(quint64 token, qint64 runId)
{
  namespace fs = std::filesystem;
  guardedJob(
      this, token,
      [&]
      {
        auto run = RunStore(workspace()).run(runId);
        if (!run)
        {
          throw std::runtime_error(run.error());
        }
        if (run->kind != RunKind::M6)
        {
          throw std::runtime_error("run \"" + run->name + "\" is a baseline and has no checkpoint");
        }
        const RunConfig config = configOfRun(*run);
        const LoadedDataset& data = load(run->datasetId);
        EvaluationOutcome out = m6::evaluate(data.snapshot, config, run->folder);
        EvaluationSummary s;
        s.runId = runId;
        s.valid = out.valid;
        s.test = out.test;
        s.parameters = run->summary.value("parameters", int64_t(0));
        std::error_code ec;
        const fs::path best = fs::path(run->folder) / "best.pt";
        s.checkpoint = QString::fromStdString(
            (fs::is_regular_file(best, ec) ? best : fs::path(run->folder) / "last.pt").string());
        Q_EMIT evaluated(token, s);
      });
}

}  // namespace m6
