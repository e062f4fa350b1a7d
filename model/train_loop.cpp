// runTrainingLoop() and the helpers train() and adapt() share.
//
// Over 500 lines: the loop with its optimiser set-up, resume checks, pause and stop, and the data-
// parallel hooks; runTrainingLoop is the TrainingLoop class, one named step per phase.
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

/// One call of runTrainingLoop: the run's constants, its resumable state and the outcome being
/// built, with each phase a named step. run() is the order they happen in.
class TrainingLoop
{
 public:
  TrainingLoop(const LoopSetup& setup, const TrainCallbacks& cb)
      : setup_(setup),
        cb_(cb),
        session_(*setup.session),
        stepper_(*setup.stepper),
        optimizer_(setup.optimizer),
        tc_(setup.session->config.train),
        job_(setup.collective),
        rank_(job_ ? job_->rank() : 0),
        world_(job_ ? job_->size() : 1),
        writer_(rank_ == 0),
        bestPath_((fs::path(setup.runDir) / "best.pt").string()),
        lastPath_((fs::path(setup.runDir) / "last.pt").string()),
        stopMetric_(metricName(effectiveStopMetric(session_.config), tc_.evalK)),
        higher_(higherIsBetter(effectiveStopMetric(session_.config)))
  {
  }

  TrainOutcome run()
  {
    session_.collective = job_;
    useSparseIdTables();
    if (setup_.resume)  // a job agreed on it in startJob()
    {
      restore();
    }
    else
    {
      start();
    }
    seedThisRank();
    makeReducer();
    plan();
    while (!st_.done && st_.epoch < tc_.epochs && out_.status == RunStatus::Finished)
    {
      const int epoch = st_.epoch + 1;
      const auto epochStart = Clock::now();
      EpochTotals totals = trainEpoch(epoch);
      if (out_.status != RunStatus::Finished)
      {
        break;
      }
      endEpoch(epoch, totals, epochStart);
    }
    finish();
    return out_;
  }

 private:
  /// What one epoch's steps add up to.
  struct EpochTotals
  {
    double lossSum = 0;
    int64_t lossSteps = 0;
    double exchangeSeconds = 0;  // data-parallel: waiting in the gradient exchange
    int64_t globalStep = 0;      // after the epoch's last step
  };

  void useSparseIdTables()
  {
    const auto [users, items] = sparseIdTables(session_);
    session_.net->setSparseIds(users, items);
    if (users || items)
    {
      logLine(cb_, std::string("row-sparse id updates: ") +
                       (users && items ? "users and items" : (users ? "users" : "items")));
    }
  }

  /// Loads last.pt into the session and optimiser and takes the run's state from it.
  void restore()
  {
    std::error_code ec;
    if (writer_ && !fs::is_regular_file(lastPath_, ec))
    {
      if (job_)
      {
        job_->announceFailure("resume: rank 0 has no " + lastPath_);
      }
      throw std::runtime_error("resume: " + lastPath_ + " does not exist");
    }
    Json meta = job_ ? shareCheckpoint(*job_, lastPath_, session_, optimizer_)
                     : loadCheckpoint(lastPath_, session_, optimizer_);
    // Resume only the same experiment, or "the same final metrics" would not hold.
    checkResumeConfig(lastPath_, meta.at("config"), session_.config);
    st_ = RunState::fromJson(meta.at("state"));
    logLine(cb_, "resuming after epoch " + std::to_string(st_.epoch) + " (step " +
                     std::to_string(st_.globalStep) + ")");
  }

  /// A fresh run: equal weights on every rank, no best checkpoint, a last.pt to resume from.
  void start()
  {
    if (job_)
    {
      broadcastWeights(*job_, *session_.net);  // the seed made them equal; make sure
    }
    if (writer_)
    {
      std::error_code ec;
      fs::remove(bestPath_, ec);
      saveCheckpoint(lastPath_, session_, optimizer_, st_.toJson());
    }
  }

