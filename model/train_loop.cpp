// runTrainingLoop() and the helpers train() and adapt() share.
//
// Over 500 lines: the loop with its optimiser set-up, resume checks, pause and stop, and the data-
// parallel hooks; runTrainingLoop itself is still to be cut into named steps.
#include "model/train_loop.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>
#include <sstream>
#include <thread>

#include "model/checkpoint.h"
#include "model/core/config_fields.h"
#include "model/data_parallel.h"
#include "model/evaluate.h"
#include "model/lazy_adam.h"
#include "model/rng.h"
#include "model/threads.h"

namespace m6
{

namespace
{

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Everything besides weights that a resume needs, stored in the checkpoint's "state".
struct RunState
{
  int epoch = 0;  // completed epochs
  int64_t globalStep = 0;
  double bestValue = std::numeric_limits<double>::quiet_NaN();
  int bestEpoch = 0;
  int badEpochs = 0;
  bool done = false;  // epochs exhausted or early-stopped
  MetricSet bestValid;
  std::vector<EpochStats> history;

  Json toJson() const
  {
    Json j = Json::object();
    j["epoch"] = epoch;
    j["global_step"] = globalStep;
    j["best_value"] = bestValue;
    j["best_epoch"] = bestEpoch;
    j["bad_epochs"] = badEpochs;
    j["done"] = done;
    j["best_valid"] = bestValid.toJson();
    Json h = Json::array();
    for (const auto& e : history)
    {
      Json o = Json::object();
      o["epoch"] = e.epoch;
      o["train_loss"] = e.trainLoss;
      o["valid"] = e.valid.toJson();
      o["seconds"] = e.seconds;
      o["examples_per_s"] = e.examplesPerSecond;
      o["is_best"] = e.isBest;
      h.push_back(o);
    }
    j["history"] = h;
    return j;
  }

