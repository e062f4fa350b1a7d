#include "app/runner/training_session.h"

#include <chrono>

#include "storage/run_lock.h"

namespace m6
{

namespace
{

double now()
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Json activityJson(const std::vector<BucketMetrics>& buckets)
{
  Json arr = Json::array();
  for (const auto& b : buckets)
  {
    Json x = Json::object();
    x["bucket"] = b.bucket;
    x["users"] = b.users;
    x["test"] = b.metrics.valuesJson();
    arr.push_back(x);
  }
  return arr;
}

RunConfig configOfRun(const RunRecord& run)
{
  try
  {
    return fromJson(Json::parse(run.configJson));
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("run " + std::to_string(run.id) + " has a damaged configuration: " +
                             e.what());
  }
}

TrainingSession::TrainingSession(Workspace& ws, const DatasetInfo& dataset,
                                 const DatasetSnapshot& snapshot)
    : ws_(ws), dataset_(dataset), snapshot_(snapshot), store_(ws)
{
}

Result<RunRecord> TrainingSession::createRun(const RunConfig& config, const std::string& name,
                                             std::optional<int64_t> parent)
{
  RunRecord r;
  r.name = name;
  r.datasetId = dataset_.id;
  r.datasetName = dataset_.name;
  r.kind = "m6";
  r.task = config.model.task;
  r.configJson = toJson(config).dump();
  r.parentRun = parent;
  auto id = store_.create(r);
  if (!id)
  {
    return makeError(id.error());
  }
  return r;
}

Result<RunRecord> TrainingSession::train(RunRecord run, const RunConfig& config, bool resume,
                                         const TrainCallbacks& hooks)
{
  // One trainer per run, across processes: the lock lives as long as this call.
  auto lock = RunLock::acquire(run.folder);
  if (!lock)
  {
    return makeError(lock.error());
  }
  // While training, a write that finds the workspace busy (an import commits for tens of
  // seconds) must not stall the training thread: records wait in memory and are retried at the
  // next flush. The final records wait as long as it takes.
  struct BusyTimeout
  {
    Workspace& ws;
    explicit BusyTimeout(Workspace& w) : ws(w) { ws.setBusyTimeout(250); }
    ~BusyTimeout() { ws.setBusyTimeout(5000); }
  } busy(ws_);
  if (auto ok = store_.markStarted(run.id); !ok)
  {
    ws_.setBusyTimeout(120000);
    if (auto again = store_.markStarted(run.id); !again)
    {
      return makeError(again.error());
    }
    ws_.setBusyTimeout(250);
  }
  std::vector<StepRecord> pendingSteps;
  std::vector<EpochRecord> pendingEpochs;
  std::string lastWriteError;
  double lastFlush = now();
  auto flush = [&] {
    lastFlush = now();
    if (auto ok = store_.appendSteps(run.id, pendingSteps); !ok)
    {
      lastWriteError = ok.error();
      return;  // kept for the next attempt
    }
    pendingSteps.clear();
    while (!pendingEpochs.empty())
    {
      if (auto ok = store_.appendEpoch(run.id, pendingEpochs.front()); !ok)
      {
        lastWriteError = ok.error();
        return;
      }
      pendingEpochs.erase(pendingEpochs.begin());
    }
  };
  TrainCallbacks cb = hooks;
  cb.onStep = [&](const StepStats& s) {
    pendingSteps.push_back({s.step, s.epoch, s.loss, s.lr});
    if (pendingSteps.size() >= 500 || now() - lastFlush > 2.0)
    {
      flush();
    }
    if (hooks.onStep)
    {
      hooks.onStep(s);
    }
  };
  cb.onEpoch = [&](const EpochStats& e) {
    pendingEpochs.push_back({e.epoch, e.trainLoss, e.valid, e.seconds, e.examplesPerSecond});
    flush();
    if (hooks.onEpoch)
    {
      hooks.onEpoch(e);
    }
  };

  TrainOutcome out;
  std::string failure;
  try
  {
    out = m6::train(snapshot_, config, run.folder, cb, resume);
  }
  catch (const std::exception& e)
  {
    failure = std::string(resume ? "resume" : "training") + " failed: " + e.what();
  }
  ws_.setBusyTimeout(120000);
  flush();
  if (!pendingSteps.empty() || !pendingEpochs.empty())
  {
    failure += (failure.empty() ? "" : "; ") + std::string("the curves could not be recorded: ") +
               lastWriteError;
  }
  if (!failure.empty() && out.status.empty())
  {
    (void)store_.setStatus(run.id, "failed", failure);  // best effort; the error goes back
    return makeError(failure);
  }
  run.status = out.status;
  run.message = out.message;
  if (!failure.empty())
  {
    run.message += (run.message.empty() ? "" : "; ") + failure;
  }
  run.bestEpoch = out.bestEpoch;
  run.epochsRun = out.epochsRun;
  run.valid = out.valid;
  run.test = out.test;
  Json summary = Json::object();
  summary["examples_per_s"] = out.examplesPerSecond;
  summary["seconds_per_epoch"] = out.secondsPerEpoch;
  summary["parameters"] = out.parameters;
  summary["test_by_activity"] = activityJson(out.testByActivity);
  run.summary = summary;
  if (auto ok = store_.finish(run.id, run); !ok)
  {
    return makeError(ok.error());
  }
  if (!out.testRows.empty())
  {
    if (auto ok = store_.storeUserMetrics(run.id, "test", out.testRows); !ok)
    {
      return makeError(ok.error());
    }
  }
  auto stored = store_.run(run.id);
  return stored ? *stored : run;
}

Result<std::vector<RunRecord>> TrainingSession::baselines(const RunConfig& config,
                                                          const TrainCallbacks& hooks)
{
  BaselineOutcome out;
  try
  {
    out = runBaselines(snapshot_, config, hooks);
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("baselines failed: ") + e.what());
  }
  if (out.status != "finished")
  {
    return cancelledError();
  }
  std::vector<RunRecord> records;
  for (const auto& b : out.baselines)
  {
    RunRecord r;
    r.name = b.name == "pop" ? "most popular" : b.name == "bpr" ? "BPR-MF" : b.name;
    r.datasetId = dataset_.id;
    r.datasetName = dataset_.name;
    r.kind = "baseline-" + b.name;
    r.task = "ranking";
    r.configJson = toJson(config).dump();
    r.status = "finished";
    r.valid = b.valid;
    r.test = b.test;
    r.summary["seconds"] = b.seconds;
    auto id = store_.create(r);
    if (!id)
    {
      return makeError(id.error());
    }
    if (auto ok = store_.finish(*id, r); !ok)
    {
      return makeError(ok.error());
    }
    auto stored = store_.run(*id);
    if (!stored)
    {
      return makeError(stored.error());
    }
    records.push_back(*stored);
  }
  return records;
}

}  // namespace m6
