// A run group's members trained at the same time: `train --seeds N --parallel P` and
// `resume group:ID --parallel P` start up to P member processes (`m6-cli resume group:ID --seed S
// --json`), each training or resuming the member of one seed and recording it, and start the next
// seed when one ends. On two cores with one torch thread per member, two members at once take
// about the time of one.
#include <map>
#include <sstream>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"
#include "app/runner/child_processes.h"
#include "app/runner/local_ranks.h"
#include "storage/zip_archive.h"

namespace m6::cli
{

namespace
{

const RunRecord* memberOf(const GroupSummary& s, int64_t seed)
{
  const RunRecord* found = nullptr;
  for (const RunRecord& r : s.members)
  {
    if (seedOfRun(r) == seed)
    {
      found = &r;  // the latest member of the seed
    }
  }
  return found;
}

GroupSummary summary(Context& ctx, int64_t groupId)
{
  RunStore runs(ctx.workspace());
  GroupStore groups(ctx.workspace());
  auto s = summarizeGroup(runs, groups, groupId);
  if (!s)
  {
    throw CliError(s.error());
  }
  return *s;
}

}  // namespace

GroupSummary runGroupInProcesses(Context& ctx, int64_t groupId, int parallel)
{
  const GroupSummary before = summary(ctx, groupId);
  const std::string group = std::to_string(groupId);
  {
    RunStore runs(ctx.workspace());
    for (const RunRecord& r : before.members)
    {
      if (runs.isActive(r.id))
      {
        throw CliError("run " + std::to_string(r.id) + " of group " + group +
                       " is being trained by another process; wait for it to end, then "
                       "continue the group");
      }
    }
  }
  const std::vector<int64_t> pending = pendingSeeds(before);
  auto logs = TempFolder::create("m6-group-");
  if (!logs)
  {
    throw CliError(logs.error());
  }
  const std::string exe = cliProgram();
  InterruptScope interrupts;
  std::map<pid_t, int64_t> running;
  size_t next = 0;
  size_t ended = 0;
  bool stopping = false;
  std::vector<std::string> failures;
  auto logOf = [&](int64_t seed)
  { return logs->path() + "/seed-" + std::to_string(seed) + ".log"; };
  while (next < pending.size() || !running.empty())
  {
    while (!stopping && static_cast<int>(running.size()) < parallel && next < pending.size())
    {
      const int64_t seed = pending[next++];
      const pid_t pid = startChild({exe, "--workspace", ctx.workspacePath(), "resume",
                                    "group:" + group, "--seed", std::to_string(seed), "--json"},
                                   logOf(seed));
      running[pid] = seed;
      ctx.err << "Group " << group << ": seed " << seed << " started in process " << pid << " ("
              << running.size() << " at once, " << (pending.size() - next) << " waiting)\n";
    }
    if (interrupts.flag()->load() && !stopping)
    {
      stopping = true;
      for (const auto& kv : running)
      {
        interruptChild(kv.first);
      }
      ctx.err << "Stopping the group's members (each keeps its best checkpoint; m6-cli resume "
                 "group:"
              << group << " continues it)\n";
    }
    const auto end = waitAnyChild(200);
    if (!end || !running.count(end->pid))
    {
      continue;
    }
    const int64_t seed = running[end->pid];
    running.erase(end->pid);
    ++ended;
    const GroupSummary now = summary(ctx, groupId);
    const RunRecord* member = memberOf(now, seed);
    std::ostringstream line;
    line << "Group " << group << ": seed " << seed;
    if (member)
    {
      line << " (run " << member->id << ") " << member->status;
      if (!member->test.empty())
      {
        line << ": " << member->test.values.front().first << " "
             << formatNumber(member->test.values.front().second);
      }
    }
    line << " (" << ended << " of " << pending.size() << " ended)";
    ctx.err << line.str() << "\n";
    // A member that ended its run (finished, stopped, diverged, failed) is accounted for by its
    // record, whatever the process's exit code says about the group as a whole.
    const bool recorded = member && member->status != "created" && member->status != "running";
    if (end->exitCode != 0 && !recorded)
    {
      const std::string why = lastErrorLine(logOf(seed));
      {
        // It failed before or outside its training run (the dataset, the configuration, the
        // workspace): the next seeds would fail the same way.
        failures.push_back("seed " + std::to_string(seed) + ": " +
                           (why.empty() ? "exit code " + std::to_string(end->exitCode) : why));
        stopping = true;
      }
    }
  }
  if (!failures.empty())
  {
    throw CliError("group " + group + " stopped: " + failures.front() +
                   (failures.size() > 1 ? " (and " + std::to_string(failures.size() - 1) + " more)"
                                        : std::string()) +
                   "; m6-cli resume group:" + group + " continues it");
  }
  return summary(ctx, groupId);
}

}  // namespace m6::cli
