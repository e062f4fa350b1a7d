#include "app/runner/group_processes.h"

#include <signal.h>

#include <map>
#include <stdexcept>

#include "app/runner/child_processes.h"
#include "app/runner/local_ranks.h"
#include "storage/zip_archive.h"

namespace m6
{

namespace
{

GroupSummary summaryOf(Workspace& ws, int64_t groupId)
{
  RunStore runs(ws);
  GroupStore groups(ws);
  auto s = summarizeGroup(runs, groups, groupId);
  if (!s)
  {
    throw std::runtime_error(s.error());
  }
  return *s;
}

std::optional<RunRecord> memberOf(const GroupSummary& s, int64_t seed)
{
  std::optional<RunRecord> found;
  for (const RunRecord& r : s.members)
  {
    if (seedOfRun(r) == seed)
    {
      found = r;  // the latest member of the seed
    }
  }
  return found;
}

}  // namespace

GroupSummary trainMembersInProcesses(Workspace& ws, int64_t groupId, int parallel,
                                     const std::atomic<bool>* stop, const std::atomic<bool>* pause,
                                     const std::function<void(const MemberEvent&)>& onEvent)
{
  const GroupSummary before = summaryOf(ws, groupId);
  const std::string group = std::to_string(groupId);
  {
    RunStore runs(ws);
    for (const RunRecord& r : before.members)
    {
      if (runs.isActive(r.id))
      {
        throw std::runtime_error("run " + std::to_string(r.id) + " of group " + group +
                                 " is being trained by another process; wait for it to end, "
                                 "then continue the group");
      }
    }
  }
  const std::vector<int64_t> pending = pendingSeeds(before);
  auto logs = TempFolder::create("m6-group-");
  if (!logs)
  {
    throw std::runtime_error(logs.error());
  }
  const std::string exe = cliProgram();
  auto logOf = [&](int64_t seed)
  { return logs->path() + "/seed-" + std::to_string(seed) + ".log"; };
  std::map<pid_t, int64_t> running;
  size_t next = 0;
  size_t ended = 0;
  bool stopping = false;     // start no more members
  bool interrupted = false;  // the running member processes were told to stop
  bool paused = false;
  std::string failure;
  auto tell = [&](bool started, int64_t seed, pid_t pid, std::optional<RunRecord> member)
  {
    if (onEvent)
    {
      MemberEvent e;
      e.started = started;
      e.seed = seed;
      e.pid = pid;
      e.member = std::move(member);
      e.running = running.size();
      e.ended = ended;
      e.total = pending.size();
      onEvent(e);
    }
  };
  auto signalAll = [&](int signal)
  {
    for (const auto& kv : running)
    {
      ::kill(-kv.first, signal);
    }
  };
  while ((!stopping && next < pending.size()) || !running.empty())
  {
    // After a failing member (stopping already set) a stop must still reach the others.
    if (stop && stop->load() && !interrupted)
    {
      stopping = true;
      interrupted = true;
      if (paused)
      {
        signalAll(SIGCONT);  // a stopped process cannot hear its interrupt
        paused = false;
      }
      for (const auto& kv : running)
      {
        interruptChild(kv.first);
      }
    }
    const bool pauseNow = !stopping && pause && pause->load();
    if (pauseNow != paused)
    {
      paused = pauseNow;
      signalAll(paused ? SIGSTOP : SIGCONT);
    }
    while (!stopping && !paused && static_cast<int>(running.size()) < parallel &&
           next < pending.size())
    {
      const int64_t seed = pending[next++];
      const pid_t pid = startChild({exe, "--workspace", ws.path(), "resume", "group:" + group,
                                    "--seed", std::to_string(seed), "--json"},
                                   logOf(seed));
      running[pid] = seed;
      tell(true, seed, pid, std::nullopt);
    }
    const auto end = waitAnyChild(200);
    if (!end || !running.count(end->pid))
    {
      continue;
    }
    const int64_t seed = running[end->pid];
    running.erase(end->pid);
    ++ended;
    std::optional<RunRecord> member = memberOf(summaryOf(ws, groupId), seed);
    // A member that ended its run (finished, stopped, diverged, failed) is accounted for by its
    // record, whatever the process's exit code says about the group as a whole.
    const bool recorded =
        member && member->status != RunStatus::Created && member->status != RunStatus::Running;
    if (end->exitCode != 0 && !recorded && failure.empty())
    {
      // It failed before or outside its training run: the next seeds would fail the same way.
      const std::string why = lastErrorLine(logOf(seed));
      failure = "seed " + std::to_string(seed) + ": " +
                (why.empty() ? "exit code " + std::to_string(end->exitCode) : why);
      stopping = true;
    }
    tell(false, seed, end->pid, std::move(member));
  }
  if (!failure.empty())
  {
    throw std::runtime_error("group " + group + " stopped: " + failure +
                             "; resuming the group continues it");
  }
  return summaryOf(ws, groupId);
}

}  // namespace m6
