#include "app/bridge/user_metrics_job.h"

#include <QElapsedTimer>
#include <stdexcept>

#include "app/bridge/inspect_views.h"
#include "storage/runs.h"

namespace m6
{

UserMetricsJob::UserMetricsJob(quint64 token, const InspectCatalog& catalog, Task task, int k,
                               qint64 runId, const QString& protocol)
    : token_(token),
      catalog_(catalog),
      task_(task),
      k_(k),
      table_(metricsTable({}, catalog, task, k))
{
  table_.runId = runId;
  table_.source = QStringLiteral("recorded with the run");
  table_.protocol = protocol;
}

bool UserMetricsJob::step(Workspace& workspace, InspectSource& source, int64_t pageRows,
                          qint64 sliceMs, const std::function<void(const QString&)>& phase)
{
  QElapsedTimer slice;
  slice.start();
  bool done = false;
  do
  {
    done = next(workspace, source, pageRows, phase);
  } while (!done && slice.elapsed() < sliceMs);
  return done;
}

bool UserMetricsJob::next(Workspace& workspace, InspectSource& source, int64_t pageRows,
                          const std::function<void(const QString&)>& phase)
{
  std::vector<UserMetricRow> rows;
  bool last = false;
  if (!ranking_)
  {
    // M6 runs and (since they keep them) baselines: the rows the run itself recorded.
    auto page = RunStore(workspace).userMetrics(table_.runId, "test", afterUser_, pageRows);
    if (!page)
    {
      throw std::runtime_error(page.error());
    }
    rows = std::move(*page);
    last = static_cast<int64_t>(rows.size()) < pageRows;
    if (!rows.empty())
    {
      afterUser_ = rows.back().user;
    }
    else if (last && table_.rows.empty() && task_ == Task::Ranking)
    {
      // A run recorded without rows: rank every user's test item now.
      phase(QStringLiteral("Ranking every user's test item…"));
      ranking_ = true;
      targets_ = rankingTargets(*catalog_.data, catalog_.split, SplitPart::Test);
      table_.source = QStringLiteral("computed now");
      table_.protocol = QStringLiteral("full ranking, training and validation items excluded");
      return targets_.empty();
    }
  }
  else
  {
    rows = computeTestRows(source, catalog_, targets_, nextTarget_, nextTarget_ + 1);
    ++nextTarget_;
    last = nextTarget_ >= targets_.size();
  }
  UserMetricsTable part = metricsTable(rows, catalog_, task_, k_);
  table_.rows.insert(table_.rows.end(), part.rows.begin(), part.rows.end());
  return last;
}

}  // namespace m6
