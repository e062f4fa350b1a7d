#include "app/bridge/train_types.h"

#include <stdexcept>

#include "app/bridge/adapt_types.h"
#include "app/runner/queued_jobs.h"

namespace m6
{

QueuedJob queuedJob(const TrainRequest& request)
{
  QueuedTraining t;
  t.config = request.config;
  t.name = request.name.toStdString();
  t.seeds = request.seeds;
  t.processes = request.processes;
  t.search = request.search;
  return queuedJobOf(request.datasetId, t);
}

TrainRequest trainRequestOf(const QueuedJob& q)
{
  const QueuedTraining t = queuedTrainingOf(q);  // throws std::invalid_argument when damaged
  TrainRequest r;
  r.datasetId = q.datasetId;
  r.name = QString::fromStdString(t.name);
  r.config = t.config;
  r.seeds = t.seeds;
  r.processes = t.processes;
  r.search = t.search;
  return r;
}

void registerTrainTypes()
{
  // Registered by name too, so QSignalSpy and queued connections that name them find them.
  qRegisterMetaType<m6::StepStats>("m6::StepStats");
  qRegisterMetaType<m6::StepBatch>("m6::StepBatch");
  qRegisterMetaType<m6::EpochStats>("m6::EpochStats");
  qRegisterMetaType<m6::Progress>("m6::Progress");
  qRegisterMetaType<m6::RunConfig>("m6::RunConfig");
  qRegisterMetaType<m6::RunRecord>("m6::RunRecord");
  qRegisterMetaType<m6::RunRecordList>("m6::RunRecordList");
  qRegisterMetaType<m6::TrainRequest>("m6::TrainRequest");
  qRegisterMetaType<m6::RunEntry>("m6::RunEntry");
  qRegisterMetaType<m6::RunList>("m6::RunList");
  qRegisterMetaType<m6::RunCurves>("m6::RunCurves");
  qRegisterMetaType<m6::CurveSet>("m6::CurveSet");
  qRegisterMetaType<m6::RunSignificance>("m6::RunSignificance");
  qRegisterMetaType<m6::SearchResult>("m6::SearchResult");
  qRegisterMetaType<m6::QueuedJob>("m6::QueuedJob");
  qRegisterMetaType<m6::QueueList>("m6::QueueList");
  qRegisterMetaType<m6::SchemaInfo>("m6::SchemaInfo");
  qRegisterMetaType<m6::EstimateResult>("m6::EstimateResult");
  qRegisterMetaType<m6::EvaluationSummary>("m6::EvaluationSummary");
  registerAdaptTypes();
}

}  // namespace m6
