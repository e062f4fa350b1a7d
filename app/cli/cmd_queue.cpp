// The run queue from the command line: the same queue the workbench's Runs page shows and runs
// (storage/run_queue.h, jobs in app/runner/queued_jobs.h's format), so a script can fill it, a
// person can reorder it in the GUI, and either front end can run it.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <optional>
#include <sstream>

#include "app/cli/ranks.h"
#include "app/cli/run_driver.h"
#include "app/runner/queued_jobs.h"
#include "app/runner/run_groups.h"
#include "storage/run_groups.h"
#include "storage/run_queue.h"

namespace m6::cli
{

namespace
{

// A whole number positional argument in [min, max]; CliError naming it otherwise.
int64_t positionalNumber(const Args& a, size_t index, int64_t min, int64_t max,
                         const std::string& what)
{
  const std::string& text = a.positional()[index];
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max)
  {
    throw CliError(what + " must be a whole number from " + std::to_string(min) + " to " +
                   std::to_string(max) + ", not '" + text + "'");
  }
  return v;
}

std::vector<QueuedJob> queuedJobs(Context& ctx)
{
  auto jobs = QueueStore(ctx.workspace()).jobs();
  if (!jobs)
  {
    throw CliError(jobs.error());
  }
  return *jobs;
}

const QueuedJob& queuedJob(const std::vector<QueuedJob>& jobs, int64_t id)
{
  for (const auto& j : jobs)
  {
    if (j.id == id)
    {
      return j;
    }
  }
  throw CliError("no queued job " + std::to_string(id) +
                 " (m6-cli queue lists them; a job "
                 "leaves the queue when it starts)");
}

// "2 seeds", "3 processes", "random search, 8 trials": what a job will train, in a few words.
std::string jobDetail(const QueuedJob& job)
{
  try
  {
    const QueuedTraining t = queuedTrainingOf(job);
    if (t.search)
    {
      return searchStrategyName(t.search->strategy) + std::string(" search") +
             (t.search->trials > 0 ? ", " + std::to_string(t.search->trials) + " trials" : "") +
             (t.processes > 1 ? ", " + std::to_string(t.processes) + " at once" : "");
    }
    std::string out = wordOf(t.config.model.task) + ", " + std::to_string(t.config.train.epochs) +
                      (t.config.train.epochs == 1 ? " epoch" : " epochs");
    if (t.seeds > 1)
    {
      out += ", " + std::to_string(t.seeds) + " seeds";
    }
    if (t.processes > 1)
    {
      out += ", " + std::to_string(t.processes) + " processes";
    }
    return out;
  }
  catch (const std::exception&)
  {
    return "damaged";
  }
}

int cmdQueue(Context& ctx, const Args& a)
{
  const std::optional<int64_t> dataset = datasetFilter(ctx, a);
  Json arr = Json::array();
  std::ostringstream h;
  h << std::left << std::setw(5) << "pos" << std::setw(7) << "job" << std::setw(8) << "kind"
    << std::setw(20) << "dataset" << std::setw(24) << "name"
    << "what\n";
  size_t shown = 0;
  for (const auto& j : queuedJobs(ctx))
  {
    if (dataset && j.datasetId != *dataset)
    {
      continue;
    }
    Json e = Json::object();
    e["job"] = j.id;
    e["position"] = j.position;
    e["dataset"] = j.datasetName;
    e["kind"] = j.kind;
    e["name"] = j.name;
    e["what"] = jobDetail(j);
    e["created_at"] = j.createdAt;
    arr.push_back(e);
    h << std::setw(5) << j.position << std::setw(7) << j.id << std::setw(8) << j.kind
      << std::setw(20) << j.datasetName << std::setw(24) << (j.name.empty() ? "-" : j.name)
      << jobDetail(j) << "\n";
    ++shown;
  }
  if (shown == 0)
  {
    h.str("");
    h << "The run queue is empty (m6-cli queue-add puts a job in it).\n";
  }
  Json j = Json::object();
  j["jobs"] = arr;
  ctx.finish(j, h.str());
  return 0;
}

int cmdQueueAdd(Context& ctx, const Args& a)
{
  const std::string datasetName = a.value("dataset");
  if (datasetName.empty())
  {
    throw CliError("queue-add needs --dataset NAME");
  }
  LoadedDataset data = loadDataset(ctx, datasetName);
  QueuedTraining t;
  t.config = configFromArgs(ctx, a, data.snapshot);
  t.name = a.value("name");
  t.seeds = static_cast<int>(a.intValue("seeds", 1, 1, kMaxGroupSeeds));
  t.processes = static_cast<int>(a.intValue("nproc", 1, 1, 64));
  QueuedJob job = queuedJobOf(data.info.id, t);
  auto id = QueueStore(ctx.workspace()).add(job, a.has("first"));
  if (!id)
  {
    throw CliError(id.error());
  }
  Json j = Json::object();
  j["job"] = *id;
  j["position"] = job.position;
  j["kind"] = job.kind;
  ctx.finish(j, "Queued job " + std::to_string(*id) + " (" + job.kind + ", " + jobDetail(job) +
                    ") at position " + std::to_string(job.position) +
                    "; m6-cli queue-run runs "
                    "the queue.\n");
  return 0;
}

int cmdQueueRemove(Context& ctx, const Args& a)
{
  const int64_t id = positionalNumber(a, 0, 1, INT64_MAX, "JOB");
  queuedJob(queuedJobs(ctx), id);
  if (auto ok = QueueStore(ctx.workspace()).remove(id); !ok)
  {
    throw CliError(ok.error());
  }
  Json j = Json::object();
  j["removed"] = id;
  ctx.finish(j, "Removed job " + std::to_string(id) + " from the queue.\n");
  return 0;
}

int cmdQueueMove(Context& ctx, const Args& a)
{
  const int64_t id = positionalNumber(a, 0, 1, INT64_MAX, "JOB");
  const int64_t position = positionalNumber(a, 1, 0, 1000000, "POSITION");
  queuedJob(queuedJobs(ctx), id);
  if (auto ok = QueueStore(ctx.workspace()).move(id, static_cast<int>(position)); !ok)
  {
    throw CliError(ok.error());
  }
  const QueuedJob& moved = queuedJob(queuedJobs(ctx), id);
  Json j = Json::object();
  j["job"] = id;
  j["position"] = moved.position;
  ctx.finish(j, "Job " + std::to_string(id) + " is at position " + std::to_string(moved.position) +
                    " of the queue.\n");
  return 0;
}

// One queued job, trained as `train`, `train --seeds` or `search` would; the entry says what it
// recorded and how it ended. `stopped`: the user stopped it (Ctrl+C).
Json runJob(Context& ctx, const QueuedJob& job, const QueuedTraining& t, const LoadedDataset& data,
            bool* stopped)
{
  Json e = Json::object();
  e["job"] = job.id;
  e["kind"] = job.kind;
  e["name"] = job.name;
  e["dataset"] = job.datasetName;
  RunDriver driver(ctx, data);
  if (t.search)
  {
    SearchRecord search = driver.createSearch(*t.search);
    SearchRunOptions options;
    options.parallel = t.processes;  // trials at once, each in a process of its own
    SearchResult result = driver.runSearch(search, options);
    e["search"] = search.id;
    e["status"] = result.search.status;
    if (result.bestRun)
    {
      e["best_run"] = *result.bestRun;
    }
    *stopped = result.search.status == "stopped";
    return e;
  }
  const RunConfig config = requireValid(t.config, data.snapshot);
  if (t.seeds > 1)
  {
    GroupStore groups(ctx.workspace());
    auto g = createGroup(groups, data.info.id, config, t.name, t.seeds);
    if (!g)
    {
      throw CliError(g.error());
    }
    // With processes, a group's members train that many at once, each in its own process.
    const GroupSummary s =
        t.processes > 1 ? runGroupInProcesses(ctx, g->id, t.processes) : driver.runGroup(g->id);
    e["group"] = g->id;
    e["status"] = s.status();
    *stopped = s.status() == "incomplete";
    return e;
  }
  RunRecord run;
  if (t.processes > 1)
  {
    RankPlan plan;
    plan.dist = localJob(t.processes, plan.dist.timeoutSeconds);
    plan.local = true;
    plan.threads = 1;
    const RunConfig ranked = withRankThreads(config, plan);
    LocalRanks ranks(ctx.workspacePath(), job.datasetName, ranked, plan.spawned());
    run =
        withRanks(ranks, [&] { return driver.trainNew(ranked, t.name, std::nullopt, plan.dist); });
  }
  else
  {
    run = driver.trainNew(config, t.name, std::nullopt);
  }
  e["run"] = run.id;
  e["status"] = wordOf(run.status);
  if (run.bestEpoch > 0)
  {
    e["test"] = run.test.toJson();
  }
  *stopped = run.status == RunStatus::Stopped;
  return e;
}

int cmdQueueRun(Context& ctx, const Args&)
{
  Json done = Json::array();
  int failed = 0;
  bool stopped = false;
  while (!stopped)
  {
    const std::vector<QueuedJob> waiting = queuedJobs(ctx);
    if (waiting.empty())
    {
      break;
    }
    // The dataset is loaded while its job is still queued, so a Ctrl+C or a kill during the load
    // (seconds on a large dataset) loses no job; the job leaves the queue when it starts.
    std::optional<LoadedDataset> data;
    std::string loadError;
    auto load = [&](const std::string& name)
    {
      data.reset();
      try
      {
        data = loadDataset(ctx, name);
      }
      catch (const std::exception& err)
      {
        loadError = err.what();
      }
    };
    load(waiting.front().datasetName);
    auto next = QueueStore(ctx.workspace()).takeFirst();
    if (!next)
    {
      throw CliError(next.error());
    }
    if (!*next)
    {
      break;
    }
    const QueuedJob job = **next;
    if (job.datasetId != waiting.front().datasetId)
    {
      load(job.datasetName);  // the workbench reordered the queue meanwhile
    }
    ctx.err << "Queue: job " << job.id << " (" << job.kind
            << (job.name.empty() ? std::string() : " \"" + job.name + "\"") << ") on "
            << job.datasetName << "\n";
    Json e = Json::object();
    try
    {
      if (!data)
      {
        throw CliError(loadError);
      }
      e = runJob(ctx, job, queuedTrainingOf(job), *data, &stopped);
    }
    catch (const std::exception& err)
    {
      // A job that cannot start or fails is reported and the queue goes on, as in the workbench.
      e["job"] = job.id;
      e["kind"] = job.kind;
      e["name"] = job.name;
      e["dataset"] = job.datasetName;
      e["status"] = "failed";
      e["error"] = err.what();
      ctx.err << "Queue: job " << job.id << " failed: " << err.what() << "\n";
    }
    failed += e.value("status", std::string()) == "failed" ? 1 : 0;
    done.push_back(e);
  }
  const size_t left = queuedJobs(ctx).size();
  Json j = Json::object();
  j["jobs"] = done;
  j["left"] = static_cast<int64_t>(left);
  std::ostringstream h;
  h << "Ran " << done.size() << " queued job(s)";
  if (stopped)
  {
    h << "; stopped by the user: " << left << " left (m6-cli queue-run continues)";
  }
  h << ".\n";
  ctx.finish(j, h.str());
  if (failed > 0)
  {
    ctx.err << "error: " << failed << " of " << done.size() << " queued jobs failed\n";
    return 3;
  }
  return 0;
}

}  // namespace