  static RunState fromJson(const Json& j)
  {
    RunState s;
    s.epoch = j.value("epoch", 0);
    s.globalStep = j.value("global_step", int64_t(0));
    const Json* best = j.find("best_value");
    s.bestValue = best ? best->asDouble() : std::numeric_limits<double>::quiet_NaN();
    s.bestEpoch = j.value("best_epoch", 0);
    s.badEpochs = j.value("bad_epochs", 0);
    s.done = j.value("done", false);
    if (const Json* v = j.find("best_valid"))
    {
      s.bestValid = MetricSet::fromJson(*v);
    }
    if (const Json* h = j.find("history"))
    {
      for (const auto& o : h->asArray())
      {
        EpochStats e;
        e.epoch = o.value("epoch", 0);
        e.trainLoss = o.value("train_loss", 0.0);
        e.valid = MetricSet::fromJson(o.at("valid"));
        e.seconds = o.value("seconds", 0.0);
        e.examplesPerSecond = o.value("examples_per_s", 0.0);
        e.isBest = o.value("is_best", false);
        s.history.push_back(e);
      }
    }
    return s;
  }
};

// Data-parallel: steps between checks that the ranks' parameters are still identical (also
// after every epoch). A check is two sums over the parameters and a tiny all-gather.
constexpr int64_t kSyncCheckEvery = 100;

double scheduledLr(const TrainConfig& t, int64_t step, int64_t totalSteps)
{
  double lr = t.lr;
  if (t.warmupSteps > 0 && step < t.warmupSteps)
  {
    lr *= static_cast<double>(step + 1) / static_cast<double>(t.warmupSteps);
  }
  if (t.cosineDecay && totalSteps > 0)
  {
    double p = std::min(1.0, static_cast<double>(step) / static_cast<double>(totalSteps));
    lr *= 0.5 * (1.0 + std::cos(3.141592653589793 * p));
  }
  return lr;
}

// Each epoch's order and negatives come from (seed, epoch), so a resumed run needs no saved
// data-order state and draws exactly what the uninterrupted run drew.
uint64_t epochSeed(int64_t seed, int epoch)
{
  DemoRng mix(static_cast<uint64_t>(seed) ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(epoch)));
  return mix.next();
}

void shuffleFor(std::vector<int64_t>& v, int64_t seed, int epoch)
{
  DemoRng rng(epochSeed(seed, epoch) ^ 0x5851F42D4C957F2DULL);
  for (size_t i = v.size(); i > 1; --i)
  {
    std::swap(v[i - 1], v[rng.below(i)]);
  }
}

// The checkpoint's config must be this run's, apart from knobs that do not change results.
void checkResumeConfig(const std::string& path, const Json& saved, const RunConfig& config)
{
  RunConfig savedConfig;
  try
  {
    savedConfig = fromJson(saved);
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("resume: " + path + " has an unreadable config: " + e.what());
  }
  for (const auto& f : configFields())
  {
    if (f.key == "train.threads" || f.key == "train.checkpoint_every_epoch")
    {
      continue;
    }
    Json a = getValue(savedConfig, f.key);
    Json b = getValue(config, f.key);
    if (a != b)
    {
      throw std::runtime_error("resume: the config differs from the run's in " + f.key +
                               " (saved " + a.dump() + ", now " + b.dump() + ")");
    }
  }
}

bool stopRequested(const TrainCallbacks& cb)
{
  return cb.cancel && cb.cancel->load();
}

void waitWhilePaused(const TrainCallbacks& cb)
{
  while (cb.pause && cb.pause->load() && !stopRequested(cb))
  {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string formatNumber(double v)
{
  std::ostringstream os;
  os.precision(4);
  os << v;
  return os.str();
}

}  // namespace

void checkConfig(const DatasetSnapshot& data, const RunConfig& config)
{
  DatasetSchema schema = DatasetSchema::fromSnapshot(data);
  auto issues = validate(config, &schema);
  if (!issues.empty())
  {
    throw std::invalid_argument(formatIssues(issues));
  }
}

std::unique_ptr<torch::optim::Optimizer> makeOptimizer(
    const TrainConfig& t, std::vector<torch::optim::OptimizerParamGroup> groups)
{
  if (t.optimizer == Optimizer::Sgd)
  {
    return std::make_unique<torch::optim::SGD>(
        groups, torch::optim::SGDOptions(t.lr).momentum(t.momentum).weight_decay(t.weightDecay));
  }
  if (t.optimizer == Optimizer::AdamW)
  {
    return std::make_unique<LazyAdamW>(
        groups, torch::optim::AdamWOptions(t.lr).weight_decay(t.weightDecay));
  }
  return std::make_unique<LazyAdam>(groups,
                                    torch::optim::AdamOptions(t.lr).weight_decay(t.weightDecay));
}

void ensureRunDir(const std::string& runDir)
{
  std::error_code ec;
  fs::create_directories(runDir, ec);
  if (!fs::is_directory(runDir, ec))
  {
    throw std::runtime_error("run folder " + runDir + " cannot be created");
  }
}

void logLine(const TrainCallbacks& cb, const std::string& line)
{
  if (cb.onLog)
  {
    cb.onLog(line);
  }
}

TrainCallbacks rankCallbacks(const TrainCallbacks& cb, const Collective* job)
{
  TrainCallbacks quiet = cb;
  if (job && job->rank() > 0)
  {
    quiet.onStep = nullptr;
    quiet.onEpoch = nullptr;
    quiet.onProgress = nullptr;
  }
  return quiet;
}

TrainOutcome announcingFailures(Collective* job, const std::function<TrainOutcome()>& body)
{
  if (!job)
  {
    return body();
  }
  try
  {
    return body();
  }
  catch (const CollectiveError&)
  {
    throw;  // the job itself failed: the others know
  }
  catch (const std::exception& e)
  {
    job->announceFailure(e.what());
    throw;
  }
}

namespace
{

// train.sparse_rows: whether the user and the item id tables get row-sparse gradients.
std::pair<bool, bool> sparseIdTables(const Session& session)
{
  const TrainConfig& t = session.config.train;
  // SGD has no lazy form here.
  if (t.optimizer == Optimizer::Sgd || t.sparseRows == SparseRows::Off)
  {
    return {false, false};
  }
  if (t.sparseRows == SparseRows::On)
  {
    return {true, true};
  }
  // Only where the dense pass costs a real share of a step: a table of more than a million
  // parameters (the dense update of 14 million id parameters was two thirds of a step at 25M;
  // a million costs a few percent), of which a step touches a small part (at most a batch's
  // users). Below that the lazy update is not worth its effect on quality: untouched rows stop
  // drifting on their momentum, which cost 2-3% validation NDCG@10 on ml-latest-small (3 seeds).
  const int64_t many = 8 * static_cast<int64_t>(t.batchSize);
  const int64_t dim = session.config.model.dim;
  auto large = [&](int64_t rows) { return rows > many && rows * dim > (int64_t(1) << 20); };
  const bool fullSoftmax = effectiveLoss(session.config, session.data.numItems()) == Loss::Softmax;
  return {large(session.data.numUsers()), !fullSoftmax && large(session.data.numItems())};
}

}  // namespace

TrainOutcome runTrainingLoop(const LoopSetup& setup, const TrainCallbacks& cb)
{
  Session& session = *setup.session;
  TrainingStep& stepper = *setup.stepper;
  torch::optim::Optimizer* optimizer = setup.optimizer;
  const RunConfig& config = session.config;
  Collective* job = setup.collective;
  const int rank = job ? job->rank() : 0;
  const int world = job ? job->size() : 1;
  const bool writer = rank == 0;  // the only rank that writes the run folder
  session.collective = job;
  const auto [sparseUsers, sparseItems] = sparseIdTables(session);
  session.net->setSparseIds(sparseUsers, sparseItems);
  if (sparseUsers || sparseItems)
  {
    logLine(cb, std::string("row-sparse id updates: ") + (sparseUsers && sparseItems
                                                              ? "users and items"
                                                              : (sparseUsers ? "users" : "items")));
  }
  const bool resume = setup.resume;  // a job agreed on it in startJob()
  std::error_code ec;
  const std::string bestPath = (fs::path(setup.runDir) / "best.pt").string();
  const std::string lastPath = (fs::path(setup.runDir) / "last.pt").string();
  const TrainConfig& tc = config.train;
  const int k = tc.evalK;
  const std::string stopMetric = metricName(effectiveStopMetric(config), k);
  const bool higher = higherIsBetter(effectiveStopMetric(config));

  RunState st;
  if (resume)
  {
    if (writer && !fs::is_regular_file(lastPath, ec))
    {
      if (job)
      {
        job->announceFailure("resume: rank 0 has no " + lastPath);
      }
      throw std::runtime_error("resume: " + lastPath + " does not exist");
    }
    Json meta = job ? shareCheckpoint(*job, lastPath, session, optimizer)
                    : loadCheckpoint(lastPath, session, optimizer);
    // Resume only the same experiment, or "the same final metrics" would not hold.
    checkResumeConfig(lastPath, meta.at("config"), config);
    st = RunState::fromJson(meta.at("state"));
    logLine(cb, "resuming after epoch " + std::to_string(st.epoch) + " (step " +
                    std::to_string(st.globalStep) + ")");
  }
  else
  {
    if (job)
    {
      broadcastWeights(*job, *session.net);  // the seed made them equal; make sure
    }
    if (writer)
    {
      fs::remove(bestPath, ec);
      saveCheckpoint(lastPath, session, optimizer, st.toJson());
    }
  }
  if (job && rank > 0)
  {
    // Each rank's own dropout draws (rank 0 keeps the single-process sequence).
    std::lock_guard<std::mutex> lock(globalRngMutex());
    torch::manual_seed(static_cast<uint64_t>(tc.seed) * 1000003ULL +
                       static_cast<uint64_t>(rank) * 7919ULL +
                       static_cast<uint64_t>(st.globalStep));
  }
  std::unique_ptr<GradientReducer> reducer;
  if (job)
  {
    // Frozen parameters (an adapted run's) have no gradient to exchange.
    auto trainable = [](std::vector<torch::Tensor> all)
    {
      all.erase(std::remove_if(all.begin(), all.end(),
                               [](const torch::Tensor& t) { return !t.requires_grad(); }),
                all.end());
      return all;
    };
    reducer = std::make_unique<GradientReducer>(*job, trainable(session.net->parameters()),
                                                trainable(session.net->sparseIdWeights()));
  }

  std::vector<int64_t> examples = stepper.examples();
  const int64_t perEpoch = static_cast<int64_t>(examples.size());
  // Data-parallel: a step is one global batch of batch_size examples per rank, each rank taking
  // its contiguous share of it (one rank: the whole batch).
  const int64_t batchSize = tc.batchSize * world;
  const int64_t stepsPerEpoch = (perEpoch + batchSize - 1) / batchSize;
  const int64_t totalSteps = stepsPerEpoch * tc.epochs;
  const int64_t parameters = session.parameterCount();
  logLine(cb, std::to_string(perEpoch) + " training examples, " + std::to_string(stepsPerEpoch) +
                  " steps per epoch, " + std::to_string(parameters) + " parameters, " +
                  std::to_string(tc.threads) + " thread(s)" +
                  (job ? ", " + std::to_string(world) + " ranks x " + std::to_string(tc.batchSize) +
                             " examples per step (Gloo)"
                       : std::string()));

  TrainOutcome out;
  out.parameters = parameters;
  out.trainExamples = perEpoch;
  out.coldItems = session.numCold;
  out.lastCheckpoint = lastPath;
  out.status = RunStatus::Finished;
  out.worldSize = world;
  out.perRankBatch = tc.batchSize;
  out.backend = job ? "gloo" : "";
  const auto callStart = Clock::now();
  bool stopAll = false;   // data-parallel: a rank asked to stop at the last exchange
  bool pauseAll = false;  // ... or to pause
  double trainSeconds = 0;
  int64_t trainedThisCall = 0;
  int epochsThisCall = 0;
  double epochSecondsThisCall = 0;

  while (!st.done && st.epoch < tc.epochs && out.status == RunStatus::Finished)
  {
    const int epoch = st.epoch + 1;
    const auto epochStart = Clock::now();
    // Shuffle a fresh copy: the order must depend on (seed, epoch) only, not on earlier epochs.
    std::vector<int64_t> order = examples;
    shuffleFor(order, tc.seed, epoch);
    DemoRng negatives(epochSeed(tc.seed, epoch) ^
                      (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(rank)));
    session.net->train();
    double lossSum = 0;
    double exchangeSeconds = 0;  // data-parallel: waiting in the gradient exchange
    int64_t lossSteps = 0;
    int64_t globalStep = st.globalStep;
    // An evaluation elsewhere in the process (Inspect) leaves this loop its core meanwhile.
    auto busy = std::make_unique<TrainingStepsScope>();
    for (int64_t step = 0; step < stepsPerEpoch; ++step)
    {
      if (job)
      {
        // Every rank pauses and stops at the same step: the requests travel with the gradients,
        // and while paused in small exchanges of their own (so no rank times out waiting).
        while (pauseAll && !stopAll)
        {
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
          StepTotals flags =
              reducer->exchangeFlags(stopRequested(cb), cb.pause && cb.pause->load());
          stopAll = flags.stop;
          pauseAll = flags.pause;
        }
      }
      else
      {
        waitWhilePaused(cb);
      }
      if (job ? stopAll : stopRequested(cb))
      {
        out.status = RunStatus::Stopped;
        out.message = "stopped during epoch " + std::to_string(epoch) +
                      "; resume continues after epoch " + std::to_string(st.epoch);
        break;
      }
      const auto stepStart = Clock::now();
      const double lr = scheduledLr(tc, globalStep, totalSteps);
      auto& groups = optimizer->param_groups();
      for (size_t g = 0; g < groups.size(); ++g)
      {
        groups[g].options().set_lr(g < setup.lrScale.size() ? lr * setup.lrScale[g] : lr);
      }
      const int64_t begin = step * batchSize;
      const int64_t end = std::min(perEpoch, begin + batchSize);
      const int64_t mineBegin = begin + (end - begin) * rank / world;
      const int64_t mineEnd = begin + (end - begin) * (rank + 1) / world;
      std::vector<int64_t> batch(order.begin() + mineBegin, order.begin() + mineEnd);
      torch::Tensor loss;
      double value = 0;
      if (!batch.empty())
      {
        // Dropout draws from torch's shared generator: see rng.h.
        std::lock_guard<std::mutex> rng(globalRngMutex());
        loss = stepper.loss(batch, negatives);
        value = loss.item<double>();
      }
      double gradNorm = 0;
      const double maxNorm =
          tc.gradClip > 0 ? tc.gradClip : std::numeric_limits<double>::infinity();
      if (job)
      {
        optimizer->zero_grad();
        if (loss.defined() && std::isfinite(value))
        {
          loss.backward();
        }
        // The global batch's mean loss and gradient on every rank (NaN anywhere: NaN everywhere).
        const auto exchangeStart = Clock::now();
        StepTotals totals = reducer->reduce(static_cast<double>(batch.size()), value,
                                            stopRequested(cb), cb.pause && cb.pause->load());
        exchangeSeconds += secondsSince(exchangeStart);
        value = totals.loss;
        stopAll = totals.stop;
        pauseAll = totals.pause;
        if (std::isfinite(value))
        {
          gradNorm = torch::nn::utils::clip_grad_norm_(session.net->parameters(), maxNorm);
        }
      }
      else if (std::isfinite(value))
      {
        optimizer->zero_grad();
        loss.backward();
        coalesceSparseGrads(session.net->parameters());
        gradNorm = torch::nn::utils::clip_grad_norm_(session.net->parameters(), maxNorm);
      }
      if (!std::isfinite(value) || !std::isfinite(gradNorm))
      {
        out.status = RunStatus::Diverged;
        out.message =
            std::string("training diverged: the ") + (std::isfinite(value) ? "gradient" : "loss") +
            " was " + formatNumber(std::isfinite(value) ? gradNorm : value) + " at step " +
            std::to_string(globalStep + 1) + " (epoch " + std::to_string(epoch) +
            "); the last good checkpoint (after epoch " + std::to_string(st.epoch) + ") is kept";
        break;
      }
      optimizer->step();
      ++globalStep;
      if (job && globalStep % kSyncCheckEvery == 0)
      {
        checkInSync(*job, *session.net, globalStep);
      }
      lossSum += value;
      ++lossSteps;
      trainSeconds += secondsSince(stepStart);
      trainedThisCall += end - begin;
      if (cb.onStep)
      {
        cb.onStep(StepStats{globalStep, epoch, value, lr});
      }
      if (cb.onProgress)
      {
        Progress p;
        p.epoch = epoch;
        p.epochs = tc.epochs;
        p.step = step + 1;
        p.stepsPerEpoch = stepsPerEpoch;
        p.examplesDone = (epoch - 1) * perEpoch + end;
        p.examplesTotal = perEpoch * tc.epochs;
        p.examplesPerSecond = trainSeconds > 0 ? trainedThisCall / trainSeconds : 0;
        p.elapsedSeconds = secondsSince(callStart);
        p.etaSeconds =
            p.examplesPerSecond > 0 ? (p.examplesTotal - p.examplesDone) / p.examplesPerSecond : 0;
        cb.onProgress(p);
      }
    }
    busy.reset();
    if (out.status != RunStatus::Finished)
    {
      break;
    }

    // Per-epoch validation may use a seeded user sample (train.valid_users); the test never does.
    EvalResult valid = evaluateSession(session, SplitPart::Valid, tc.validUsers);
    const double metric = valid.metrics.get(stopMetric);
    bool improved = std::isnan(metric) ||  // nothing to validate on: keep the latest
                    std::isnan(st.bestValue) ||
                    (higher ? metric > st.bestValue : metric < st.bestValue);
    st.epoch = epoch;
    st.globalStep = globalStep;
    if (improved)
    {
      st.bestValue = metric;
      st.bestEpoch = epoch;
      st.bestValid = valid.metrics;
      st.badEpochs = 0;
    }
    else
    {
      ++st.badEpochs;
    }
    bool early = tc.patience > 0 && st.badEpochs >= tc.patience;
    st.done = early || epoch >= tc.epochs;
    EpochStats es;
    es.epoch = epoch;
    es.trainLoss = lossSteps ? lossSum / static_cast<double>(lossSteps) : 0;
    es.valid = valid.metrics;
    es.seconds = secondsSince(epochStart);
    es.examplesPerSecond = trainSeconds > 0 ? trainedThisCall / trainSeconds : 0;
    es.isBest = improved;
    st.history.push_back(es);
    if (job)
    {
      checkInSync(*job, *session.net, globalStep);
    }
    if (improved && writer)
    {
      saveCheckpoint(bestPath, session, nullptr, st.toJson());
    }
    if ((tc.checkpointEveryEpoch || st.done) && writer)
    {
      saveCheckpoint(lastPath, session, optimizer, st.toJson());
    }
    ++epochsThisCall;
    epochSecondsThisCall += es.seconds;
    logLine(cb, "epoch " + std::to_string(epoch) + ": loss " + formatNumber(es.trainLoss) + ", " +
                    stopMetric + " " + formatNumber(metric) + (improved ? " (best)" : "") + ", " +
                    formatNumber(es.seconds) + " s" +
                    (job ? " (" + formatNumber(exchangeSeconds) +
                               " s in the gradient exchange, waiting for the other ranks included)"
                         : std::string()));
    if (cb.onEpoch)
    {
      cb.onEpoch(es);
    }
    if (early)
    {
      logLine(cb, "early stop: no better " + stopMetric + " for " + std::to_string(tc.patience) +
                      " epoch(s); best epoch " + std::to_string(st.bestEpoch));
    }
  }

  out.bestEpoch = st.bestEpoch;
  out.epochsRun = st.epoch;
  out.history = st.history;
  out.valid = st.bestValid;
  out.examplesPerSecond = trainSeconds > 0 ? trainedThisCall / trainSeconds : 0;
  out.secondsPerEpoch = epochsThisCall ? epochSecondsThisCall / epochsThisCall : 0;
  if (out.status == RunStatus::Finished)
  {
    out.message = "finished after " + std::to_string(st.epoch) + " epoch(s); best epoch " +
                  std::to_string(st.bestEpoch);
  }
  out.weightsChecksum = weightsChecksum(*session.net);
  if (st.bestEpoch > 0 && (job || fs::is_regular_file(bestPath, ec)))
  {
    out.bestCheckpoint = writer ? bestPath : "";
    if (job)
    {
      shareCheckpoint(*job, bestPath, session, nullptr);
    }
    else
    {
      loadCheckpoint(bestPath, session, nullptr);
    }
    EvalResult test = evaluateSession(session, SplitPart::Test);
    out.test = test.metrics;
    out.testRows = test.rows;
    out.testByActivity =
        breakdownByActivity(test.rows, config.model.task, k, test.metrics.protocol);
    EvalResult cold = evaluateCold(session, SplitPart::Test);
    out.coldTest = cold.metrics;
    out.coldRandom = cold.random;
  }
  logLine(cb, out.message);
  return out;
}

}  // namespace m6
