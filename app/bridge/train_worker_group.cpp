// TrainWorker's run groups (train_worker.h): a new or continued group, its members trained one
// after another in this thread (live curves, as any run), or with Processes > 1 each in an m6-cli
// process of its own, up to that many at once (app/runner/group_processes.h).

#include "app/bridge/qt_text.h"
#include "app/bridge/train_worker.h"
#include "app/bridge/worker_support.h"
#include "app/runner/group_processes.h"
#include "app/runner/run_groups.h"
#include "app/runner/training_session.h"
#include "storage/run_groups.h"
#include "storage/runs.h"

namespace m6
{

void TrainWorker::runGroup(quint64 token, const TrainRequest& request)
{
  guardedJob(
      this, token,
      [&]
      {
        Workspace& ws = workspace();
        RunStore runs(ws);
        GroupStore groups(ws);
        int64_t groupId = request.resumeGroup;
        qint64 datasetId = request.datasetId;
        if (groupId > 0)
        {
          auto g = groups.group(groupId);
          if (!g)
          {
            throw std::runtime_error(g.error());
          }
          datasetId = g->datasetId;
        }
        const LoadedDataset* data = load(token, datasetId);
        if (!data || cancel_.load())
        {
          Q_EMIT cancelled(token);
          return;
        }
        const auto check = [&](const RunConfig& config)
        {
          const auto issues = validate(config, &data->schema);
          if (!issues.empty())
          {
            throw std::invalid_argument("invalid configuration:\n" + formatIssues(issues));
          }
        };
        if (groupId == 0)
        {
          check(request.config);
          auto g = createGroup(groups, datasetId, request.config, request.name.toStdString(),
                               request.seeds);
          if (!g)
          {
            throw std::runtime_error(g.error());
          }
          groupId = g->id;
        }
        RunRecord last;
        const GroupSummary summary =
            request.processes > 1 ? membersInProcesses(token, groupId, request.processes, &last)
                                  : membersHere(token, groupId, *data, check, &last);
        if (last.id == 0)
        {
          throw std::runtime_error("run group " + std::to_string(groupId) +
                                   " has no seed left to train");
        }
        for (const auto& [metric, spread] : summary.test)
        {
          if (spread.n > 0)
          {
            Q_EMIT logLine(
                token, tr("run group %1 (%2): test %3 %4 ± %5, 95% interval [%6, %7] over %8 runs")
                           .arg(groupId)
                           .arg(qs(summary.status()))
                           .arg(qs(metric))
                           .arg(spread.mean, 0, 'f', 4)
                           .arg(spread.sd, 0, 'f', 4)
                           .arg(spread.low, 0, 'f', 4)
                           .arg(spread.high, 0, 'f', 4)
                           .arg(spread.n));
            break;  // the first (primary) metric
          }
        }
        Q_EMIT runFinished(token, last);
      });
}

GroupSummary TrainWorker::membersHere(quint64 token, int64_t groupId, const LoadedDataset& data,
                                      const std::function<void(const RunConfig&)>& check,
                                      RunRecord* last)
{
  Q_EMIT phase(token, QString());
  TrainingSession session(workspace(), data.info, data.snapshot);
  RunStore runs(workspace());
  GroupStore groups(workspace());
  return runGroupMembers(
      runs, groups, session, groupId,
      [&](const RunRecord& run, const RunConfig& config, bool resume)
      {
        if (!resume)
        {
          check(config);
        }
        RunRecord started = run;
        started.status = RunStatus::Running;
        feed_->clear();  // the previous member's last steps are recorded; the plot starts anew
        Q_EMIT runStarted(token, started);
        auto result = session.train(run, config, resume, hooks(token));
        if (!result)
        {
          throw std::runtime_error(result.error());
        }
        *last = *result;
        return *result;
      },
      [&](const RunRecord& run, int64_t seed, size_t index, size_t count)
      {
        Q_EMIT logLine(token,
                       tr("run group %1: seed %2 (%3 of %4), run %5%6")
                           .arg(groupId)
                           .arg(seed)
                           .arg(index + 1)
                           .arg(count)
                           .arg(run.id)
                           .arg(run.status == RunStatus::Created ? QString() : tr(", resumed")));
      });
}

GroupSummary TrainWorker::membersInProcesses(quint64 token, int64_t groupId, int processes,
                                             RunRecord* last)
{
  // The members' curves are recorded by their own processes (the Runs page shows them); this
  // page follows the group by its log lines and a count of members.
  return trainMembersInProcesses(
      workspace(), groupId, processes, &cancel_, &pause_,
      [&](const MemberEvent& e)
      {
        if (e.started)
        {
          Q_EMIT logLine(token, tr("run group %1: seed %2 training in process %3 (%4 at once)")
                                    .arg(groupId)
                                    .arg(e.seed)
                                    .arg(e.pid)
                                    .arg(e.running));
        }
        else
        {
          QString result = tr("ended");
          if (e.member)
          {
            *last = *e.member;
            result = tr("(run %1) %2").arg(e.member->id).arg(qs(wordOf(e.member->status)));
            if (!e.member->test.empty())
            {
              result += tr(": test %1 %2")
                            .arg(qs(e.member->test.values.front().first))
                            .arg(e.member->test.values.front().second, 0, 'f', 4);
            }
          }
          Q_EMIT logLine(token, tr("run group %1: seed %2 %3 (%4 of %5 ended)")
                                    .arg(groupId)
                                    .arg(e.seed)
                                    .arg(result)
                                    .arg(e.ended)
                                    .arg(e.total));
        }
        Q_EMIT membersProgress(token, groupId, static_cast<int>(e.ended),
                               static_cast<int>(e.running), static_cast<int>(e.total));
      });
}

}  // namespace m6