std::vector<Command> queueCommands()
{
  std::vector<OptionSpec> addOpts = configOptions();
  addOpts.insert(addOpts.begin(), {"dataset", "NAME", "the dataset (required)"});
  addOpts.push_back({"name", "NAME", "the run's (or group's) name"});
  addOpts.push_back({"seeds", "N", "a run group of N seeds (train.seed, +1, ...)"});
  addOpts.push_back({"nproc", "N",
                     "train data-parallel over N local processes; with --seeds, train N "
                     "members at once, each in its own process"});
  addOpts.push_back({"first", "", "put the job first instead of last"});
  return {
      {{"queue",
        "",
        "List the run queue, first job to start first",
        "The queue is the workbench's (Runs page, Queue): jobs added here show there and the "
        "other way round, and either front end runs it. A job leaves the queue when it starts.",
        {{"dataset", "NAME", "only the jobs on this dataset"}},
        0,
        0},
       cmdQueue},
      {{"queue-add", "", "Put a training job (a run or a run group) in the run queue",
        "The configuration is checked against the dataset now, like train's.", addOpts, 0, 0},
       cmdQueueAdd},
      {{"queue-remove", "JOB", "Take a job out of the run queue", "", {}, 1, 1}, cmdQueueRemove},
      {{"queue-move",
        "JOB POSITION",
        "Move a queued job to a position (0: next to start)",
        "",
        {},
        2,
        2},
       cmdQueueMove},
      {{"queue-run",
        "",
        "Run the queue: its jobs one after another until it is empty",
        "Each job trains as train, train --seeds or search would, with the same progress lines. "
        "A job that fails is reported and the queue goes on; Ctrl+C stops the job being trained "
        "(resumable like any run) and leaves the rest of the queue waiting. Exit code 3 when a "
        "job failed.",
        {},
        0,
        0},
       cmdQueueRun},
  };
}

}  // namespace m6::cli