  void seedThisRank()
  {
    if (job_ && rank_ > 0)
    {
      // Each rank's own dropout draws (rank 0 keeps the single-process sequence).
      std::lock_guard<std::mutex> lock(globalRngMutex());
      torch::manual_seed(static_cast<uint64_t>(tc_.seed) * 1000003ULL +
                         static_cast<uint64_t>(rank_) * 7919ULL +
                         static_cast<uint64_t>(st_.globalStep));
    }
  }

  void makeReducer()
  {
    if (!job_)
    {
      return;
    }
    // Frozen parameters (an adapted run's) have no gradient to exchange.
    auto trainable = [](std::vector<torch::Tensor> all)
    {
      all.erase(std::remove_if(all.begin(), all.end(),
                               [](const torch::Tensor& t) { return !t.requires_grad(); }),
                all.end());
      return all;
    };
    reducer_ = std::make_unique<GradientReducer>(*job_, trainable(session_.net->parameters()),
                                                 trainable(session_.net->sparseIdWeights()));
  }

  /// The epoch's sizes, the line that announces them and the outcome's fixed fields.
  void plan()
  {
    examples_ = stepper_.examples();
    perEpoch_ = static_cast<int64_t>(examples_.size());
    // Data-parallel: a step is one global batch of batch_size examples per rank, each rank taking
    // its contiguous share of it (one rank: the whole batch).
    batchSize_ = tc_.batchSize * world_;
    stepsPerEpoch_ = (perEpoch_ + batchSize_ - 1) / batchSize_;
    totalSteps_ = stepsPerEpoch_ * tc_.epochs;
    const int64_t parameters = session_.parameterCount();
    logLine(cb_, std::to_string(perEpoch_) + " training examples, " +
                     std::to_string(stepsPerEpoch_) + " steps per epoch, " +
                     std::to_string(parameters) + " parameters, " + std::to_string(tc_.threads) +
                     " thread(s)" +
                     (job_ ? ", " + std::to_string(world_) + " ranks x " +
                                 std::to_string(tc_.batchSize) + " examples per step (Gloo)"
                           : std::string()));
    out_.parameters = parameters;
    out_.trainExamples = perEpoch_;
    out_.coldItems = session_.numCold;
    out_.lastCheckpoint = lastPath_;
    out_.status = RunStatus::Finished;
    out_.worldSize = world_;
    out_.perRankBatch = tc_.batchSize;
    out_.backend = job_ ? "gloo" : "";
    callStart_ = Clock::now();
  }

