// m6-cli model commands: train, resume, runs, evaluate, recommend, explain, baselines.
//
// Over 500 lines: one short handler per model command, sharing the run and predictor look-ups.
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli/cli.h"
#include "app/cli/ranks.h"
#include "app/cli/run_driver.h"
#include "app/runner/exports.h"
#include "app/runner/run_config.h"
#include "model/core/config.h"
#include "model/core/dataset_schema.h"
#include "model/core/preset_choice.h"
#include "model/engine.h"
#include "storage/runs.h"

namespace m6::cli
{

namespace
{

std::string metricsTable(const std::vector<std::pair<std::string, const MetricSet*>>& columns)
{
  std::vector<std::string> names;
  for (const auto& c : columns)
  {
    for (const auto& kv : c.second->values)
    {
      if (std::find(names.begin(), names.end(), kv.first) == names.end())
      {
        names.push_back(kv.first);
      }
    }
  }
  size_t width = 12;  // every column as wide as the widest heading, plus a space
  for (const auto& c : columns)
  {
    width = std::max(width, c.first.size() + 2);
  }
  std::ostringstream h;
  h << "  " << padRight("metric", 16);
  for (const auto& c : columns)
  {
    h << padRight(c.first, width);
  }
  h << "\n";
  for (const auto& n : names)
  {
    h << "  " << padRight(n, 16);
    for (const auto& c : columns)
    {
      h << padRight(formatNumber(c.second->get(n)), width);
    }
    h << "\n";
  }
  return h.str();
}

Json runJson(const RunRecord& r)
{
  Json j = Json::object();
  j["run"] = r.id;
  j["name"] = r.name;
  j["dataset"] = r.datasetName;
  j["kind"] = wordOf(r.kind);
  j["task"] = wordOf(r.task);
  j["status"] = wordOf(r.status);
  if (r.parentRun)
  {
    j["parent"] = *r.parentRun;
  }
  if (r.groupId)
  {
    j["group"] = *r.groupId;
  }
  j["best_epoch"] = r.bestEpoch;
  j["epochs"] = r.epochsRun;
  j["valid"] = r.valid.valuesJson();
  j["test"] = r.test.valuesJson();
  j["protocol"] = r.test.protocol.empty() ? r.valid.protocol : r.test.protocol;
  j["created"] = r.createdAt;
  j["message"] = r.message;
  return j;
}

int cmdTrain(Context& ctx, const Args& a)
{
  const std::string datasetName = a.value("dataset");
  if (datasetName.empty())
  {
    throw CliError("train needs --dataset NAME");
  }
  const RankPlan plan = rankPlan(a);
  LoadedDataset data = loadDataset(ctx, datasetName);
  RunConfig config = withRankThreads(configFromArgs(ctx, a, data.snapshot), plan);
  if (a.has("seeds"))
  {
    return trainGroup(ctx, a, data, config);
  }
  if (plan.dist.rank > 0)
  {
    return runFollowerRank(ctx, data, config, plan.dist);
  }
  LocalRanks ranks(ctx.workspacePath(), datasetName, config, plan.spawned());
  RunDriver driver(ctx, data);
  RunRecord result = withRanks(
      ranks, [&] { return driver.trainNew(config, a.value("name"), std::nullopt, plan.dist); });
  return driver.report(result);
}

int cmdResume(Context& ctx, const Args& a)
{
  if (a.positional()[0].rfind("group:", 0) == 0)
  {
    if (a.has("nproc") || a.has("rank"))
    {
      throw CliError(
          "a group's members are each trained in one process; --nproc and --rank do not apply "
          "(--parallel P trains P members at once)");
    }
    return resumeGroup(ctx, a, a.positional()[0].substr(6));
  }
  if (a.has("parallel") || a.has("seed"))
  {
    throw CliError("--parallel and --seed apply to a run group (resume group:ID)");
  }
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  if (const std::string why = resumeBlocker(run); !why.empty())
  {
    throw CliError(why);
  }
  if (run.status == RunStatus::Finished)
  {
    throw CliError("run " + std::to_string(run.id) + " has finished; nothing to resume");
  }
  const RankPlan plan = rankPlan(a);
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  const RunConfig config = withRankThreads(configOfRunOrFail(run), plan);
  if (plan.dist.rank > 0)
  {
    return runFollowerRank(ctx, data, config, plan.dist);
  }
  LocalRanks ranks(ctx.workspacePath(), run.datasetName, config, plan.spawned());
  RunDriver driver(ctx, data);
  RunRecord result = withRanks(ranks, [&] { return driver.resume(run, plan.dist, plan.threads); });
  return driver.report(result);
}

int cmdRuns(Context& ctx, const Args& a)
{
  RunStore store(ctx.workspace());
  auto runs = store.runs(datasetFilter(ctx, a));
  if (!runs)
  {
    throw CliError(runs.error());
  }
  Json arr = Json::array();
  std::ostringstream h;
  if (runs->empty())
  {
    h << "No runs yet (m6-cli train --dataset NAME starts one)\n";
  }
  else
  {
    h << padRight("id", 6) << padRight("name", 22) << padRight("dataset", 16)
      << padRight("kind", 18) << padRight("status", 10) << padRight("best", 6) << "test metrics\n";
  }
  std::vector<int64_t> interrupted;
  for (const auto& r : *runs)
  {
    // A record that says "running" while nobody holds its lock belongs to a process that ended
    // (killed, crashed): it is interrupted, and resume continues it from its last checkpoint.
    const bool stale = r.status == RunStatus::Running && !store.isActive(r.id);
    const std::string status = stale ? "interrupted" : wordOf(r.status);
    if (stale)
    {
      interrupted.push_back(r.id);
    }
    Json rj = runJson(r);
    rj["status"] = status;
    arr.push_back(rj);
    std::string metrics;
    for (const auto& kv : r.test.values)
    {
      if (kv.first.rfind("ndcg", 0) == 0 || kv.first.rfind("hr", 0) == 0 || kv.first == "auc" ||
          kv.first == "rmse")
      {
        metrics += kv.first + " " + formatNumber(kv.second) + "  ";
      }
    }
    h << padRight(std::to_string(r.id), 6) << padRight(r.name, 22) << padRight(r.datasetName, 16)
      << padRight(wordOf(r.kind), 18) << padRight(status, 10)
      << padRight(r.bestEpoch ? std::to_string(r.bestEpoch) : "-", 6) << metrics << "\n";
  }
  for (int64_t id : interrupted)
  {
    h << "Run " << id << " was interrupted; m6-cli resume " << id << " continues it.\n";
  }
  Json j = Json::object();
  j["runs"] = arr;
  ctx.finish(j, h.str());
  return 0;
}

int cmdEvaluate(Context& ctx, const Args& a)
{
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  const std::string checkpoint = requireCheckpoint(run);
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  RunConfig config = configOfRunOrFail(run);
  EvaluationOutcome e;
  try
  {
    e = evaluate(data.snapshot, config, checkpoint);
  }
  catch (const std::runtime_error& err)
  {
    throw CliError(err.what(), 2);  // an unreadable checkpoint
  }
  Json j = Json::object();
  j["run"] = run.id;
  j["valid"] = e.valid.valuesJson();
  j["test"] = e.test.valuesJson();
  j["protocol"] = e.test.protocol;
  Json buckets = activityJson(e.testByActivity);
  j["test_by_activity"] = buckets;
  std::ostringstream h;
  h << "Run " << run.id << " (" << run.name << ") on " << run.datasetName << "\n"
    << "protocol: " << e.test.protocol << "\n"
    << metricsTable({{"valid", &e.valid}, {"test", &e.test}});
  ctx.finish(j, h.str());
  return 0;
}

/// Opens a run's model; an unreadable checkpoint is exit code 2, like any bad model file.
std::unique_ptr<Predictor> openPredictor(const std::string& checkpoint,
                                         const DatasetSnapshot& snapshot, const RunConfig& config)
{
  try
  {
    return Predictor::open(checkpoint, snapshot, config);
  }
  catch (const std::runtime_error& e)
  {
    throw CliError(e.what(), 2);
  }
}

/// Context overrides from --hour / --dow.
ContextOverride contextFromArgs(const Args& a)
{
  ContextOverride c;
  c.hourOfDay = static_cast<int>(a.intValue("hour", -1, -1, 23));
  c.dayOfWeek = static_cast<int>(a.intValue("dow", -1, -1, 6));
  return c;
}

int32_t userIndex(const DatasetSnapshot& ds, const std::string& id)
{
  auto it = std::find(ds.userIds.begin(), ds.userIds.end(), id);
  if (it == ds.userIds.end())
  {
    throw CliError("no user \"" + id + "\" in dataset " + ds.name);
  }
  return static_cast<int32_t>(it - ds.userIds.begin());
}

int32_t itemIndex(const DatasetSnapshot& ds, const std::string& id)
{
  auto it = std::find(ds.itemIds.begin(), ds.itemIds.end(), id);
  if (it == ds.itemIds.end())
  {
    throw CliError("no item \"" + id + "\" in dataset " + ds.name);
  }
  return static_cast<int32_t>(it - ds.itemIds.begin());
}

int cmdRecommend(Context& ctx, const Args& a)
{
  if (a.has("model"))
  {
    return recommendFromModelFile(ctx, a);
  }
  if (a.positional().empty() || !a.has("user"))
  {
    throw CliError("recommend needs RUN (or --model FILE) and --user ID");
  }
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  const std::string checkpoint = requireCheckpoint(run);
  const int k = static_cast<int>(a.intValue("k", 10, 1, 100000));
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  auto predictor = openPredictor(checkpoint, data.snapshot, configOfRunOrFail(run));
  int32_t u = userIndex(data.snapshot, a.value("user"));
  auto recs = predictor->recommend(u, k, contextFromArgs(a));
  Json items = Json::array();
  std::ostringstream h;
  h << "Top " << recs.size() << " for user " << a.value("user") << " (run " << run.id << "):\n";
  int rank = 1;
  for (const auto& r : recs)
  {
    Json x = Json::object();
    const std::string& id = data.snapshot.itemIds[static_cast<size_t>(r.item)];
    const std::string title = static_cast<size_t>(r.item) < data.snapshot.itemTitles.size()
                                  ? data.snapshot.itemTitles[static_cast<size_t>(r.item)]
                                  : "";
    x["item"] = id;
    x["score"] = static_cast<double>(r.score);
    if (!title.empty())
    {
      x["title"] = title;
    }
    items.push_back(x);
    h << "  " << padRight(std::to_string(rank++) + ".", 5) << padRight(id, 12)
      << padRight(formatNumber(r.score), 10) << title << "\n";
  }
  Json j = Json::object();
  j["user"] = a.value("user");
  j["run"] = run.id;
  j["items"] = items;
  ctx.finish(j, h.str());
  return 0;
}

int cmdExplain(Context& ctx, const Args& a)
{
  if (a.has("model"))
  {
    return explainFromModelFile(ctx, a);
  }
  if (a.positional().empty() || !a.has("user") || !a.has("item"))
  {
    throw CliError("explain needs RUN (or --model FILE), --user ID and --item ID");
  }
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  const std::string checkpoint = requireCheckpoint(run);
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  auto predictor = openPredictor(checkpoint, data.snapshot, configOfRunOrFail(run));
  int32_t u = userIndex(data.snapshot, a.value("user"));
  int32_t i = itemIndex(data.snapshot, a.value("item"));
  Explanation e = predictor->explain(u, i, contextFromArgs(a));
  Json j = explanationJson(e);
  j["user"] = a.value("user");
  j["item"] = a.value("item");
  ctx.finish(j, explanationText(e, "user " + a.value("user"), a.value("item")));
  return 0;
}

int cmdBaselines(Context& ctx, const Args& a)
{
  const std::string datasetName = a.value("dataset");
  if (datasetName.empty())
  {
    throw CliError("baselines needs --dataset NAME");
  }
  std::vector<std::string> only;
  try
  {
    only = parseBaselineList(a.value("only"));
  }
  catch (const std::invalid_argument& e)
  {
    throw CliError(std::string("--only: ") + e.what());
  }
  LoadedDataset data = loadDataset(ctx, datasetName);
  RunConfig config = configFromArgs(ctx, a, data.snapshot);
  RunDriver driver(ctx, data);
  std::vector<std::pair<std::string, std::string>> skipped;
  auto records = driver.baselines(config, only, &skipped);
  Json j = Json::object();
  std::ostringstream h;
  std::vector<std::pair<std::string, const MetricSet*>> cols;
  std::string protocol;
  std::vector<std::string> tuned;
  for (const auto& r : records)
  {
    Json b = Json::object();
    b["run"] = r.id;
    b["valid"] = r.valid.valuesJson();
    b["test"] = r.test.valuesJson();
    const std::string key = baselineName(r.kind);
    if (const Json* params = r.summary.find("params"))
    {
      b["params"] = *params;
      tuned.push_back(baselineTitle(key) + " chose " + params->dump() + " on validation");
    }
    j[key] = b;
    protocol = r.test.protocol;
  }
  cols.reserve(records.size());
  for (const auto& r : records)
  {
    cols.emplace_back(baselineName(r.kind) + " test", &r.test);
  }
  j["protocol"] = protocol;
  Json skippedJson = Json::object();
  for (const auto& [name, why] : skipped)
  {
    skippedJson[name] = why;
  }
  j["skipped"] = skippedJson;
  h << "Baselines on " << datasetName << " (" << protocol << ")\n" << metricsTable(cols);
  for (const auto& line : tuned)
  {
    h << line << "\n";
  }
  for (const auto& [name, why] : skipped)
  {
    h << baselineTitle(name) << " " << why << "\n";
  }
  ctx.finish(j, h.str());
  return 0;
}

int64_t fileBytes(const std::string& path)
{
  std::error_code ec;
  auto n = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(n);
}

int cmdExportRecommendations(Context& ctx, const Args& a)
{
  const std::string out = a.value("out");
  if (out.empty())
  {
    throw CliError("export-recommendations needs --out FILE.csv");
  }
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  const std::string checkpoint = requireCheckpoint(run);
  const int k = static_cast<int>(a.intValue("k", 10, 1, 100000));
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  auto predictor = openPredictor(checkpoint, data.snapshot, configOfRunOrFail(run));
  auto ok = writeRecommendationsCsv(*predictor, data.snapshot, k, out,
                                    [&](int64_t done, int64_t total)
                                    { ctx.progress("Recommending", done, total); });
  if (!ok)
  {
    throw CliError(ok.error());
  }
  Json j = Json::object();
  j["file"] = out;
  j["run"] = run.id;
  j["users"] = data.snapshot.numUsers();
  j["k"] = k;
  j["bytes"] = fileBytes(out);
  ctx.finish(j, "Wrote the top " + std::to_string(k) + " of " +
                    formatCount(data.snapshot.numUsers()) + " users to " + out);
  return 0;
}

int cmdExportHistory(Context& ctx, const Args& a)
{
  const std::string out = a.value("out");
  if (out.empty())
  {
    throw CliError("export-history needs --out FILE.csv");
  }
  std::vector<int64_t> ids;
  for (const auto& token : a.positional())
  {
    ids.push_back(resolveRun(ctx, token).id);
  }
  RunStore store(ctx.workspace());
  if (auto ok = writeRunHistoryCsv(store, ids, out); !ok)
  {
    throw CliError(ok.error());
  }
  Json j = Json::object();
  j["file"] = out;
  Json runs = Json::array();
  for (int64_t id : ids)
  {
    runs.push_back(id);
  }
  j["runs"] = runs;
  j["bytes"] = fileBytes(out);
  ctx.finish(j, "Wrote the metric history of " + std::to_string(ids.size()) + " run(s) to " + out);
  return 0;
}

std::vector<OptionSpec> withModelFile(std::vector<OptionSpec> options)
{
  for (auto& o : modelFileOptions())
  {
    options.push_back(o);
  }
  return options;
}

}  // namespace

std::vector<OptionSpec> configOptions()
{
  return {{"preset", "NAME",
           "auto | quick | balanced | thorough | sasrec-like (default auto: thorough up to " +
               formatCount(kThoroughUpToInteractions) + " interactions, balanced above)"},
          {"config", "FILE.json", "a full configuration (instead of a preset)"},
          {"set", "KEY=VALUE", "override one setting, e.g. model.heads=4 or lr=0.01", true}};
}

std::vector<OptionSpec> resumeOptions()
{
  std::vector<OptionSpec> options = rankOptions();
  options.push_back(parallelOption());
  options.push_back({"seed", "S", "with group:ID, the member of seed S alone"});
  return options;
}

std::vector<Command> modelCommands()
{
  std::vector<Command> c;
  std::vector<OptionSpec> trainOpts = configOptions();
  trainOpts.insert(trainOpts.begin(), {"dataset", "NAME", "the dataset to train on (required)"});
  trainOpts.push_back({"name", "NAME", "a name for the run (default \"run N\")"});
  trainOpts.push_back({"seeds", "N",
                       "train N runs, seeds train.seed, +1, ..., as one run group reported with "
                       "mean, sd and 95% interval per metric (see m6-cli groups)"});
  trainOpts.push_back(parallelOption());
  for (const auto& o : rankOptions())
  {
    trainOpts.push_back(o);
  }
  c.push_back({{"train", "", "Train the M6 model on a dataset and record the run",
                "Prints a line per epoch and a final metrics table. Ctrl+C stops the run and keeps "
                "its best checkpoint; `m6-cli resume RUN` continues it. m6-cli config-keys lists "
                "every setting.\n\nData-parallel: --nproc N trains one run in N local processes "
                "(one torch thread each); --rank R --world-size N --master HOST:PORT runs one rank "
                "of a job across machines (rank 0 records the run; start the same command with "
                "the same dataset and settings on every rank). Each rank takes train.batch_size "
                "examples per step, so the global batch is batch_size x N at the configured "
                "learning rate; give batch_size / N per rank to match a one-process run.\n\n"
                "Repeats: --seeds N trains the configuration N times with consecutive seeds, one "
                "run after another (--parallel P: up to P at once, each in its own process), as a "
                "run group; the JSON is the group's (m6-cli groups GROUP), with each metric's "
                "mean, sd and ci95 over the members. Ctrl+C stops the group; `m6-cli resume "
                "group:ID` continues it.",
                trainOpts, 0, 0},
               cmdTrain});
  c.push_back({{"resume", "RUN", "Continue an interrupted or stopped run from its last checkpoint",
                "Any number of processes may continue a run (--nproc N, or --rank/--world-size/"
                "--master), whatever it was started with. `resume group:ID` continues a run "
                "group: the interrupted member, then the seeds not trained yet (--parallel P: up "
                "to P members at once; --seed S: the member of seed S alone).",
                resumeOptions(), 1, 1},
               cmdResume});
  c.push_back({{"runs",
                "",
                "List the recorded runs",
                "",
                {{"dataset", "NAME", "only the runs of this dataset"}},
                0,
                0},
               cmdRuns});
  c.push_back(
      {{"evaluate", "RUN", "Evaluate a run's best checkpoint on validation and test", "", {}, 1, 1},
       cmdEvaluate});
  c.push_back(
      {{"recommend", "RUN", "Top-K items for a user (items of their history excluded)",
        "The model predicts the user's next item after their training interactions; "
        "held-out validation and test items can appear. With --model FILE.m6model no "
        "workspace is needed: give --user for a user the model knows, or --history / "
        "--history-file with a new user's items.",
        withModelFile({{"user", "ID", "the user's external id"},
                       {"k", "K", "how many items (default 10)", false, 'k'},
                       {"hour", "H", "hour of day 0-23 for the context (default: the test time)"},
                       {"dow", "D", "day of week 0-6, 0 = Sunday (default: the test time)"}}),
        0, 1},
       cmdRecommend});
  c.push_back({{"explain", "RUN", "Attention weights behind a user's score for an item", "",
                withModelFile({{"user", "ID", "the user's external id"},
                               {"item", "ID", "the item's external id (required)"},
                               {"hour", "H", "hour of day 0-23 for the context"},
                               {"dow", "D", "day of week 0-6 for the context"}}),
                0, 1},
               cmdExplain});
  std::vector<OptionSpec> baseOpts = configOptions();
  baseOpts.insert(baseOpts.begin(), {"dataset", "NAME", "the dataset (required)"});
  baseOpts.insert(baseOpts.begin() + 1,
                  {"only", "LIST", "some of pop,bpr,itemknn,ease (default: all four)"});
  c.push_back({{"baselines", "",
                "Most-popular, BPR-MF, ItemKNN and EASE^R on the same split, recorded as runs",
                "The split, ranking protocol, K, seed and embedding width come from the preset or "
                "configuration, so the figures sit beside the M6 runs they are compared with. "
                "ItemKNN (neighbours, shrinkage) and EASE^R (lambda) are tuned on validation "
                "NDCG over a small grid; both need items x items matrices and are skipped, with "
                "the reason, above 20,000 items. Every baseline keeps its per-user test results, "
                "so `m6-cli significance` compares it with any run on the same split.",
                baseOpts, 0, 0},
               cmdBaselines});
  c.push_back({{"export-recommendations",
                "RUN",
                "Write every user's top-K recommendations as CSV (user, rank, item, score)",
                "",
                {{"out", "FILE.csv", "the file to write (required)"},
                 {"k", "K", "items per user (default 10)", false, 'k'}},
                1,
                1},
               cmdExportRecommendations});
  c.push_back({{"export-history",
                "RUN [RUN...]",
                "Write runs' loss per step and validation metrics per epoch as one CSV",
                "",
                {{"out", "FILE.csv", "the file to write (required)"}},
                1,
                1000},
               cmdExportHistory});
  c.push_back(significanceCommand());
  for (auto& extra : groupCommands())
  {
    c.push_back(std::move(extra));
  }
  for (auto& extra : searchCommands())
  {
    c.push_back(std::move(extra));
  }
  for (auto& extra : configCommands())
  {
    c.push_back(std::move(extra));
  }
  for (auto& extra : queueCommands())
  {
    c.push_back(std::move(extra));
  }
  return c;
}

}  // namespace m6::cli
