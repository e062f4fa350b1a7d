// TrainWorker's adaptation jobs: an adapted run and the adaptation comparison. Kept
// apart from train_worker.cpp; same job contract (see train_worker.h).
#include <exception>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "app/bridge/train_worker.h"
#include "app/bridge/worker_support.h"
#include "app/runner/adapt_compare.h"
#include "app/runner/training_session.h"

namespace m6
{

namespace
{

RunRecord adaptableParent(Workspace& ws, qint64 runId)
{
  auto parent = RunStore(ws).run(runId);
  if (!parent)
  {
    throw std::runtime_error(parent.error());
  }
  if (const std::string why = adaptBlocker(*parent); !why.empty())
  {
    throw std::runtime_error(why);
  }
  return *parent;
}

void checkConfig(const RunConfig& config, const DatasetSchema& schema)
{
  const auto issues = validate(config, &schema);
  if (!issues.empty())
  {
    throw std::invalid_argument("invalid configuration:\n" + formatIssues(issues));
  }
}

QString metricsLine(const MetricSet& m)
{
  QStringList parts;
  for (const auto& [name, value] : m.values)
  {
    parts << QStringLiteral("%1 %2").arg(qs(name)).arg(value, 0, 'f', 4);
  }
  return parts.join(QStringLiteral(", "));
}

}  // namespace

void TrainWorker::adapt(quint64 token, m6::AdaptRequest request)
{
  beginJob(token);
  guardedJob(
      this, token,
      [&]
      {
        Workspace& ws = workspace();
        const RunRecord parent = adaptableParent(ws, request.parentRun);
        const LoadedDataset* data = load(token, request.datasetId);
        if (!data)
        {
          Q_EMIT cancelled(token);
          return;
        }
        checkConfig(request.config, data->schema);
        if (cancel_.load())
        {
          Q_EMIT cancelled(token);
          return;
        }
        TrainingSession session(ws, data->info, data->snapshot);
        auto created = session.createRun(request.config, request.name.toStdString(), parent.id);
        if (!created)
        {
          throw std::runtime_error(created.error());
        }
        RunRecord started = *created;
        started.status = RunStatus::Running;
        Q_EMIT phase(token, QString());
        Q_EMIT runStarted(token, started);
        Q_EMIT logLine(
            token,
            QStringLiteral("adapting from \"%1\" (run %2)").arg(qs(parent.name)).arg(parent.id));
        RunConfig config = request.config;
        auto result = withLocalRanks(
            token, request.processes, data->info.name, config,
            [&](const std::string& why)
            { (void)RunStore(ws).setStatus(created->id, RunStatus::Failed, why); },
            [&](const Distributed& job) {
              return session.adapt(*created, config, parent, request.options, hooks(token), job);
            });
        if (!result)
        {
          Q_EMIT failed(token, qs(result.error()));
          return;
        }
        if (const Json* a = result->summary.find("adaptation"))
        {
          const AdaptReport report = AdaptReport::fromJson(*a);
          Q_EMIT logLine(token, QStringLiteral("adaptation: ") + trainableSummary(report));
          for (const std::string& note : report.notes)
          {
            Q_EMIT logLine(token, QStringLiteral("adaptation: ") + qs(note));
          }
        }
        if (const Json* z = result->summary.find("zero_shot"))
        {
          const ZeroShotResult zs = ZeroShotResult::fromJson(*z);
          Q_EMIT logLine(token, zs.available
                                    ? QStringLiteral("zero-shot (the parent before fine-tuning), "
                                                     "test: ") +
                                          metricsLine(zs.test)
                                    : QStringLiteral("zero-shot: ") + qs(zs.note));
        }
        Q_EMIT runFinished(token, *result);
      });
}

void TrainWorker::compare(quint64 token, m6::CompareJob job)
{
  beginJob(token);
  guardedJob(this, token,
             [&]
             {
               Workspace& ws = workspace();
               const RunRecord parent = adaptableParent(ws, job.parentRun);
               const LoadedDataset* data = load(token, job.datasetId);
               if (!data)
               {
                 Q_EMIT cancelled(token);
                 return;
               }
               checkConfig(job.request.config, data->schema);
               Q_EMIT phase(token, QString());
               TrainingSession session(ws, data->info, data->snapshot);
               // Steps stay out of the live feed: every arm restarts at step 1, which a single loss
               // curve would draw on top of the previous arm. Progress (per arm) still flows.
               TrainCallbacks cb = hooks(token);
               cb.onStep = nullptr;
               cb.onEpoch = nullptr;
               const int total = static_cast<int>(job.request.fractions.size()) * 2;
               int index = 0;
               auto result = compareAdaptation(session, parent, job.request, cb,
                                               [&](const std::string& text)
                                               {
                                                 ++index;
                                                 Q_EMIT armStarted(token, qs(text), index, total);
                                                 Q_EMIT logLine(
                                                     token, QStringLiteral("compare: ") + qs(text));
                                               });
               if (answeredUnfinished(token, result))
               {
                 return;
               }
               Q_EMIT logLine(
                   token, QStringLiteral("compare: finished, %1 arm(s) on %2; the table and chart "
                                         "are in the comparison view")
                              .arg(result->arms.size())
                              .arg(qs(result->dataset)));
               Q_EMIT comparisonFinished(token, *result);
             });
}

}  // namespace m6