  /// The epoch's steps; stops early with out_.status set when the run is stopped or diverges.
  EpochTotals trainEpoch(int epoch)
  {
    // Shuffle a fresh copy: the order must depend on (seed, epoch) only, not on earlier epochs.
    std::vector<int64_t> order = examples_;
    if (stepper_.windowed())
    {
      DemoRng rng(epochSeed(tc_.seed, epoch) ^ 0x5851F42D4C957F2DULL);
      order = windowOrder(session_.data, examples_, session_.config.model.historyLength, rng);
    }
    else
    {
      shuffleFor(order, tc_.seed, epoch);
    }
    DemoRng negatives(epochSeed(tc_.seed, epoch) ^
                      (0xD1B54A32D192ED03ULL * static_cast<uint64_t>(rank_)));
    session_.net->train();
    EpochTotals totals;
    totals.globalStep = st_.globalStep;
    // An evaluation elsewhere in the process (Inspect) leaves this loop its core meanwhile.
    TrainingStepsScope busy;
    for (int64_t step = 0; step < stepsPerEpoch_; ++step)
    {
      if (holdOrStop(totals.globalStep))
      {
        out_.status = RunStatus::Stopped;
        out_.message = "stopped during epoch " + std::to_string(epoch) +
                       "; resume continues after epoch " + std::to_string(st_.epoch);
        break;
      }
      const auto stepStart = Clock::now();
      const double lr = scheduledLr(tc_, totals.globalStep, totalSteps_);
      setLearningRate(lr);
      const int64_t begin = step * batchSize_;
      const int64_t end = std::min(perEpoch_, begin + batchSize_);
      const int64_t mineBegin = begin + (end - begin) * rank_ / world_;
      const int64_t mineEnd = begin + (end - begin) * (rank_ + 1) / world_;
      std::vector<int64_t> batch(order.begin() + mineBegin, order.begin() + mineEnd);
      double gradNorm = 0;
      const double value = lossAndGradient(batch, negatives, &gradNorm, &totals.exchangeSeconds);
      if (!std::isfinite(value) || !std::isfinite(gradNorm))
      {
        out_.status = RunStatus::Diverged;
        out_.message =
            std::string("training diverged: the ") + (std::isfinite(value) ? "gradient" : "loss") +
            " was " + formatNumber(std::isfinite(value) ? gradNorm : value) + " at step " +
            std::to_string(totals.globalStep + 1) + " (epoch " + std::to_string(epoch) +
            "); the last good checkpoint (after epoch " + std::to_string(st_.epoch) + ") is kept";
        break;
      }
      optimizer_->step();
      ++totals.globalStep;
      if (job_ && totals.globalStep % kSyncCheckEvery == 0)
      {
        checkInSync(*job_, *session_.net, totals.globalStep);
      }
      totals.lossSum += value;
      ++totals.lossSteps;
      trainSeconds_ += secondsSince(stepStart);
      trainedThisCall_ += end - begin;
      if (cb_.onStep)
      {
        cb_.onStep(StepStats{totals.globalStep, epoch, value, lr});
      }
      reportProgress(epoch, step, end);
    }
    return totals;
  }

  /// Waits while paused; true when the run must stop before this step. The log says when the
  /// loop holds and when it goes on, so what a person (or a test) sees is the engine's state,
  /// not only the request.
  bool holdOrStop(int64_t stepsDone)
  {
    if (!job_)
    {
      if (pauseRequested() && !stopRequested(cb_))
      {
        logHold(stepsDone);
        waitWhilePaused(cb_);
        logGoOn(stepsDone, stopRequested(cb_));
      }
      return stopRequested(cb_);
    }
    // Every rank pauses and stops at the same step: the requests travel with the gradients,
    // and while paused in small exchanges of their own (so no rank times out waiting).
    if (pauseAll_ && !stopAll_)
    {
      logHold(stepsDone);
      while (pauseAll_ && !stopAll_)
      {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        StepTotals flags = reducer_->exchangeFlags(stopRequested(cb_), pauseRequested());
        stopAll_ = flags.stop;
        pauseAll_ = flags.pause;
      }
      logGoOn(stepsDone, stopAll_);
    }
    return stopAll_;
  }

  void logHold(int64_t stepsDone) const
  {
    logLine(cb_, "paused after step " + std::to_string(stepsDone) + ": holding until resumed");
  }

  void logGoOn(int64_t stepsDone, bool stopping) const
  {
    logLine(cb_,
            stopping ? "stopped while paused" : "resumed at step " + std::to_string(stepsDone + 1));
  }

  bool pauseRequested() const { return cb_.pause && cb_.pause->load(); }

  void setLearningRate(double lr)
  {
    auto& groups = optimizer_->param_groups();
    for (size_t g = 0; g < groups.size(); ++g)
    {
      groups[g].options().set_lr(g < setup_.lrScale.size() ? lr * setup_.lrScale[g] : lr);
    }
  }

