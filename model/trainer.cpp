// train(), evaluate() and estimate() of engine.h.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/carry_over.h"
#include "model/checkpoint.h"
#include "model/collective.h"
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

// An adapted run (runDir/adapt.json) resumes through adapt(), which restores its frozen
// parameters and optimiser groups; its recorded options are the ones to resume with. In a job,
// only rank 0 has the run folder; it tells the other ranks (startJob).
bool resumeAdapted(const DatasetSnapshot& data, const RunConfig& config, const std::string& runDir,
                   const TrainCallbacks& cb, const Distributed& distributed, TrainOutcome* out)
{
  const std::filesystem::path record = std::filesystem::path(runDir) / "adapt.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(record, ec))
  {
    return false;
  }
  std::ifstream in(record);
  std::stringstream text;
  text << in.rdbuf();
  AdaptOptions options;
  try
  {
    options = AdaptOptions::fromJson(Json::parse(text.str()).at("options"));
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("resume: " + record.string() + " is unreadable: " + e.what());
  }
  *out = adapt(data, config, "", DatasetSnapshot{}, RunConfig{}, options, runDir, cb, true,
               distributed);
  return true;
}

}  // namespace

TrainOutcome train(const DatasetSnapshot& data, const RunConfig& config, const std::string& runDir,
                   const TrainCallbacks& cb, bool resume, const Distributed& distributed)
{
  const bool writer = !distributed.active() || distributed.rank == 0;
  TrainOutcome adapted;
  if (resume && writer && resumeAdapted(data, config, runDir, cb, distributed, &adapted))
  {
    return adapted;
  }
  checkConfig(data, config);
  setComputeThreads(config.train.threads);
  if (writer)
  {
    ensureRunDir(runDir);
  }
  std::unique_ptr<Collective> job;
  if (distributed.active())
  {
    job = std::make_unique<Collective>(distributed);
  }
  Session session(data, config, Session::Use::Training);
  return announcingFailures(
      job.get(),
      [&]
      {
        const JobStart start = job ? startJob(*job, session, resume, "") : JobStart{resume, ""};
        if (!start.adaptation.empty())
        {
          return followAdaptation(*job, session, start, cb);
        }
        TrainingStep stepper(session);
        auto optimizer = makeOptimizer(
            config.train, {torch::optim::OptimizerParamGroup(session.net->parameters())});
        LoopSetup setup;
        setup.session = &session;
        setup.stepper = &stepper;
        setup.optimizer = optimizer.get();
        setup.runDir = runDir;
        setup.resume = start.resume;
        setup.collective = job.get();
        return runTrainingLoop(setup, rankCallbacks(cb, job.get()));
      });
}

EvaluationOutcome evaluate(const DatasetSnapshot& data, const RunConfig& config,
                           const std::string& checkpoint)
{
  checkConfig(data, config);
  setComputeThreads(config.train.threads);
  std::string path = resolveCheckpointPath(checkpoint);
  Session session(data, config);
  loadCheckpoint(path, session, nullptr);
  EvaluationOutcome out;
  EvalResult valid = evaluateSession(session, SplitPart::Valid);
  EvalResult test = evaluateSession(session, SplitPart::Test);
  out.valid = valid.metrics;
  out.validRows = valid.rows;
  out.test = test.metrics;
  out.testRows = test.rows;
  out.testByActivity =
      breakdownByActivity(test.rows, config.model.task, config.train.evalK, test.metrics.protocol);
  EvalResult cold = evaluateCold(session, SplitPart::Test);
  out.coldTest = cold.metrics;
  out.coldRandom = cold.random;
  out.coldItems = session.numCold;
  return out;
}

ParamEstimate estimate(const DatasetSnapshot& data, const RunConfig& config)
{
  checkConfig(data, config);
  setComputeThreads(config.train.threads);
  Session session(data, config);
  TrainingStep stepper(session);
  ParamEstimate e;
  e.parameters = session.parameterCount();
  e.examplesPerEpoch = static_cast<int64_t>(stepper.examples().size());
  e.stepsPerEpoch = (e.examplesPerEpoch + config.train.batchSize - 1) / config.train.batchSize;
  e.evalUsers = static_cast<int64_t>(
      std::count_if(session.split.validIndex.begin(), session.split.validIndex.end(),
                    [](int64_t t) { return t >= 0; }));  // users, not held-out interactions
  for (const auto& child : session.net->named_children())
  {
    int64_t n = 0;
    for (const auto& p : child.value()->parameters())
    {
      n += p.numel();
    }
    if (n > 0)
    {
      e.parametersByPart.emplace_back(child.key(), n);
    }
  }
  return e;
}

}  // namespace m6
