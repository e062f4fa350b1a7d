// m6-cli groups, and the run-group forms of train (--seeds N) and resume (group:ID): one
// configuration trained with several seeds, reported as mean, standard deviation and 95%
// confidence interval per metric (app/runner/run_groups.h).
#include <limits>
#include <optional>
#include <sstream>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"

namespace m6::cli
{

namespace
{

std::string spreadText(const Spread& s)
{
  if (s.n == 0)
  {
    return "-";
  }
  if (s.n == 1)
  {
    return formatNumber(s.mean) + " (1 run)";
  }
  return formatNumber(s.mean) + " sd " + formatNumber(s.sd) + " [" + formatNumber(s.low) + ", " +
         formatNumber(s.high) + "]";
}

const Spread* spreadOfMetric(const std::vector<std::pair<std::string, Spread>>& spreads,
                             const std::string& prefix)
{
  for (const auto& kv : spreads)
  {
    if (kv.first.rfind(prefix, 0) == 0)
    {
      return &kv.second;
    }
  }
  return nullptr;
}

std::string statusOf(RunStore& runs, const RunRecord& r)
{
  return r.status == RunStatus::Running && !runs.isActive(r.id) ? "interrupted" : wordOf(r.status);
}

int cmdGroups(Context& ctx, const Args& a)
{
  if (!a.positional().empty())
  {
    const RunGroupRecord g = resolveGroup(ctx, a.positional()[0]);
    RunStore runs(ctx.workspace());
    GroupStore groups(ctx.workspace());
    auto s = summarizeGroup(runs, groups, g.id);
    if (!s)
    {
      throw CliError(s.error());
    }
    reportGroup(ctx, *s);
    return 0;
  }
  RunStore runs(ctx.workspace());
  GroupStore groups(ctx.workspace());
  auto all = groups.groups(datasetFilter(ctx, a));
  if (!all)
  {
    throw CliError(all.error());
  }
  Json arr = Json::array();
  std::ostringstream h;
  if (all->empty())
  {
    h << "No run groups yet (m6-cli train --dataset NAME --seeds N trains one)\n";
  }
  else
  {
    h << padRight("id", 6) << padRight("name", 22) << padRight("dataset", 16)
      << padRight("seeds", 8) << padRight("status", 12) << "test: mean, sd [95% interval]\n";
  }
  for (const RunGroupRecord& g : *all)
  {
    auto s = summarizeGroup(runs, groups, g.id);
    if (!s)
    {
      throw CliError(s.error());
    }
    arr.push_back(s->toJson());
    std::string metric;
    for (const char* prefix : {"ndcg@", "auc", "rmse"})
    {
      if (const Spread* sp = spreadOfMetric(s->test, prefix))
      {
        const auto name = std::find_if(s->test.begin(), s->test.end(),
                                       [&](const auto& kv) { return &kv.second == sp; })
                              ->first;
        metric = name + " " + spreadText(*sp);
        break;
      }
    }
    h << padRight(std::to_string(g.id), 6) << padRight(g.name, 22) << padRight(g.datasetName, 16)
      << padRight(std::to_string(s->withResults) + "/" + std::to_string(g.seeds.size()), 8)
      << padRight(s->status(), 12) << metric << "\n";
  }
  Json j = Json::object();
  j["groups"] = arr;
  ctx.finish(j, h.str());
  return 0;
}

}  // namespace

int reportGroup(Context& ctx, const GroupSummary& s)
{
  RunStore runs(ctx.workspace());
  std::ostringstream h;
  h << "Group " << s.group.id << " (" << s.group.name << ") on " << s.group.datasetName << ": "
    << s.status() << ", " << s.withResults << " of " << s.group.seeds.size()
    << " seeds with results\n";
  for (const RunRecord& r : s.members)
  {
    h << "  run " << padRight(std::to_string(r.id), 6) << "seed "
      << padRight(std::to_string(seedOfRun(r)), 8) << padRight(statusOf(runs, r), 12);
    if (!r.test.empty())
    {
      const auto& first = r.test.values.front();
      h << first.first << " " << formatNumber(first.second);
    }
    h << "\n";
  }
  if (!s.missingSeeds.empty())
  {
    h << "  not trained yet: seeds";
    for (int64_t seed : s.missingSeeds)
    {
      h << " " << seed;
    }
    h << "\n";
  }
  if (!s.test.empty())
  {
    h << "protocol: " << s.protocol << "\n";
    h << "  " << padRight("metric", 16) << padRight("valid: mean, sd [95% t interval]", 40)
      << "test\n";
    for (const auto& kv : s.test)
    {
      const Spread* v = spreadOfMetric(s.valid, kv.first);
      h << "  " << padRight(kv.first, 16) << padRight(v ? spreadText(*v) : "-", 40)
        << spreadText(kv.second) << "\n";
    }
  }
  if (s.status() == "incomplete")
  {
    h << "m6-cli resume group:" << s.group.id << " continues the group.\n";
  }
  ctx.finish(s.toJson(), h.str());
  if (s.status() == "failed")
  {
    ctx.err << "error: a member of group " << s.group.id << " failed or diverged\n";
    return 3;
  }
  return 0;
}

OptionSpec parallelOption()
{
  return {"parallel", "P",
          "with --seeds or resume group:ID: train up to P members at once, each in its own "
          "process with train.threads torch threads (P x threads at most the cores; default 1: "
          "one after another in this process)"};
}

int trainGroup(Context& ctx, const Args& a, const LoadedDataset& data, const RunConfig& config)
{
  if (a.has("nproc") || a.has("rank"))
  {
    throw CliError(
        "--seeds trains each member in one process; it does not combine with --nproc or "
        "--rank (--parallel P trains P members at once)");
  }
  const int seeds = static_cast<int>(a.intValue("seeds", 1, 1, kMaxGroupSeeds));
  const int parallel = static_cast<int>(a.intValue("parallel", 1, 1, kMaxGroupSeeds));
  GroupStore groups(ctx.workspace());
  auto g = createGroup(groups, data.info.id, config, a.value("name"), seeds);
  if (!g)
  {
    throw CliError(g.error());
  }
  if (parallel > 1)
  {
    return reportGroup(ctx, runGroupInProcesses(ctx, g->id, parallel));
  }
  RunDriver driver(ctx, data);
  return reportGroup(ctx, driver.runGroup(g->id));
}

int resumeGroup(Context& ctx, const Args& a, const std::string& token)
{
  const RunGroupRecord g = resolveGroup(ctx, token);
  const int parallel = static_cast<int>(a.intValue("parallel", 1, 1, kMaxGroupSeeds));
  std::optional<int64_t> seed;
  if (a.has("seed"))
  {
    if (parallel > 1)
    {
      throw CliError("--seed trains one member; --parallel does not apply");
    }
    seed = a.intValue("seed", 0, std::numeric_limits<int64_t>::min(),
                      std::numeric_limits<int64_t>::max());
  }
  if (parallel > 1)
  {
    return reportGroup(ctx, runGroupInProcesses(ctx, g.id, parallel));
  }
  LoadedDataset data = loadDataset(ctx, g.datasetName);
  RunDriver driver(ctx, data);
  return reportGroup(ctx, driver.runGroup(g.id, seed));
}

std::vector<Command> groupCommands()
{
  return {{{"groups",
            "[GROUP]",
            "List the run groups, or show one: its members and each metric's spread",
            "A run group is one configuration trained with several seeds (m6-cli train ... "
            "--seeds N). Each metric is shown as the mean and sample standard deviation over the "
            "members with results, with the 95% confidence interval of the mean from Student's t "
            "distribution. m6-cli significance group:A group:B compares two groups per user.",
            {{"dataset", "NAME", "only the groups of this dataset"}},
            0,
            1},
           cmdGroups}};
}

}  // namespace m6::cli