  /// The batch's loss with its gradient in place (data-parallel: the global batch's mean on every
  /// rank, NaN anywhere giving NaN everywhere); `gradNorm` before clipping. Non-finite: no step.
  double lossAndGradient(const std::vector<int64_t>& batch, DemoRng& negatives, double* gradNorm,
                         double* exchangeSeconds)
  {
    torch::Tensor loss;
    double value = 0;
    if (!batch.empty())
    {
      // Dropout draws from torch's shared generator: see rng.h.
      std::lock_guard<std::mutex> rng(globalRngMutex());
      loss = stepper_.loss(batch, negatives);
      value = loss.item<double>();
    }
    const double maxNorm =
        tc_.gradClip > 0 ? tc_.gradClip : std::numeric_limits<double>::infinity();
    if (job_)
    {
      optimizer_->zero_grad();
      if (loss.defined() && std::isfinite(value))
      {
        loss.backward();
      }
      const auto exchangeStart = Clock::now();
      StepTotals totals = reducer_->reduce(static_cast<double>(batch.size()), value,
                                           stopRequested(cb_), pauseRequested());
      *exchangeSeconds += secondsSince(exchangeStart);
      value = totals.loss;
      stopAll_ = totals.stop;
      pauseAll_ = totals.pause;
      if (std::isfinite(value))
      {
        *gradNorm = clipGradNorm(session_.net->parameters(), maxNorm);
      }
    }
    else if (std::isfinite(value))
    {
      optimizer_->zero_grad();
      loss.backward();
      coalesceSparseGrads(session_.net->parameters());
      *gradNorm = clipGradNorm(session_.net->parameters(), maxNorm);
    }
    return value;
  }

  void reportProgress(int epoch, int64_t step, int64_t end) const
  {
    if (!cb_.onProgress)
    {
      return;
    }
    Progress p;
    p.epoch = epoch;
    p.epochs = tc_.epochs;
    p.step = step + 1;
    p.stepsPerEpoch = stepsPerEpoch_;
    p.examplesDone = (epoch - 1) * perEpoch_ + end;
    p.examplesTotal = perEpoch_ * tc_.epochs;
    p.examplesPerSecond = examplesPerSecond();
    p.elapsedSeconds = secondsSince(callStart_);
    p.etaSeconds =
        p.examplesPerSecond > 0 ? (p.examplesTotal - p.examplesDone) / p.examplesPerSecond : 0;
    cb_.onProgress(p);
  }

  double examplesPerSecond() const
  {
    return trainSeconds_ > 0 ? trainedThisCall_ / trainSeconds_ : 0;
  }

  /// Validates, keeps the best epoch, decides on early stopping, checkpoints and reports.
  void endEpoch(int epoch, const EpochTotals& totals, Clock::time_point epochStart)
  {
    // Per-epoch validation may use a seeded user sample (train.valid_users); the test never does.
    EvalResult valid = evaluateSession(session_, SplitPart::Valid, tc_.validUsers);
    const double metric = valid.metrics.get(stopMetric_);
    bool improved = std::isnan(metric) ||  // nothing to validate on: keep the latest
                    std::isnan(st_.bestValue) ||
                    (higher_ ? metric > st_.bestValue : metric < st_.bestValue);
    st_.epoch = epoch;
    st_.globalStep = totals.globalStep;
    if (improved)
    {
      st_.bestValue = metric;
      st_.bestEpoch = epoch;
      st_.bestValid = valid.metrics;
      st_.badEpochs = 0;
    }
    else
    {
      ++st_.badEpochs;
    }
    const bool early = tc_.patience > 0 && st_.badEpochs >= tc_.patience;
    st_.done = early || epoch >= tc_.epochs;
    EpochStats es;
    es.epoch = epoch;
    es.trainLoss = totals.lossSteps ? totals.lossSum / static_cast<double>(totals.lossSteps) : 0;
    es.valid = valid.metrics;
    es.seconds = secondsSince(epochStart);
    es.examplesPerSecond = examplesPerSecond();
    es.isBest = improved;
    st_.history.push_back(es);
    if (job_)
    {
      checkInSync(*job_, *session_.net, totals.globalStep);
    }
    if (improved && writer_)
    {
      saveCheckpoint(bestPath_, session_, nullptr, st_.toJson());
    }
    if ((tc_.checkpointEveryEpoch || st_.done) && writer_)
    {
      saveCheckpoint(lastPath_, session_, optimizer_, st_.toJson());
    }
    ++epochsThisCall_;
    epochSecondsThisCall_ += es.seconds;
    logLine(cb_, "epoch " + std::to_string(epoch) + ": loss " + formatNumber(es.trainLoss) + ", " +
                     stopMetric_ + " " + formatNumber(metric) + (improved ? " (best)" : "") + ", " +
                     formatNumber(es.seconds) + " s" +
                     (job_ ? " (" + formatNumber(totals.exchangeSeconds) +
                                 " s in the gradient exchange, waiting for the other ranks "
                                 "included)"
                           : std::string()));
    if (cb_.onEpoch)
    {
      cb_.onEpoch(es);
    }
    if (early)
    {
      logLine(cb_, "early stop: no better " + stopMetric_ + " for " + std::to_string(tc_.patience) +
                       " epoch(s); best epoch " + std::to_string(st_.bestEpoch));
    }
  }

