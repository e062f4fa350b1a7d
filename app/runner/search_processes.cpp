// SearchRunner's trials in processes of their own (SearchRunOptions::parallel > 1): each trial
// that needs training gets its run here, in trial order, and an `m6-cli search --resume ID
// --trial T` process that trains it and records it; up to `parallel` at once, the next when one
// ends. Halving stays deterministic because each trial process waits, at a rung, for the trials
// before it (SearchRunner::earlierAtRung); the trials before it were started first, so the wait
// ends. The children run in process groups of their own (child_processes.h): a Stop interrupts
// each once, and they stop cleanly and stay resumable.
#include <signal.h>

#include <cmath>
#include <map>
#include <string>

#include "app/runner/child_processes.h"
#include "app/runner/local_ranks.h"
#include "app/runner/search_runner_impl.h"
#include "storage/zip_archive.h"

namespace m6
{

Result<SearchResult> SearchRunner::runInProcesses(
    const SearchRecord& search, const SearchPlan& plan, std::map<int, SearchTrialRecord>& existing,
    const TrainCallbacks& hooks, const SearchRunOptions& options,
    const std::function<void(const SearchTrialResult&, bool started)>& onTrial)
{
  auto logs = TempFolder::create("m6-search-");
  if (!logs)
  {
    return errorOf(logs);
  }
  const std::string exe = cliProgram();
  const std::string id = std::to_string(search.id);
  auto logOf = [&](int trial) { return logs->path() + "/trial-" + std::to_string(trial) + ".log"; };
  const int planned = static_cast<int>(plan.planned.size());
  std::map<int, SearchTrialResult> ended;  // by trial
  std::map<pid_t, int> running;            // process -> trial
  std::string stopReason;
  std::string failure;       // a trial process that failed outside its run, or a runner error
  bool stopping = false;     // start no more trials
  bool interrupted = false;  // the running trial processes were told to stop
  bool paused = false;
  int next = 0;
  auto signalAll = [&](int signal)
  {
    for (const auto& kv : running)
    {
      ::kill(-kv.first, signal);
    }
  };
  auto tell = [&](const SearchTrialResult& t, bool started)
  {
    if (onTrial)
    {
      onTrial(t, started);
    }
  };

  while ((!stopping && next < planned) || !running.empty())
  {
    // A cancel may first be seen by prepareTrial (stopping already set); the children hear it
    // from here either way, since they do not share this process's flag.
    if (hooks.cancel && hooks.cancel->load() && !interrupted)
    {
      stopping = true;
      interrupted = true;
      stopReason = "stopped by the user";
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
    const bool pauseNow = !stopping && options.pause && options.pause->load();
    if (pauseNow != paused)
    {
      paused = pauseNow;
      signalAll(paused ? SIGSTOP : SIGCONT);
    }
    while (!stopping && !paused && static_cast<int>(running.size()) < options.parallel &&
           next < planned)
    {
      const int i = next++;
      auto stored = existing.find(i);
      auto start = prepareTrial(
          search, plan, i, stored == existing.end() ? std::nullopt : std::optional(stored->second),
          hooks.cancel);
      if (!start)
      {
        failure = start.error();
        stopping = true;
        break;
      }
      if (start->kind == TrialStart::Kind::Stop)
      {
        stopReason = start->stopReason;
        stopping = true;  // at the deadline the running trials stop on their own budget
        break;
      }
      if (start->kind != TrialStart::Kind::Train)
      {
        ended[i] = start->tr;
        tell(start->tr, false);
        continue;
      }
      // The child's budget is what is left of this one's (0: none), so both stop together.
      const double left = std::isfinite(plan.deadline)
                              ? std::max(1e-3, (plan.deadline - monotonicSeconds()) / 60.0)
                              : 0.0;
      char budget[32];
      std::snprintf(budget, sizeof budget, "%.6f", left);
      const pid_t pid =
          startChild({exe, "--workspace", ws_.path(), "search", "--resume", id, "--trial",
                      std::to_string(i + 1), "--budget-minutes", budget, "--json"},
                     logOf(i));
      running[pid] = i;
      tell(start->tr, true);
    }
    if (running.empty())
    {
      continue;
    }
    const auto end = waitAnyChild(200);
    if (!end || !running.count(end->pid))
    {
      continue;
    }
    const int i = running[end->pid];
    running.erase(end->pid);
    SearchTrialResult t;
    if (auto recorded = recordedTrial(search, plan, i))
    {
      t = *recorded;
    }
    const std::optional<RunStatus> status =
        t.run ? std::optional<RunStatus>(t.run->status) : std::nullopt;
    const bool trained = status && status != RunStatus::Created && status != RunStatus::Running;
    if (end->exitCode != 0 && !trained)
    {
      // It failed before or outside its run; the next trials would fail the same way. The
      // decision also tells the trials waiting for it at a rung that it has ended.
      const std::string why = lastErrorLine(logOf(i));
      t.decision = "failed: " + (why.empty() ? "exit code " + std::to_string(end->exitCode) : why);
      (void)searches_.setDecision(search.id, i, t.decision);
      if (failure.empty())
      {
        failure = "trial " + std::to_string(i + 1) + " " + t.decision;
        stopping = true;
      }
    }
    else if (t.decision == kBudgetDecision)
    {
      stopReason = plan.budgetReason();
      stopping = true;
    }
    else if (!trained || (status == RunStatus::Stopped && t.decision.empty()))
    {
      // Interrupted (by this process, or by someone else), or it stopped before it trained.
      if (stopReason.empty())
      {
        stopReason =
            monotonicSeconds() >= plan.deadline ? plan.budgetReason() : "stopped by the user";
      }
      stopping = true;
    }
    ended[i] = t;
    tell(t, false);
  }

  SearchResult result;
  result.search = search;
  result.metric = plan.metric;
  result.higherIsBetter = plan.higher;
  result.plannedTrials = planned;
  for (auto& kv : ended)
  {
    result.trials.push_back(std::move(kv.second));
  }
  if (!failure.empty())
  {
    (void)finish(std::move(result), plan, failure);  // recorded as stopped, with the reason
    return makeError("search " + id + " stopped: " + failure + "; m6-cli search --resume " + id +
                     " continues it");
  }
  return finish(std::move(result), plan, stopReason);
}

}  // namespace m6
