// adapt(), zeroShot() and previewAdaptation() of engine.h.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/carry_over.h"
#include "model/checkpoint.h"
#include "model/collective.h"
#include "model/core/atomic_file.h"
#include "model/data_parallel.h"
#include "model/engine.h"
#include "model/evaluate.h"
#include "model/threads.h"
#include "model/train_loop.h"
#include "model/training_step.h"

namespace m6
{

namespace
{

namespace fs = std::filesystem;

void checkOptions(const RunConfig& config, const AdaptOptions& options)
{
  if (options.parameterEfficient && config.model.adapterWidth <= 0)
  {
    throw std::invalid_argument(
        "model.adapter_width: parameter-efficient adaptation trains adapters and needs a width "
        "above 0 (adaptedConfig() sets " +
        std::to_string(kDefaultAdapterWidth) + ")");
  }
  if (!(options.carriedLr >= 0))
  {
    throw std::invalid_argument("carried learning rate: must be 0 (= train.lr) or above");
  }
}

// The parent network with its weights. Throws std::runtime_error for a checkpoint that does not
// fit its snapshot and config.
std::unique_ptr<Session> openParent(const DatasetSnapshot& snapshot, const RunConfig& config,
                                    const std::string& checkpoint, std::string* path)
{
  DatasetSchema schema = DatasetSchema::fromSnapshot(snapshot);
  auto issues = validate(config, &schema);
  if (!issues.empty())
  {
    throw std::runtime_error("the parent's config does not fit the parent's dataset: " +
                             formatIssues(issues));
  }
  *path = resolveCheckpointPath(checkpoint);
  auto session = std::make_unique<Session>(snapshot, config);
  loadCheckpoint(*path, *session, nullptr);
  return session;
}

// The parent's weights carried into `target`; the cold items' id rows stay zero afterwards (the
// parent may have learned ids for them, and the cold protocol ranks them by content only).
AdaptReport carryKeepingColdItemsCold(Session& parent, Session& target, const AdaptOptions& options)
{
  AdaptReport report = carryOver(parent, target, options);
  if (target.numCold > 0)
  {
    EntityEncoder items = target.net->itemEncoder();
    zeroIdRows(items, target.coldItems);
    report.notes.push_back("the " + std::to_string(target.numCold) +
                           " cold items keep zero id rows: they are ranked by content only");
  }
  return report;
}

ZeroShotResult evaluateZeroShot(Session& target, const RunConfig& parentConfig,
                                const AdaptReport& report, const AdaptOptions& options)
{
  ZeroShotResult z;
  std::string reason;
  if (headChanges(parentConfig, target.config, options, &reason))
  {
    z.note = "not available: " + reason + ", so the head would be untrained";
    return z;
  }
  z.valid = evaluateSession(target, SplitPart::Valid).metrics;
  z.test = evaluateSession(target, SplitPart::Test).metrics;
  z.available = true;
  int64_t carried = 0;
  int64_t partly = 0;
  for (const auto& p : report.parameters)
  {
    carried += p.status == "carried" ? 1 : 0;
    partly += p.status == "carried-partly" ? 1 : 0;
  }
  z.note = "the parent's weights on this dataset's split before any training (" +
           std::to_string(carried) + " tensors carried whole, " + std::to_string(partly) +
           " partly; unmatched rows at zero)";
  return z;
}

Json readJsonFile(const std::string& path)
{
  std::ifstream in(path);
  if (!in)
  {
    throw std::runtime_error("resume: " + path + " does not exist (not an adapted run?)");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  try
  {
    return Json::parse(ss.str());
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("resume: " + path + " is unreadable: " + e.what());
  }
}

void writeJsonFile(const std::string& path, const Json& j)
{
  if (std::string error = writeFileAtomically(path, j.dump(2) + "\n"); !error.empty())
  {
    throw std::runtime_error(error);
  }
}

// The zero-shot figures of a fresh adaptation (split across the ranks of `job`, which all hold
// the carried weights by now), or why there are none.
ZeroShotResult zeroShotOnRanks(Session& session, Collective* job, const RunConfig& parentConfig,
                               const AdaptReport& report, const AdaptOptions& options,
                               const TrainCallbacks& cb)
{
  ZeroShotResult zero;
  if (!options.zeroShot)
  {
    zero.note = "not evaluated (switched off for this run)";
    return zero;
  }
  session.collective = job;
  zero = evaluateZeroShot(session, parentConfig, report, options);
  logLine(cb, zero.available ? "zero-shot: valid " + zero.valid.valuesJson().dump()
                             : "zero-shot " + zero.note);
  return zero;
}

// The training of an adapted session, the same on every rank: the optimiser groups of the
// adaptation (carried parameters may take their own learning rate), then the loop.
TrainOutcome trainAdapted(Session& session, Collective* job, const AdaptOptions& options,
                          const AdaptReport& report, const ZeroShotResult& zero,
                          const std::string& runDir, bool resume, const TrainCallbacks& cb)
{
  logLine(cb, "adapted from " + report.parentCheckpoint + ": " +
                  std::to_string(report.names("carried").size()) + " tensors carried, " +
                  std::to_string(report.names("carried-partly").size()) + " partly, " +
                  std::to_string(report.names("re-initialised").size()) + " re-initialised, " +
                  std::to_string(report.names("added").size()) + " added, " +
                  std::to_string(report.names("frozen").size()) + " frozen; trainable share " +
                  std::to_string(report.trainableShare));
  TrainingStep stepper(session);
  std::vector<double> scales;
  auto optimizer =
      makeOptimizer(session.config.train, adaptGroups(session, report, options, &scales));
  LoopSetup setup;
  setup.session = &session;
  setup.stepper = &stepper;
  setup.optimizer = optimizer.get();
  setup.lrScale = scales;
  setup.runDir = runDir;
  setup.resume = resume;
  setup.collective = job;
  TrainOutcome out = runTrainingLoop(setup, rankCallbacks(cb, job));
  out.adaptation = report;
  out.zeroShot = zero;
  return out;
}

}  // namespace

AdaptReport previewAdaptation(const DatasetSnapshot& target, const RunConfig& config,
                              const std::string& parentCheckpoint,
                              const DatasetSnapshot& parentSnapshot, const RunConfig& parentConfig,
                              const AdaptOptions& options)
{
  checkConfig(target, config);
  checkOptions(config, options);
  setComputeThreads(config.train.threads);
  std::string path;
  auto parent = openParent(parentSnapshot, parentConfig, parentCheckpoint, &path);
  Session session(target, config);
  AdaptReport report = carryOver(*parent, session, options);
  report.parentCheckpoint = path;
  applyFreezing(session, options, report);
  return report;
}

ZeroShotResult zeroShot(const DatasetSnapshot& target, const RunConfig& config,
                        const std::string& parentCheckpoint, const DatasetSnapshot& parentSnapshot,
                        const RunConfig& parentConfig)
{
  checkConfig(target, config);
  setComputeThreads(config.train.threads);
  std::string path;
  auto parent = openParent(parentSnapshot, parentConfig, parentCheckpoint, &path);
  Session session(target, config);
  AdaptReport report = carryKeepingColdItemsCold(*parent, session, AdaptOptions{});
  return evaluateZeroShot(session, parentConfig, report, AdaptOptions{});
}

TrainOutcome adapt(const DatasetSnapshot& target, const RunConfig& config,
                   const std::string& parentCheckpoint, const DatasetSnapshot& parentSnapshot,
                   const RunConfig& parentConfig, const AdaptOptions& options,
                   const std::string& runDir, const TrainCallbacks& cb, bool resume,
                   const Distributed& distributed)
{
  checkConfig(target, config);
  checkOptions(config, options);
  if (distributed.active() && distributed.rank != 0)
  {
    throw std::invalid_argument("adapt() runs rank 0 of a job; the other ranks call train()");
  }
  setComputeThreads(config.train.threads);
  ensureRunDir(runDir);
  std::unique_ptr<Collective> job;
  if (distributed.active())
  {
    job = std::make_unique<Collective>(distributed);
  }
  return announcingFailures(
      job.get(),
      [&]
      {
        const std::string recordPath = (fs::path(runDir) / "adapt.json").string();
        AdaptReport report;
        Json record = Json::object();
        std::unique_ptr<Session> session;
        if (!resume)
        {
          // The parent first: building a session seeds torch's generator, and the new network's
          // initialisation and training must follow this run's seed, as in train().
          std::string path;
          auto parent = openParent(parentSnapshot, parentConfig, parentCheckpoint, &path);
          session = std::make_unique<Session>(target, config, Session::Use::Training);
          report = carryKeepingColdItemsCold(*parent, *session, options);
          report.parentCheckpoint = path;
          applyFreezing(*session, options, report);
          record["options"] = options.toJson();
          record["report"] = report.toJson();
          record["parent_config"] = toJson(parentConfig);
          record["parent_dataset"] = parentSnapshot.name;
        }
        else
        {
          record = readJsonFile(recordPath);
          AdaptOptions recorded = AdaptOptions::fromJson(record.at("options"));
          if (!(recorded == options))
          {
            throw std::runtime_error(
                "resume: the adaptation options differ from the run's (recorded " +
                recorded.toJson().dump() + ")");
          }
          report = AdaptReport::fromJson(record.at("report"));
          session = std::make_unique<Session>(target, config, Session::Use::Training);
          applyRecordedFreezing(*session, report);
        }
        if (job)
        {
          startJob(*job, *session, resume, record.dump());  // rank 0 decides: `resume` stands
        }
        ZeroShotResult zero;
        if (!resume)
        {
          if (job)
          {
            broadcastWeights(*job, *session->net);
          }
          zero = zeroShotOnRanks(*session, job.get(), parentConfig, report, options, cb);
          record["zero_shot"] = zero.toJson();
          writeJsonFile(recordPath, record);
        }
        else
        {
          zero = ZeroShotResult::fromJson(record.at("zero_shot"));
        }
        return trainAdapted(*session, job.get(), options, report, zero, runDir, resume, cb);
      });
}

TrainOutcome followAdaptation(Collective& job, Session& session, const JobStart& start,
                              const TrainCallbacks& cb)
{
  AdaptOptions options;
  AdaptReport report;
  RunConfig parentConfig;
  ZeroShotResult zero;
  try
  {
    const Json record = Json::parse(start.adaptation);
    options = AdaptOptions::fromJson(record.at("options"));
    report = AdaptReport::fromJson(record.at("report"));
    parentConfig = fromJson(record.at("parent_config"));
    if (record.contains("zero_shot"))
    {
      zero = ZeroShotResult::fromJson(record.at("zero_shot"));
    }
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("rank " + std::to_string(job.rank()) +
                             " cannot read rank 0's adaptation record: " + e.what());
  }
  applyRecordedFreezing(session, report);
  if (!start.resume)
  {
    broadcastWeights(job, *session.net);
    zero = zeroShotOnRanks(session, &job, parentConfig, report, options, cb);
  }
  return trainAdapted(session, &job, options, report, zero, "", start.resume, cb);
}

}  // namespace m6