  /// The outcome's totals, and the test metrics of the best epoch's weights.
  void finish()
  {
    out_.bestEpoch = st_.bestEpoch;
    out_.epochsRun = st_.epoch;
    out_.history = st_.history;
    out_.valid = st_.bestValid;
    out_.examplesPerSecond = examplesPerSecond();
    out_.secondsPerEpoch = epochsThisCall_ ? epochSecondsThisCall_ / epochsThisCall_ : 0;
    if (out_.status == RunStatus::Finished)
    {
      out_.message = "finished after " + std::to_string(st_.epoch) + " epoch(s); best epoch " +
                     std::to_string(st_.bestEpoch);
    }
    out_.weightsChecksum = weightsChecksum(*session_.net);
    std::error_code ec;
    if (st_.bestEpoch > 0 && (job_ || fs::is_regular_file(bestPath_, ec)))
    {
      out_.bestCheckpoint = writer_ ? bestPath_ : "";
      if (job_)
      {
        shareCheckpoint(*job_, bestPath_, session_, nullptr);
      }
      else
      {
        loadCheckpoint(bestPath_, session_, nullptr);
      }
      EvalResult test = evaluateSession(session_, SplitPart::Test);
      out_.test = test.metrics;
      out_.testRows = test.rows;
      out_.testByActivity = breakdownByActivity(test.rows, session_.config.model.task, tc_.evalK,
                                                test.metrics.protocol);
      EvalResult cold = evaluateCold(session_, SplitPart::Test);
      out_.coldTest = cold.metrics;
      out_.coldRandom = cold.random;
    }
    logLine(cb_, out_.message);
  }

  const LoopSetup& setup_;
  const TrainCallbacks& cb_;
  Session& session_;
  TrainingStep& stepper_;
  torch::optim::Optimizer* optimizer_;
  const TrainConfig& tc_;
  Collective* job_;
  const int rank_;
  const int world_;
  const bool writer_;  // the only rank that writes the run folder
  const std::string bestPath_;
  const std::string lastPath_;
  const std::string stopMetric_;
  const bool higher_;

  RunState st_;
  std::unique_ptr<GradientReducer> reducer_;
  std::vector<int64_t> examples_;
  int64_t perEpoch_ = 0;
  int64_t batchSize_ = 0;
  int64_t stepsPerEpoch_ = 0;
  int64_t totalSteps_ = 0;
  TrainOutcome out_;
  Clock::time_point callStart_;
  bool stopAll_ = false;   // data-parallel: a rank asked to stop at the last exchange
  bool pauseAll_ = false;  // ... or to pause
  // This call's training time and examples (a resumed run's earlier calls are not counted).
  double trainSeconds_ = 0;
  int64_t trainedThisCall_ = 0;
  int epochsThisCall_ = 0;
  double epochSecondsThisCall_ = 0;
};

}  // namespace

TrainOutcome runTrainingLoop(const LoopSetup& setup, const TrainCallbacks& cb)
{
  return TrainingLoop(setup, cb).run();
}

}  // namespace m6
