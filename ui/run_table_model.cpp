#include "ui/run_table_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>
#include <cmath>

#include "app/bridge/qt_text.h"
#include "ui/run_compare.h"
#include "ui/train_page.h"

namespace m6
{

namespace
{

double durationOf(const RunRecord& r)
{
  if (r.kind != "m6")
  {
    return r.summary.value("seconds", 0.0);
  }
  if (r.startedAt <= 0)
  {
    return -1;
  }
  const qint64 end = r.finishedAt > 0 ? r.finishedAt : QDateTime::currentSecsSinceEpoch();
  return static_cast<double>(end - r.startedAt);
}

QString metricText(const QString& name, double v)
{
  return std::isfinite(v) ? QStringLiteral("%1 %2").arg(name).arg(v, 0, 'f', 4) : QString();
}

}  // namespace

void RunTableModel::setRuns(const RunList& runs)
{
  beginResetModel();
  runs_ = runs;
  primary_.clear();
  for (const RunEntry& e : runs_)
  {
    primary_.push_back(primaryMetric(e.record));
  }
  endResetModel();
}

void RunTableModel::setActiveRun(qint64 runId)
{
  if (runId == activeRun_)
  {
    return;
  }
  activeRun_ = runId;
  if (!runs_.empty())
  {
    Q_EMIT dataChanged(index(0, Status), index(rowCount() - 1, Status));
  }
}

int RunTableModel::rowOf(qint64 runId) const
{
  for (size_t i = 0; i < runs_.size(); ++i)
  {
    if (runs_[i].record.id == runId)
    {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const RunEntry* RunTableModel::entry(int row) const
{
  return row >= 0 && row < rowCount() ? &runs_[static_cast<size_t>(row)] : nullptr;
}

QString RunTableModel::parentText(const RunRecord& r) const
{
  if (!r.parentRun)
  {
    return {};
  }
  const RunEntry* p = entry(rowOf(*r.parentRun));
  return p ? tr("%1 (run %2)").arg(qs(p->record.name)).arg(*r.parentRun)
           : tr("run %1 (deleted)").arg(*r.parentRun);
}

QString RunTableModel::displayStatus(const RunEntry& e) const
{
  if (e.record.status == "running" && !e.active && e.record.id != activeRun_)
  {
    return tr("interrupted");
  }
  return qs(e.record.status);
}

int RunTableModel::rowCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : static_cast<int>(runs_.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunTableModel::display(const RunEntry& e, int column) const
{
  const RunRecord& r = e.record;
  const QString& primary = primary_[static_cast<size_t>(&e - runs_.data())];
  switch (column)
  {
    case Id:
      return QVariant::fromValue(r.id);
    case Name:
      return qs(r.name);
    case Dataset:
      return qs(r.datasetName);
    case Kind:
      return r.kind == "m6"                 ? QStringLiteral("M6")
             : r.kind == "baseline-pop"     ? tr("most popular")
             : r.kind == "baseline-bpr"     ? tr("BPR-MF")
             : r.kind == "baseline-itemknn" ? tr("ItemKNN")
             : r.kind == "baseline-ease"    ? tr("EASE^R")
                                            : qs(r.kind);
    case Parent:
      return parentText(r);
    case Task:
      return qs(r.task);
    case Status:
      return displayStatus(e);
    case BestValid:
    {
      const QString t = metricText(primary, r.valid.get(primary.toStdString()));
      return t.isEmpty() || r.bestEpoch <= 0 ? t : t + tr(" (epoch %1)").arg(r.bestEpoch);
    }
    case Test:
    {
      QStringList parts;
      parts << metricText(primary, r.test.get(primary.toStdString()));
      if (r.task == "ranking")
      {
        const QString k = primary.section(QLatin1Char('@'), 1);
        parts << metricText(QStringLiteral("hr@") + k, r.test.get("hr@" + k.toStdString()));
      }
      else if (r.task == "ctr")
      {
        parts << metricText(QStringLiteral("logloss"), r.test.get("logloss"));
      }
      else if (r.task == "rating")
      {
        parts << metricText(QStringLiteral("mae"), r.test.get("mae"));
      }
      parts.removeAll(QString());
      return parts.join(QStringLiteral(" · "));
    }
    case Duration:
    {
      const double d = durationOf(r);
      return d < 0 ? QString() : formatDuration(d);
    }
    case Created:
      return QDateTime::fromSecsSinceEpoch(r.createdAt)
          .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Note:
      return qs(r.note);
  }
  return {};
}

QVariant RunTableModel::sortKey(const RunEntry& e, int column) const
{
  const RunRecord& r = e.record;
  const QString& primary = primary_[static_cast<size_t>(&e - runs_.data())];
  // Missing figures sort after present ones in ascending order.
  auto metric = [](double v) { return std::isfinite(v) ? v : -1e300; };
  switch (column)
  {
    case Id:
      return QVariant::fromValue(r.id);
    case BestValid:
      return metric(r.valid.get(primary.toStdString()));
    case Test:
      return metric(r.test.get(primary.toStdString()));
    case Duration:
      return durationOf(r);
    case Created:
      return QVariant::fromValue(r.createdAt);
    case Parent:  // runs without a parent last in ascending order
      return r.parentRun ? display(e, column).toString().toLower() : QStringLiteral("\uffff");
    default:
      return display(e, column).toString().toLower();
  }
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount())
  {
    return {};
  }
  const RunEntry& e = runs_[static_cast<size_t>(index.row())];
  switch (role)
  {
    case Qt::DisplayRole:
      return display(e, index.column());
    case kSortRole:
      return sortKey(e, index.column());
    case kRunIdRole:
      return QVariant::fromValue(e.record.id);
    case Qt::TextAlignmentRole:
      return index.column() == Id || index.column() == Duration
                 ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                 : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (index.column() == Status)
      {
        const QString s = displayStatus(e);
        if (s == QLatin1String("failed") || s == QLatin1String("diverged"))
        {
          return QBrush(QColor(176, 0, 32));
        }
        if (s == QLatin1String("running"))
        {
          return QBrush(QColor(0, 100, 200));
        }
        if (s != QLatin1String("finished"))
        {
          return QBrush(QColor(160, 96, 0));
        }
      }
      return {};
    case Qt::ToolTipRole:
      if (index.column() == Parent && e.record.parentRun)
      {
        return tr("Adapted from %1; the detail beside the table links to it")
            .arg(parentText(e.record));
      }
      if (index.column() == Status || index.column() == Name)
      {
        return qs(e.record.message);
      }
      if (index.column() == Test || index.column() == BestValid)
      {
        const MetricSet& m = index.column() == Test ? e.record.test : e.record.valid;
        return qs(m.protocol) + QLatin1Char('\n') + qs(m.valuesJson().dump(1));
      }
      return {};
    default:
      return {};
  }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal)
  {
    return {};
  }
  static const char* const kHeaders[] = {"Id",     "Name", "Dataset", "Kind",
                                         "Parent", "Task", "Status",  "Best valid",
                                         "Test",   "Time", "Created", "Note"};
  static const char* const kTips[] = {
      "The run's id (m6-cli uses it too)",
      "The run's name (F2 renames)",
      "The dataset it was trained on",
      "M6 model or a baseline (most popular, BPR-MF)",
      "The run it was adapted from (its weights were the start); empty for a run trained from "
      "scratch",
      "ranking, ctr or rating",
      "created, running, finished, stopped, diverged, failed; interrupted when the program "
      "ended during training (resumable)",
      "Validation value of the run's early-stopping metric at its best epoch",
      "Test metrics of the best checkpoint",
      "Training time (wall clock)",
      "When the run was created",
      "Your note"};
  if (role == Qt::DisplayRole && section >= 0 && section < ColumnCount)
  {
    return tr(kHeaders[section]);
  }
  if (role == Qt::ToolTipRole && section >= 0 && section < ColumnCount)
  {
    return tr(kTips[section]);
  }
  return {};
}

}  // namespace m6
