// Over 500 lines: a search's whole life (plan, trials, halving rungs, resuming from the recorded
// trials) as named steps of one class; the trial processes are in search_processes.cpp.

#include "app/runner/search_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <thread>

#include "app/runner/search_runner_impl.h"
#include "model/core/dataset_schema.h"
#include "model/core/metrics.h"

namespace m6
{

namespace
{

constexpr int kDefaultRandomTrials = 10;
constexpr int64_t kMaxGrid = 10000;
std::string fmt(double v, const char* format)
{
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

bool better(double a, double b, bool higher)
{
  return higher ? a > b : a < b;
}

// Best-so-far validation value after each epoch (NaN until the first finite one).
std::vector<double> bestSoFar(const std::vector<EpochRecord>& epochs, const std::string& metric,
                              bool higher)
{
  std::vector<double> out;
  double best = std::numeric_limits<double>::quiet_NaN();
  for (const auto& e : epochs)
  {
    const double v = e.valid.get(metric);
    if (std::isfinite(v) && (!std::isfinite(best) || better(v, best, higher)))
    {
      best = v;
    }
    out.push_back(best);
  }
  return out;
}

// A trial that needs no more training: done, halved, diverged or failed.
bool settled(const RunRecord& run, const std::string& decision)
{
  if (hasEnded(run.status))
  {
    return true;
  }
  return run.status == RunStatus::Stopped && decision.rfind(kHalvedPrefix, 0) == 0;
}

}  // namespace

Json SearchRequest::toSpec() const
{
  Json j = Json::object();
  j["strategy"] = searchStrategyName(strategy);
  j["space"] = space.toJson();
  j["trials"] = trials;
  j["budget_minutes"] = budgetMinutes;
  j["seed"] = static_cast<int64_t>(seed);
  j["min_epochs"] = halving.minEpochs;
  j["eta"] = halving.eta;
  j["base"] = m6::toJson(base);
  return j;
}

SearchRequest SearchRequest::fromSpec(const Json& spec)
{
  SearchRequest r;
  try
  {
    r.strategy = searchStrategyFromName(spec.at("strategy").asString());
    r.space = SearchSpace::fromJson(spec.at("space"));
    r.trials = spec.value("trials", 0);
    r.budgetMinutes = spec.value("budget_minutes", 0.0);
    r.seed = static_cast<uint64_t>(spec.value("seed", int64_t(1)));
    r.halving.minEpochs = spec.value("min_epochs", 1);
    r.halving.eta = spec.value("eta", 3);
    r.base = fromJson(spec.at("base"));
  }
  catch (const std::exception& e)
  {
    throw std::invalid_argument(std::string("the search's stored spec is damaged: ") + e.what());
  }
  return r;
}

Json SearchResult::toJson() const
{
  Json j = Json::object();
  j["search"] = search.id;
  j["name"] = search.name;
  j["dataset"] = search.datasetName;
  j["status"] = search.status;
  j["message"] = search.message;
  j["strategy"] = search.spec.value("strategy", "");
  j["metric"] = metric;
  j["best_run"] = bestRun ? Json(*bestRun) : Json(nullptr);
  j["planned_trials"] = plannedTrials;
  Json list = Json::array();
  for (const auto& t : trials)
  {
    Json x = Json::object();
    x["trial"] = t.trial + 1;
    x["run"] = t.run ? Json(t.run->id) : Json(nullptr);
    x["config"] = trialJson(t.values);
    x["status"] = t.run ? wordOf(t.run->status) : std::string("skipped");
    x["epochs"] = t.run ? t.run->epochsRun : 0;
    x["valid"] = t.run ? t.run->valid.valuesJson() : Json::object();
    x["value"] = std::isfinite(t.value) ? Json(t.value) : Json(nullptr);
    x["decision"] = t.decision;
    list.push_back(x);
  }
  j["trials"] = list;
  return j;
}

namespace
{

std::vector<TrialValues> plannedTrials(const SearchRequest& r)
{
  if (r.strategy == SearchStrategy::Grid)
  {
    const int64_t size = r.space.gridSize();
    if (size > kMaxGrid && r.trials <= 0)
    {
      throw std::invalid_argument("the grid has " + std::to_string(size) +
                                  " configurations (more than " + std::to_string(kMaxGrid) +
                                  "); give --trials N for its first N, or use the random "
                                  "strategy");
    }
    return gridTrials(r.space, r.trials > 0 ? r.trials : kMaxGrid);
  }
  // Distinct draws: a configuration already drawn is drawn again (a few times at most), and a
  // finite space (choices and gridded ranges only) gives at most its size of trials.
  int64_t n = r.trials > 0 ? r.trials : kDefaultRandomTrials;
  int64_t finite = 1;  // distinct configurations random draws can give; 0: unbounded
  for (const auto& d : r.space.dimensions)
  {
    const int64_t points = !d.isRange() ? static_cast<int64_t>(d.choices.size())
                           : d.integer  ? static_cast<int64_t>(d.max - d.min) + 1
                                        : 0;
    finite = points == 0 || finite == 0 ? 0 : std::min<int64_t>(finite * points, INT32_MAX);
  }
  if (finite > 0)
  {
    n = std::min(n, finite);
  }
  std::vector<TrialValues> out;
  int draw = 0;
  while (static_cast<int64_t>(out.size()) < n)
  {
    TrialValues t = randomTrial(r.space, r.seed, draw++);
    for (int again = 0; again < 100 && std::find(out.begin(), out.end(), t) != out.end(); ++again)
    {
      t = randomTrial(r.space, r.seed, draw++);
    }
    out.push_back(std::move(t));
  }
  return out;
}

// A recorded trial as it stands: its values, decision, run and validation metric.
SearchTrialResult trialOf(const SearchTrialRecord& row, RunStore& runs, const std::string& metric)
{
  SearchTrialResult t;
  t.trial = row.trial;
  t.values = trialFromJson(row.values);
  t.decision = row.decision;
  t.value = std::numeric_limits<double>::quiet_NaN();
  if (row.runId)
  {
    if (auto run = runs.run(*row.runId))
    {
      t.run = *run;
      t.value = run->valid.get(metric);
    }
  }
  return t;
}

// The stored request and its trials; "" or why the spec cannot be read.
std::string readPlan(const SearchRecord& search, SearchRequest& request,
                     std::vector<TrialValues>& planned)
{
  try
  {
    request = SearchRequest::fromSpec(search.spec);
    planned = plannedTrials(request);
    return {};
  }
  catch (const std::exception& e)
  {
    return e.what();
  }
}

}  // namespace

SearchRunner::SearchRunner(Workspace& ws, TrainingSession& session, const DatasetInfo& dataset,
                           const DatasetSnapshot& snapshot)
    : ws_(ws), session_(session), dataset_(dataset), snapshot_(snapshot), runs_(ws), searches_(ws)
{
}

std::string SearchRunner::validationProblem(const RunConfig& config) const
{
  DatasetSchema schema = DatasetSchema::fromSnapshot(snapshot_);
  auto issues = validate(config, &schema);
  return issues.empty() ? std::string() : formatIssues(issues);
}

Result<SearchRecord> SearchRunner::create(const SearchRequest& request)
{
  if (auto base = validationProblem(request.base); !base.empty())
  {
    return makeError("invalid base configuration: " + base);
  }
  if (request.halving.minEpochs < 1 || request.halving.eta < 2)
  {
    return makeError("halving needs a first rung of at least 1 epoch and eta of at least 2");
  }
  std::vector<TrialValues> trials;
  try
  {
    trials = plannedTrials(request);
  }
  catch (const std::exception& e)
  {
    return makeError(e.what());
  }
  std::string firstProblem;
  size_t invalid = 0;
  for (const auto& t : trials)
  {
    std::string problem;
    try
    {
      problem = validationProblem(applyTrial(request.base, t));
    }
    catch (const std::exception& e)
    {
      problem = e.what();
    }
    if (!problem.empty())
    {
      ++invalid;
      if (firstProblem.empty())
      {
        firstProblem = trialLabel(t) + ": " + problem;
      }
    }
  }
  if (invalid == trials.size())
  {
    return makeError("no trial of the search has a valid configuration; the first: " +
                     firstProblem);
  }
  SearchRecord record;
  record.name = request.name;
  record.datasetId = dataset_.id;
  record.datasetName = dataset_.name;
  record.spec = request.toSpec();
  record.status = "running";
  auto id = searches_.create(record);
  if (!id)
  {
    return errorOf(id);
  }
  return record;
}

Result<SearchResult> describeSearch(Workspace& ws, const SearchRecord& search)
{
  SearchStore searches(ws);
  RunStore runs(ws);
  SearchResult result;
  result.search = search;
  SearchRequest request;
  std::vector<TrialValues> planned;
  if (auto problem = readPlan(search, request, planned); !problem.empty())
  {
    return makeError(problem);
  }
  const std::string bare = effectiveStopMetric(request.base);
  result.metric = metricName(bare, request.base.train.evalK);
  result.higherIsBetter = higherIsBetter(bare);
  result.plannedTrials = static_cast<int>(planned.size());
  result.bestRun = search.bestRun;
  auto rows = searches.trials(search.id);
  if (!rows)
  {
    return errorOf(rows);
  }
  for (const auto& row : *rows)
  {
    result.trials.push_back(trialOf(row, runs, result.metric));
  }
  return result;
}

Result<SearchResult> SearchRunner::run(
    const SearchRecord& search, const TrainCallbacks& hooks, const SearchRunOptions& options,
    const std::function<void(const SearchTrialResult&, bool)>& onTrial)
{
  SearchPlan plan;
  if (auto problem = readPlan(search, plan.request, plan.planned); !problem.empty())
  {
    return makeError(problem);
  }
  if (search.datasetId != dataset_.id)
  {
    return makeError("search " + std::to_string(search.id) + " belongs to dataset " +
                     search.datasetName + ", not " + dataset_.name);
  }
  const int planned = static_cast<int>(plan.planned.size());
  if (options.only >= planned)
  {
    return makeError("search " + std::to_string(search.id) + " has " + std::to_string(planned) +
                     " trial(s); there is no trial " + std::to_string(options.only + 1));
  }
  const std::string bare = effectiveStopMetric(plan.request.base);
  plan.metric = metricName(bare, plan.request.base.train.evalK);
  plan.higher = higherIsBetter(bare);
  plan.budgetMinutes = options.budgetMinutes ? *options.budgetMinutes : plan.request.budgetMinutes;
  if (plan.budgetMinutes > 0)
  {
    plan.deadline = monotonicSeconds() + plan.budgetMinutes * 60.0;
  }
  if (plan.request.strategy == SearchStrategy::Halving)
  {
    plan.rungs = plan.request.halving.rungs(plan.request.base.train.epochs);
  }

  auto rows = searches_.trials(search.id);
  if (!rows)
  {
    return errorOf(rows);
  }
  std::map<int, SearchTrialRecord> existing;
  for (auto& row : *rows)
  {
    existing[row.trial] = row;
  }
  if (options.only < 0)
  {
    if (auto ok = searches_.setStatus(search.id, "running", ""); !ok)
    {
      return errorOf(ok);
    }
  }
  if (options.parallel > 1 && options.only < 0)
  {
    return runInProcesses(search, plan, existing, hooks, options, onTrial);
  }

  SearchResult result;
  result.search = search;
  result.metric = plan.metric;
  result.higherIsBetter = plan.higher;
  result.plannedTrials = planned;
  std::string stopReason;  // why the search ends before its last trial
  for (int i = 0; i < planned && stopReason.empty(); ++i)
  {
    if (options.only >= 0 && i != options.only)
    {
      continue;
    }
    auto stored = existing.find(i);
    auto start = prepareTrial(
        search, plan, i, stored == existing.end() ? std::nullopt : std::optional(stored->second),
        hooks.cancel);
    if (!start)
    {
      return errorOf(start);
    }
    if (start->kind == TrialStart::Kind::Stop)
    {
      stopReason = start->stopReason;
      break;
    }
    if (start->kind == TrialStart::Kind::Train)
    {
      if (onTrial)
      {
        onTrial(start->tr, true);
      }
      auto trained = trainHere(search, plan, *start, hooks, stopReason);
      if (!trained)
      {
        return errorOf(trained);
      }
      start->tr = *trained;
    }
    result.trials.push_back(start->tr);
    if (onTrial)
    {
      onTrial(start->tr, false);
    }
  }
  if (options.only >= 0)
  {
    return result;  // one trial of a search that another process runs and records
  }
  return finish(std::move(result), plan, stopReason);
}

Result<TrialStart> SearchRunner::prepareTrial(const SearchRecord& search, const SearchPlan& plan,
                                              int trial,
                                              const std::optional<SearchTrialRecord>& stored,
                                              const std::atomic<bool>* cancel)
{
  TrialStart s;
  s.tr.trial = trial;
  s.tr.values = plan.planned[static_cast<size_t>(trial)];
  s.tr.value = std::numeric_limits<double>::quiet_NaN();
  s.row.trial = trial;
  s.row.values = trialJson(s.tr.values);
  if (stored)
  {
    s.row = *stored;
  }
  std::string problem;
  try
  {
    s.config = applyTrial(plan.request.base, s.tr.values);
    problem = validationProblem(s.config);
  }
  catch (const std::exception& e)
  {
    problem = e.what();
  }
  if (!problem.empty())
  {
    s.kind = TrialStart::Kind::Skipped;
    s.tr.decision = "skipped: invalid configuration: " + problem;
    s.row.decision = s.tr.decision;
    (void)searches_.putTrial(search.id, s.row);
    return s;
  }

  std::optional<RunRecord> run;
  if (s.row.runId)
  {
    if (auto r = runs_.run(*s.row.runId))
    {
      run = *r;
    }
  }
  if (run && settled(*run, s.row.decision))
  {
    s.kind = TrialStart::Kind::Settled;
    s.tr.run = run;
    s.tr.decision = s.row.decision;
    s.tr.value = run->valid.get(plan.metric);
    return s;
  }
  if (cancel && cancel->load())
  {
    s.kind = TrialStart::Kind::Stop;
    s.stopReason = "stopped by the user";
    return s;
  }
  if (monotonicSeconds() >= plan.deadline)
  {
    s.kind = TrialStart::Kind::Stop;
    s.stopReason = plan.budgetReason();
    return s;
  }
  if (run && runs_.isActive(run->id))
  {
    return makeError("trial " + std::to_string(trial + 1) + " (run " + std::to_string(run->id) +
                     ") is being trained by another process; is the search running there?");
  }
  if (!run)
  {
    auto created =
        session_.createRun(s.config, search.name + " trial " + std::to_string(trial + 1));
    if (!created)
    {
      return errorOf(created);
    }
    run = *created;
    s.row.runId = run->id;
    s.row.decision.clear();
    if (auto ok = searches_.putTrial(search.id, s.row); !ok)
    {
      return errorOf(ok);
    }
  }
  else
  {
    std::error_code ec;
    s.resume = std::filesystem::is_regular_file(std::filesystem::path(run->folder) / "last.pt", ec);
    if (!s.row.decision.empty())
    {
      s.row.decision.clear();
      (void)searches_.setDecision(search.id, trial, "");
    }
  }
  s.tr.run = run;
  return s;
}

Result<SearchTrialResult> SearchRunner::trainHere(const SearchRecord& search,
                                                  const SearchPlan& plan, TrialStart& start,
                                                  const TrainCallbacks& hooks,
                                                  std::string& stopReason)
{
  SearchTrialResult tr = start.tr;
  const RunRecord run = *tr.run;
  const std::string& metric = plan.metric;
  const bool higher = plan.higher;
  std::vector<double> mine;  // this trial's best-so-far curve (a resumed trial's epochs first)
  if (start.resume)
  {
    if (auto e = runs_.epochs(run.id))
    {
      mine = bestSoFar(*e, metric, higher);
    }
  }
  std::atomic<bool> stop{false};
  std::string halted;  // the halving decision, when it stops this trial
  bool budgetStop = false;
  TrainCallbacks cb = hooks;
  cb.cancel = &stop;
  auto checkStop = [&]
  {
    if (hooks.cancel && hooks.cancel->load())
    {
      stop = true;
    }
    else if (monotonicSeconds() >= plan.deadline)
    {
      budgetStop = true;
      stop = true;
    }
  };
  cb.onProgress = [&](const Progress& p)
  {
    checkStop();
    if (hooks.onProgress)
    {
      hooks.onProgress(p);
    }
  };
  cb.onStep = [&](const StepStats& s)
  {
    checkStop();
    if (hooks.onStep)
    {
      hooks.onStep(s);
    }
  };
  cb.onEpoch = [&](const EpochStats& e)
  {
    const double v = e.valid.get(metric);
    double best = mine.empty() ? std::numeric_limits<double>::quiet_NaN() : mine.back();
    if (std::isfinite(v) && (!std::isfinite(best) || better(v, best, higher)))
    {
      best = v;
    }
    mine.resize(static_cast<size_t>(e.epoch), best);
    mine[static_cast<size_t>(e.epoch) - 1] = best;
    if (std::find(plan.rungs.begin(), plan.rungs.end(), e.epoch) != plan.rungs.end())
    {
      auto earlier = earlierAtRung(search.id, plan, tr.trial, e.epoch, hooks.cancel);
      if (!earlier)
      {
        stop = true;  // stopped while waiting for the trials before it: no decision
      }
      else if (!plan.request.halving.survives(*earlier, best, higher))
      {
        const size_t n = earlier->size() + 1;
        const size_t keep = std::max<size_t>(1, n / static_cast<size_t>(plan.request.halving.eta));
        halted = std::string(kHalvedPrefix) + " after epoch " + std::to_string(e.epoch) + ": " +
                 metric + " " + fmt(best, "%.4f") + " was not among the best " +
                 std::to_string(keep) + " of the " + std::to_string(n) +
                 " trials that reached this rung";
        stop = true;
      }
    }
    if (hooks.onEpoch)
    {
      hooks.onEpoch(e);
    }
  };
  auto trained = session_.train(run, start.config, start.resume, cb);
  if (!trained)
  {
    tr.decision = "failed: " + trained.error();
    (void)searches_.setDecision(search.id, tr.trial, tr.decision);
    if (auto r = runs_.run(run.id))
    {
      tr.run = *r;
    }
    return tr;
  }
  tr.run = *trained;
  tr.value = trained->valid.get(metric);
  if (!halted.empty())
  {
    tr.decision = halted;
    tr.run->message = halted;
    (void)runs_.setStatus(run.id, trained->status, halted);
  }
  else if (budgetStop && trained->status == RunStatus::Stopped)
  {
    tr.decision = kBudgetDecision;
    stopReason = plan.budgetReason();
  }
  else if (trained->status == RunStatus::Stopped)
  {
    stopReason = "stopped by the user";
  }
  (void)searches_.setDecision(search.id, tr.trial, tr.decision);
  return tr;
}

std::optional<std::vector<double>> SearchRunner::earlierAtRung(int64_t searchId,
                                                               const SearchPlan& plan, int trial,
                                                               int epoch,
                                                               const std::atomic<bool>* cancel)
{
  // A trial process started just before this one may not have taken its run yet; one that never
  // does (its process died at once, and no parent marked it) counts as not reached after this.
  constexpr double kStartGraceSeconds = 120;
  std::vector<double> out;
  for (int j = 0; j < trial; ++j)
  {
    const double since = monotonicSeconds();
    for (;;)
    {
      std::optional<SearchTrialRecord> row;
      if (auto rows = searches_.trials(searchId))
      {
        for (const auto& r : *rows)
        {
          if (r.trial == j)
          {
            row = r;
          }
        }
      }
      std::optional<RunRecord> run;
      if (row && row->runId)
      {
        if (auto r = runs_.run(*row->runId))
        {
          run = *r;
        }
      }
      if (!run)
      {
        break;  // skipped, or not reached
      }
      if (auto e = runs_.epochs(run->id))
      {
        const std::vector<double> curve = bestSoFar(*e, plan.metric, plan.higher);
        if (curve.size() >= static_cast<size_t>(epoch))
        {
          if (std::isfinite(curve[static_cast<size_t>(epoch) - 1]))
          {
            out.push_back(curve[static_cast<size_t>(epoch) - 1]);
          }
          break;
        }
      }
      const bool active = runs_.isActive(run->id);
      const bool starting = !active && run->status == RunStatus::Created && row->decision.empty() &&
                            monotonicSeconds() - since < kStartGraceSeconds;
      if (!active && !starting)
      {
        break;  // it ended before this rung
      }
      if (cancel && cancel->load())
      {
        return std::nullopt;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  return out;
}

std::optional<SearchTrialResult> SearchRunner::recordedTrial(const SearchRecord& search,
                                                             const SearchPlan& plan, int trial)
{
  auto rows = searches_.trials(search.id);
  if (!rows)
  {
    return std::nullopt;
  }
  for (const auto& row : *rows)
  {
    if (row.trial == trial)
    {
      return trialOf(row, runs_, plan.metric);
    }
  }
  return std::nullopt;
}

Result<SearchResult> SearchRunner::finish(SearchResult result, const SearchPlan& plan,
                                          const std::string& stopReason)
{
  const SearchRecord& search = result.search;
  double bestValue = std::numeric_limits<double>::quiet_NaN();
  for (const auto& t : result.trials)
  {
    if (t.run && std::isfinite(t.value) &&
        (!std::isfinite(bestValue) || better(t.value, bestValue, plan.higher)))
    {
      bestValue = t.value;
      result.bestRun = t.run->id;
    }
  }
  (void)searches_.setBestRun(search.id, result.bestRun);
  const size_t planned = plan.planned.size();
  const bool complete = stopReason.empty() && result.trials.size() == planned;
  const std::string status = complete ? "finished" : "stopped";
  const std::string message =
      complete ? "finished " + std::to_string(planned) + " trial(s)"
               : stopReason + " after " + std::to_string(result.trials.size()) + " of " +
                     std::to_string(planned) + " trial(s); m6-cli search --resume " +
                     std::to_string(search.id) + " continues it";
  if (auto ok = searches_.setStatus(search.id, status, message); !ok)
  {
    return errorOf(ok);
  }
  result.search.status = status;
  result.search.message = message;
  result.search.bestRun = result.bestRun;
  return result;
}

}  // namespace m6
