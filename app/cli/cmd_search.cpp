// m6-cli search and searches: hyperparameter search over a space of configurations, every trial
// an ordinary run (app/runner/search_runner.h).
#include <cmath>
#include <sstream>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"

namespace m6::cli
{

namespace
{

std::string trialTable(const SearchResult& r)
{
  std::ostringstream h;
  h << "  " << padRight("trial", 7) << padRight("run", 7) << padRight("status", 10)
    << padRight("epochs", 8) << padRight(r.metric, 10) << "configuration\n";
  for (const auto& t : r.trials)
  {
    const bool best = t.run && r.bestRun && t.run->id == *r.bestRun;
    h << (best ? "* " : "  ") << padRight(std::to_string(t.trial + 1), 7)
      << padRight(t.run ? std::to_string(t.run->id) : "-", 7)
      << padRight(t.run ? wordOf(t.run->status) : "skipped", 10)
      << padRight(t.run ? std::to_string(t.run->epochsRun) : "-", 8)
      << padRight(formatNumber(t.value), 10) << trialLabel(t.values) << "\n";
    if (!t.decision.empty())
    {
      h << "  " << padRight("", 42) << t.decision << "\n";
    }
  }
  return h.str();
}

std::string summaryText(const SearchResult& r)
{
  std::ostringstream h;
  h << "Search " << r.search.id << " (" << r.search.name << ") on " << r.search.datasetName << ", "
    << r.search.spec.value("strategy", "") << ": " << r.search.status << " - " << r.search.message
    << "\n"
    << trialTable(r);
  if (r.bestRun)
  {
    h << "best: run " << *r.bestRun << " (" << r.metric << " on validation, marked *); "
      << "m6-cli significance " << *r.bestRun
      << " OTHER tells whether it is better than another run on test\n";
  }
  else
  {
    h << "no trial has a validation figure yet\n";
  }
  return h.str();
}

SearchRequest requestFromArgs(Context& ctx, const Args& a, const DatasetSnapshot& snapshot)
{
  SearchRequest r;
  r.name = a.value("name");
  try
  {
    r.space = SearchSpace::fromJson(readJsonFile(a.value("space")));
    r.strategy = searchStrategyFromName(a.value("strategy", "random"));
  }
  catch (const CliError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    throw CliError(e.what());
  }
  r.trials = static_cast<int>(a.intValue("trials", 0, 1, 100000));
  r.budgetMinutes = a.doubleValue("budget-minutes", 0, 0, 1e7);
  r.seed = static_cast<uint64_t>(a.intValue("seed", 1, 0, INT64_MAX));
  r.halving.minEpochs = static_cast<int>(a.intValue("min-epochs", 1, 1, 10000));
  r.halving.eta = static_cast<int>(a.intValue("eta", 3, 2, 100));
  r.base = configFromArgs(ctx, a, snapshot);
  return r;
}

namespace
{

// --parallel P, refused beside --trial (a trial process trains one trial).
SearchRunOptions runOptions(const Args& a)
{
  SearchRunOptions o;
  o.parallel = static_cast<int>(a.intValue("parallel", 1, 1, 256));
  if (o.parallel > 1 && a.has("trial"))
  {
    throw CliError("--trial trains one trial in this process; --parallel cannot go with it");
  }
  return o;
}

}  // namespace

int cmdSearch(Context& ctx, const Args& a)
{
  if (a.has("resume"))
  {
    for (const char* fresh : {"dataset", "space", "strategy", "trials", "preset", "config", "set",
                              "seed", "min-epochs", "eta", "name"})
    {
      if (a.has(fresh))
      {
        throw CliError(std::string("--resume continues a recorded search as it was defined; "
                                   "--") +
                       fresh + " cannot change it");
      }
    }
    SearchStore store(ctx.workspace());
    auto search = store.search(a.intValue("resume", 0, 1, INT64_MAX));
    if (!search)
    {
      throw CliError(search.error());
    }
    SearchRunOptions options = runOptions(a);
    if (a.has("budget-minutes"))
    {
      options.budgetMinutes = a.doubleValue("budget-minutes", 0, 0, 1e7);
    }
    if (a.has("trial"))
    {
      options.only = static_cast<int>(a.intValue("trial", 1, 1, 100000)) - 1;
    }
    LoadedDataset data = loadDataset(ctx, search->datasetName);
    RunDriver driver(ctx, data);
    ctx.err << "Resuming search " << search->id << " (" << search->name << ") on "
            << search->datasetName
            << (options.only >= 0 ? ", trial " + std::to_string(options.only + 1) : "") << "\n";
    SearchResult result = driver.runSearch(*search, options);
    ctx.finish(result.toJson(), summaryText(result));
    return 0;
  }
  if (a.has("trial"))
  {
    throw CliError("--trial trains one trial of a recorded search: give --resume ID");
  }
  const SearchRunOptions options = runOptions(a);
  const std::string datasetName = a.value("dataset");
  if (datasetName.empty() || !a.has("space"))
  {
    throw CliError("search needs --dataset NAME and --space FILE.json (or --resume ID)");
  }
  LoadedDataset data = loadDataset(ctx, datasetName);
  SearchRequest request = requestFromArgs(ctx, a, data.snapshot);
  RunDriver driver(ctx, data);
  SearchRecord search = driver.createSearch(request);
  ctx.err << "Search " << search.id << " (" << search.name << ") on " << datasetName << ": "
          << searchStrategyName(request.strategy) << " over " << request.space.dimensions.size()
          << " key(s); Ctrl+C stops it, m6-cli search "
          << "--resume " << search.id << " continues it\n";
  SearchResult result = driver.runSearch(search, options);
  ctx.finish(result.toJson(), summaryText(result));
  return 0;
}

int cmdSearches(Context& ctx, const Args& a)
{
  SearchStore store(ctx.workspace());
  if (!a.positional().empty())
  {
    int64_t id = 0;
    try
    {
      id = std::stoll(a.positional()[0]);
    }
    catch (const std::exception&)
    {
      throw CliError("expected a search id, got \"" + a.positional()[0] + "\"");
    }
    auto search = store.search(id);
    if (!search)
    {
      throw CliError(search.error());
    }
    auto result = describeSearch(ctx.workspace(), *search);
    if (!result)
    {
      throw CliError(result.error());
    }
    ctx.finish(result->toJson(), summaryText(*result));
    return 0;
  }
  auto all = store.searches(datasetFilter(ctx, a));
  if (!all)
  {
    throw CliError(all.error());
  }
  Json list = Json::array();
  std::ostringstream h;
  if (all->empty())
  {
    h << "No searches yet (m6-cli search --dataset NAME --space FILE.json starts one)\n";
  }
  else
  {
    h << padRight("id", 6) << padRight("name", 22) << padRight("dataset", 16)
      << padRight("strategy", 10) << padRight("status", 12) << padRight("trials", 8)
      << "best run\n";
  }
  for (const auto& s : *all)
  {
    auto trials = store.trials(s.id);
    const size_t n = trials ? trials->size() : 0;
    // "running" with no trial being trained: the process that ran it is gone.
    std::string status = s.status;
    if (status == "running" && trials)
    {
      RunStore runs(ctx.workspace());
      status = "interrupted";
      for (const auto& t : *trials)
      {
        if (t.runId && runs.isActive(*t.runId))
        {
          status = "running";
        }
      }
    }
    Json x = Json::object();
    x["search"] = s.id;
    x["name"] = s.name;
    x["dataset"] = s.datasetName;
    x["strategy"] = s.spec.value("strategy", "");
    x["status"] = status;
    x["message"] = s.message;
    x["trials"] = static_cast<int64_t>(n);
    x["best_run"] = s.bestRun ? Json(*s.bestRun) : Json(nullptr);
    list.push_back(x);
    h << padRight(std::to_string(s.id), 6) << padRight(s.name, 22) << padRight(s.datasetName, 16)
      << padRight(s.spec.value("strategy", ""), 10) << padRight(status, 12)
      << padRight(std::to_string(n), 8) << (s.bestRun ? std::to_string(*s.bestRun) : "-") << "\n";
    if (status == "interrupted")
    {
      h << "      m6-cli search --resume " << s.id << " continues it\n";
    }
  }
  Json j = Json::object();
  j["searches"] = list;
  ctx.finish(j, h.str());
  return 0;
}

}  // namespace

std::vector<Command> searchCommands()
{
  std::vector<OptionSpec> opts = configOptions();
  opts.insert(
      opts.begin(),
      {{"dataset", "NAME", "the dataset to search on (required for a new search)"},
       {"space", "FILE.json",
        "the search space: {\"key\": [choices...], \"key\": {\"min\": A, \"max\": B, "
        "\"log\": true, \"steps\": N}, ...}"},
       {"strategy", "NAME",
        "grid (every combination), random (default) or halving (random trials, weak "
        "ones stopped early)"},
       {"trials", "N", "trials to run (default: the whole grid; 10 for random and halving)"},
       {"budget-minutes", "M",
        "start no trial after M minutes, and stop the running one there (resumable)"},
       {"seed", "S", "seed of the random draws (default 1; the runs' own seed is train.seed)"},
       {"min-epochs", "R", "halving: the first rung, in epochs (default 1)"},
       {"eta", "ETA",
        "halving: keep the best 1/ETA at each rung; rungs at R, R*ETA, ... (default 3)"},
       {"resume", "ID", "continue a search that was stopped or killed"},
       {"parallel", "P",
        "train up to P trials at once, each in an m6-cli process of its own (default 1; "
        "halving decides as it would one after another)"},
       {"trial", "T",
        "with --resume: train (or resume) trial T alone, as each --parallel process does"}});
  opts.push_back({"name", "NAME", "a name for the search (default \"search N\")"});
  return {
      {{"search", "",
        "Hyperparameter search: trains one run per configuration of a space and picks the best "
        "on validation",
        "Every trial is an ordinary run (m6-cli runs, inspect, significance work on it), named "
        "after its search. The base configuration comes from --preset / --config / --set; the "
        "space's keys vary on top of it. Keys that change what is measured (task, metric, "
        "split, evaluation) cannot be searched. A configuration the dataset cannot train is "
        "skipped with the reason. Ctrl+C, a kill or the time budget stop the search; --resume "
        "continues it without repeating finished trials.",
        opts, 0, 0},
       cmdSearch},
      {{"searches",
        "[ID]",
        "List the recorded searches, or show one search's trials",
        "",
        {{"dataset", "NAME", "only the searches of this dataset"}},
        0,
        1},
       cmdSearches},
  };
}

}  // namespace m6::cli
