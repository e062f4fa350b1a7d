// TrainWorker's hyperparameter search job (a new search or a resumed one). Kept apart from
// train_worker.cpp; same job contract (see train_worker.h).
#include <algorithm>
#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "app/bridge/train_worker.h"
#include "app/bridge/worker_support.h"
#include "app/runner/search_runner.h"
#include "app/runner/training_session.h"

namespace m6
{

void TrainWorker::runSearch(quint64 token, const TrainRequest& request)
{
  guardedJob(
      this, token,
      [&]
      {
        Workspace& ws = workspace();
        SearchRecord search;
        qint64 datasetId = request.datasetId;
        if (request.resumeSearch > 0)
        {
          auto stored = SearchStore(ws).search(request.resumeSearch);
          if (!stored)
          {
            throw std::runtime_error(stored.error());
          }
          search = *stored;
          datasetId = search.datasetId;
        }
        const LoadedDataset* data = load(token, datasetId);
        if (!data || cancel_.load())
        {
          Q_EMIT cancelled(token);
          return;
        }
        TrainingSession session(ws, data->info, data->snapshot);
        SearchRunner runner(ws, session, data->info, data->snapshot);
        if (request.resumeSearch == 0)
        {
          auto created = runner.create(*request.search);
          if (!created)
          {
            throw std::runtime_error(created.error());
          }
          search = *created;
        }
        Q_EMIT phase(token, QString());
        Q_EMIT logLine(token, tr("search %1 (%2) on %3: %4")
                                  .arg(search.id)
                                  .arg(qs(search.name), qs(data->info.name),
                                       qs(search.spec.value("strategy", ""))));
        SearchRunOptions options;
        options.parallel = std::max(1, request.processes);
        options.pause = &pause_;
        const bool inProcesses = options.parallel > 1;
        int total = 0;  // trials planned, for the progress of trials in processes
        if (inProcesses)
        {
          auto planned = describeSearch(ws, search);
          total = planned ? planned->plannedTrials : 0;
          Q_EMIT logLine(token,
                         tr("search %1: up to %2 trials at once, each in a process of its own")
                             .arg(search.id)
                             .arg(options.parallel));
        }
        int started = 0;
        int ended = 0;
        std::set<int> training;  // trials whose processes are running
        auto result = runner.run(
            search, hooks(token), options,
            [&](const SearchTrialResult& t, bool starting)
            {
              const QString label = qs(trialLabel(t.values));
              if (starting)
              {
                ++started;
                if (inProcesses)
                {
                  training.insert(t.trial);
                  Q_EMIT trialsProgress(token, search.id, ended, static_cast<int>(training.size()),
                                        total);
                }
                else
                {
                  RunRecord run = *t.run;
                  run.status = RunStatus::Running;
                  feed_->clear();  // the previous trial's steps are recorded; the plot starts anew
                  Q_EMIT runStarted(token, run);
                }
                Q_EMIT logLine(token, tr("search %1: trial %2 (run %3): %4")
                                          .arg(search.id)
                                          .arg(t.trial + 1)
                                          .arg(t.run->id)
                                          .arg(label));
                return;
              }
              if (inProcesses)
              {
                training.erase(t.trial);  // skipped and settled trials end without a start
                ++ended;
                Q_EMIT trialsProgress(token, search.id, ended, static_cast<int>(training.size()),
                                      total);
              }
              QString line = tr("search %1: trial %2 ").arg(search.id).arg(t.trial + 1);
              if (t.run)
              {
                line += tr("(run %1) %2").arg(t.run->id).arg(qs(wordOf(t.run->status)));
                if (std::isfinite(t.value))
                {
                  line += QStringLiteral(", %1").arg(t.value, 0, 'f', 4);
                }
              }
              if (!t.decision.empty())
              {
                line += (t.run ? QStringLiteral("; ") : QString()) + qs(t.decision);
              }
              Q_EMIT logLine(token, line);
            });
        if (!result)
        {
          throw std::runtime_error(result.error());
        }
        if (started == 0 && request.resumeSearch > 0 && result->search.status == "finished")
        {
          Q_EMIT logLine(token, tr("search %1 had no trial left to train").arg(search.id));
        }
        Q_EMIT logLine(token, tr("search %1: %2").arg(search.id).arg(qs(result->search.message)));
        Q_EMIT searchFinished(token, *result);
      });
}

}  // namespace m6
