#include "app/bridge/train_types.h"

#include <stdexcept>

#include "app/bridge/adapt_types.h"

namespace m6
{

QueuedJob queuedJob(const TrainRequest& request)
{
  QueuedJob q;
  q.datasetId = request.datasetId;
  q.name = request.name.toStdString();
  q.job = Json::object();
  if (request.search)
  {
    q.kind = "search";
    q.name = request.search->name;
    q.job["search"] = request.search->toSpec();
    q.job["name"] = request.search->name;
    return q;
  }
  q.kind = request.seeds > 1 ? "group" : "run";
  q.job["config"] = toJson(request.config);
  q.job["name"] = q.name;
  q.job["seeds"] = request.seeds;
  q.job["processes"] = request.processes;
  return q;
}

TrainRequest trainRequestOf(const QueuedJob& q)
{
  TrainRequest r;
  r.datasetId = q.datasetId;
  try
  {
    r.name = QString::fromStdString(q.job.value("name", std::string()));
    if (q.kind == "search")
    {
      r.search = SearchRequest::fromSpec(q.job.at("search"));
      r.search->name = r.name.toStdString();
      return r;
    }
    r.config = fromJson(q.job.at("config"));
    r.seeds = q.job.value("seeds", 1);
    r.processes = q.job.value("processes", 1);
  }
  catch (const std::exception& e)
  {
    throw std::invalid_argument("queued job " + std::to_string(q.id) + " is damaged: " + e.what());
  }
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
