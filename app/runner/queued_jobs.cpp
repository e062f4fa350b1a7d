#include "app/runner/queued_jobs.h"

#include <stdexcept>

namespace m6
{

QueuedJob queuedJobOf(int64_t datasetId, const QueuedTraining& t)
{
  QueuedJob q;
  q.datasetId = datasetId;
  q.name = t.name;
  q.job = Json::object();
  if (t.search)
  {
    q.kind = "search";
    q.name = t.search->name;
    q.job["search"] = t.search->toSpec();
    q.job["name"] = t.search->name;
    q.job["processes"] = t.processes;  // trials at once
    return q;
  }
  q.kind = t.seeds > 1 ? "group" : "run";
  q.job["config"] = toJson(t.config);
  q.job["name"] = t.name;
  q.job["seeds"] = t.seeds;
  q.job["processes"] = t.processes;
  return q;
}

QueuedTraining queuedTrainingOf(const QueuedJob& q)
{
  QueuedTraining t;
  try
  {
    t.name = q.job.value("name", std::string());
    if (q.kind == "search")
    {
      t.search = SearchRequest::fromSpec(q.job.at("search"));
      t.search->name = t.name;
      t.processes = q.job.value("processes", 1);
      return t;
    }
    if (q.kind != "run" && q.kind != "group")
    {
      throw std::invalid_argument("unknown kind '" + q.kind + "'");
    }
    t.config = fromJson(q.job.at("config"));
    t.seeds = q.job.value("seeds", 1);
    t.processes = q.job.value("processes", 1);
  }
  catch (const std::exception& e)
  {
    throw std::invalid_argument("queued job " + std::to_string(q.id) + " is damaged: " + e.what());
  }
  return t;
}

}  // namespace m6
