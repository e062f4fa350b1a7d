#include "app/runner/training_session.h"

#include <chrono>
#include <filesystem>

#include "model/core/clock.h"
#include "storage/run_lock.h"

namespace m6
{

namespace
{

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

Json coldJson(int64_t items, const MetricSet& test, const MetricSet& random)
{
  Json j = Json::object();
  j["items"] = items;
  j["test"] = test.toJson();
  j["random"] = random.toJson();
  return j;
}

TrainingSession::TrainingSession(Workspace& ws, const DatasetInfo& dataset,
                                 const DatasetSnapshot& snapshot)
    : ws_(ws), dataset_(dataset), snapshot_(snapshot), store_(ws)
{
}

Result<RunRecord> TrainingSession::createRun(const RunConfig& config, const std::string& name,
                                             std::optional<int64_t> parent,
                                             std::optional<int64_t> group)
{
  RunRecord r;
  r.name = name;
  r.datasetId = dataset_.id;
  r.datasetName = dataset_.name;
  r.kind = RunKind::M6;
  r.task = config.model.task;
  r.configJson = toJson(config).dump();
  r.parentRun = parent;
  r.groupId = group;
  auto id = store_.create(r);
  if (!id)
  {
    return errorOf(id);
  }
  return r;
}

Result<RunRecord> TrainingSession::train(RunRecord run, const RunConfig& config, bool resume,
                                         const TrainCallbacks& hooks,
                                         const Distributed& distributed)
{
  return record(run, hooks, resume ? "resume" : "training",
                [&](const TrainCallbacks& cb)
                { return m6::train(snapshot_, config, run.folder, cb, resume, distributed); });
}

Result<RunRecord> TrainingSession::adapt(RunRecord run, const RunConfig& config,
                                         const RunRecord& parent, const AdaptOptions& options,
                                         const TrainCallbacks& hooks,
                                         const Distributed& distributed)
{
  // A refused adaptation leaves the new record "failed" with the reason, not "created".
  auto refuse = [&](const std::string& why) -> Result<RunRecord>
  {
    (void)store_.setStatus(run.id, RunStatus::Failed, why);
    return makeError(why);
  };
  if (const std::string why = adaptBlocker(parent); !why.empty())
  {
    return refuse(why);
  }
  RunConfig parentConfig;
  try
  {
    parentConfig = configOfRun(parent);
  }
  catch (const std::exception& e)
  {
    return refuse(e.what());
  }
  // The parent's network is rebuilt from its own dataset (vocabularies, field schema), read once
  // per session (a comparison adapts the same parent several times).
  if (parent.datasetId != dataset_.id && parentDataId_ != parent.datasetId)
  {
    auto snap = ws_.loadSnapshot(parent.datasetId);
    if (!snap)
    {
      return refuse("the parent run's dataset cannot be read: " + snap.error());
    }
    parentData_ = std::move(*snap);
    parentDataId_ = parent.datasetId;
  }
  const DatasetSnapshot& parentData = parent.datasetId == dataset_.id ? snapshot_ : *parentData_;
  return record(run, hooks, "adaptation",
                [&](const TrainCallbacks& cb)
                {
                  return m6::adapt(snapshot_, config, parent.folder, parentData, parentConfig,
                                   options, run.folder, cb, false, distributed);
                });
}

Result<RunRecord> TrainingSession::record(
    RunRecord run, const TrainCallbacks& hooks, const std::string& what,
    const std::function<TrainOutcome(const TrainCallbacks&)>& engine)
{
  // One trainer per run, across processes: the lock lives as long as this call.
  auto lock = RunLock::acquire(run.folder);
  if (!lock)
  {
    return errorOf(lock);
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
      (void)store_.setStatus(run.id, RunStatus::Failed,
                             again.error());  // best effort: not "created"
      return errorOf(again);
    }
    ws_.setBusyTimeout(250);
  }
  std::vector<StepRecord> pendingSteps;
  std::vector<EpochRecord> pendingEpochs;
  std::string lastWriteError;
  double lastFlush = monotonicSeconds();
  auto flush = [&]
  {
    lastFlush = monotonicSeconds();
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
  cb.onStep = [&](const StepStats& s)
  {
    pendingSteps.push_back({s.step, s.epoch, s.loss, s.lr});
    if (pendingSteps.size() >= 500 || monotonicSeconds() - lastFlush > 2.0)
    {
      flush();
    }
    if (hooks.onStep)
    {
      hooks.onStep(s);
    }
  };
  cb.onEpoch = [&](const EpochStats& e)
  {
    pendingEpochs.push_back({e.epoch, e.trainLoss, e.valid, e.seconds, e.examplesPerSecond});
    flush();
    if (hooks.onEpoch)
    {
      hooks.onEpoch(e);
    }
  };

  TrainOutcome out;
  bool trained = false;  // the engine returned an outcome
  std::string failure;
  try
  {
    out = engine(cb);
    trained = true;
  }
  catch (const std::exception& e)
  {
    failure = what + " failed: " + e.what();
  }
  ws_.setBusyTimeout(120000);
  flush();
  if (!pendingSteps.empty() || !pendingEpochs.empty())
  {
    failure += (failure.empty() ? "" : "; ") + std::string("the curves could not be recorded: ") +
               lastWriteError;
  }
  if (!failure.empty() && !trained)
  {
    std::error_code ec;
    if (std::filesystem::is_regular_file(std::filesystem::path(run.folder) / "last.pt", ec))
    {
      failure += "; run " + std::to_string(run.id) +
                 " keeps its last checkpoint and can be resumed once the cause is fixed";
    }
    (void)store_.setStatus(run.id, RunStatus::Failed, failure);  // best effort; the error goes back
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
  summary["train_examples"] = out.trainExamples;
  if (out.worldSize > 1)
  {
    Json d = Json::object();
    d["world_size"] = out.worldSize;
    d["per_rank_batch"] = out.perRankBatch;
    d["global_batch"] = out.perRankBatch * out.worldSize;
    d["backend"] = out.backend;
    d["weights_checksum"] = out.weightsChecksum;
    summary["distributed"] = d;
  }
  if (out.coldItems > 0)
  {
    summary["cold"] = coldJson(out.coldItems, out.coldTest, out.coldRandom);
  }
  if (!out.adaptation.empty())
  {
    summary["adaptation"] = out.adaptation.toJson();
    summary["zero_shot"] = out.zeroShot.toJson();
  }
  run.summary = summary;
  if (auto ok = store_.finish(run.id, run); !ok)
  {
    return errorOf(ok);
  }
  if (!out.testRows.empty())
  {
    if (auto ok = store_.storeUserMetrics(run.id, "test", out.testRows); !ok)
    {
      return errorOf(ok);
    }
  }
  auto stored = store_.run(run.id);
  return stored ? *stored : run;
}

Result<std::vector<RunRecord>> TrainingSession::baselines(const RunConfig& config,
                                                          const TrainCallbacks& hooks,
                                                          const std::vector<std::string>& only)
{
  // The records exist first, so BPR-MF's factors are saved in its run's folder (the per-user
  // view recommends from them); a cancelled or failed job removes them again.
  skipped_.clear();
  const std::vector<std::string> kinds = only.empty() ? baselineNames() : only;
  std::vector<RunRecord> records;
  std::vector<std::unique_ptr<RunLock>> locks;  // the records are being written: not resumable
  auto discard = [&]
  {
    locks.clear();
    for (const auto& r : records)
    {
      (void)store_.remove(r.id);
    }
  };
  std::string bprFolder;
  for (const std::string& kind : kinds)
  {
    RunRecord r;
    r.name = baselineTitle(kind);
    r.datasetId = dataset_.id;
    r.datasetName = dataset_.name;
    if (const std::optional<RunKind> k = baselineKind(kind))
    {
      r.kind = *k;
    }
    else
    {
      discard();
      return makeError("unknown baseline '" + kind + "'");
    }
    r.task = Task::Ranking;
    r.configJson = toJson(config).dump();
    if (auto id = store_.create(r); !id)
    {
      discard();
      return errorOf(id);
    }
    records.push_back(r);
    bprFolder = kind == "bpr" ? r.folder : bprFolder;
    auto lock = RunLock::acquire(r.folder);
    if (!lock)
    {
      discard();
      return errorOf(lock);
    }
    locks.push_back(std::move(*lock));
  }
  BaselineOutcome out;
  try
  {
    for (const auto& r : records)
    {
      (void)store_.markStarted(r.id);
    }
    out = runBaselines(snapshot_, config, hooks, bprFolder, kinds);
  }
  catch (const std::exception& e)
  {
    discard();
    return makeError(std::string("baselines failed: ") + e.what());
  }
  if (out.status != RunStatus::Finished)
  {
    discard();
    return cancelledError();
  }
  skipped_ = out.skipped;
  std::vector<RunRecord> finished;
  ws_.setBusyTimeout(120000);  // the results wait out an import's commit rather than get lost
  struct RestoreTimeout
  {
    Workspace& ws;
    ~RestoreTimeout() { ws.setBusyTimeout(5000); }
  } restore{ws_};
  for (auto& r : records)
  {
    const std::string name = baselineName(r.kind);
    const BaselineResult* b = nullptr;
    for (const auto& x : out.baselines)
    {
      b = x.name == name ? &x : b;
    }
    if (!b)
    {
      (void)store_.remove(r.id);
      continue;
    }
    r.status = RunStatus::Finished;
    r.valid = b->valid;
    r.test = b->test;
    r.summary["seconds"] = b->seconds;
    if (!b->coldTest.empty())
    {
      Json cold = Json::object();
      cold["test"] = b->coldTest.toJson();
      cold["random"] = out.coldRandom.toJson();
      cold["note"] = b->coldNote;
      r.summary["cold"] = cold;
    }
    if (name == "bpr")
    {
      r.summary["factors"] = out.bprFactors;
    }
    if (!b->params.asObject().empty())
    {
      r.summary["params"] = b->params;
      Json tuning = Json::array();
      for (const auto& line : b->tuning)
      {
        tuning.push_back(line);
      }
      r.summary["tuning"] = tuning;
    }
    if (auto ok = store_.finish(r.id, r); !ok)
    {
      for (const auto& other : records)
      {
        (void)store_.setStatus(other.id, RunStatus::Failed,
                               "the results could not be recorded: " + ok.error());
      }
      return errorOf(ok);
    }
    if (!b->testRows.empty())
    {
      if (auto ok = store_.storeUserMetrics(r.id, "test", b->testRows); !ok)
      {
        return errorOf(ok);
      }
    }
    auto stored = store_.run(r.id);
    if (!stored)
    {
      return errorOf(stored);
    }
    finished.push_back(*stored);
  }
  return finished;
}

}  // namespace m6
