// Over 500 lines: one tree model for runs, groups and searches: three kinds of row share columns,
// sorting and status colours.

#include "ui/run_table_model.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <algorithm>
#include <cmath>
#include <map>

#include "app/bridge/qt_text.h"
#include "ui/duration_text.h"
#include "ui/run_compare.h"

namespace m6
{

namespace
{

QString kindLabel(RunKind kind)
{
  switch (kind)
  {
    case RunKind::BaselinePop:
      return RunTableModel::tr("most popular");
    case RunKind::BaselineBpr:
      return RunTableModel::tr("BPR-MF");
    case RunKind::BaselineItemKnn:
      return RunTableModel::tr("ItemKNN");
    case RunKind::BaselineEase:
      return RunTableModel::tr("EASE^R");
    case RunKind::M6:
      break;
  }
  return QStringLiteral("M6");
}

double durationOf(const RunRecord& r)
{
  if (r.kind != RunKind::M6)
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
  top_.clear();
  groups_.clear();
  searches_.clear();
  std::map<int64_t, int> groupOf;   // group id -> index in groups_
  std::map<int64_t, int> searchOf;  // search id -> index in searches_
  for (size_t i = 0; i < runs_.size(); ++i)
  {
    const RunEntry& e = runs_[i];
    primary_.push_back(primaryMetric(e.record));
    if (e.search.id != 0)
    {
      auto [it, added] = searchOf.emplace(e.search.id, static_cast<int>(searches_.size()));
      if (added)
      {
        RunSearchRow row;
        row.search = e.search;
        searches_.push_back(std::move(row));
        top_.push_back({-1, -1, it->second});
      }
      searches_[static_cast<size_t>(it->second)].members.push_back(static_cast<int>(i));
      continue;
    }
    if (e.group.id == 0)
    {
      top_.push_back({static_cast<int>(i), -1, -1});
      continue;
    }
    auto [it, added] = groupOf.emplace(e.group.id, static_cast<int>(groups_.size()));
    if (added)
    {
      RunGroupRow g;
      g.summary.group = e.group;
      groups_.push_back(std::move(g));
      top_.push_back({-1, it->second, -1});
    }
    groups_[static_cast<size_t>(it->second)].members.push_back(static_cast<int>(i));
  }
  for (RunGroupRow& g : groups_)
  {
    std::vector<RunRecord> members;
    for (int m : g.members)
    {
      members.push_back(runs_[static_cast<size_t>(m)].record);
    }
    std::sort(g.members.begin(), g.members.end(),
              [this](int a, int b) {
                return runs_[static_cast<size_t>(a)].record.id <
                       runs_[static_cast<size_t>(b)].record.id;
              });
    g.summary = summarizeMembers(g.summary.group, std::move(members));
    g.primary = primary_[static_cast<size_t>(g.members.front())];
  }
  for (RunSearchRow& row : searches_)
  {
    std::sort(row.members.begin(), row.members.end(),
              [this](int a, int b) {
                return runs_[static_cast<size_t>(a)].trial < runs_[static_cast<size_t>(b)].trial;
              });
    row.primary = primary_[static_cast<size_t>(row.members.front())];
    const std::string metric = row.primary.toStdString();
    const bool higher = higherIsBetter(row.primary.section(QLatin1Char('@'), 0, 0).toStdString());
    double best = 0;
    for (int m : row.members)
    {
      const double v = runs_[static_cast<size_t>(m)].record.valid.get(metric);
      if (std::isfinite(v) && (row.best < 0 || (higher ? v > best : v < best)))
      {
        best = v;
        row.best = m;
      }
    }
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
  // The Status column of every row, top level and under each group (not a reset: the view keeps
  // its selection and expanded groups).
  if (!top_.empty())
  {
    Q_EMIT dataChanged(index(0, Status), index(rowCount() - 1, Status));
  }
  for (size_t t = 0; t < top_.size(); ++t)
  {
    if (children(top_[t]))
    {
      const QModelIndex parent = index(static_cast<int>(t), 0);
      Q_EMIT dataChanged(index(0, Status, parent), index(rowCount(parent) - 1, Status, parent));
    }
  }
}

QModelIndex RunTableModel::indexOf(qint64 runId, int column) const
{
  for (size_t t = 0; t < top_.size(); ++t)
  {
    const TopRow& row = top_[t];
    if (row.entry >= 0)
    {
      if (runs_[static_cast<size_t>(row.entry)].record.id == runId)
      {
        return index(static_cast<int>(t), column);
      }
      continue;
    }
    const std::vector<int>& members = *children(row);
    for (size_t m = 0; m < members.size(); ++m)
    {
      if (runs_[static_cast<size_t>(members[m])].record.id == runId)
      {
        return index(static_cast<int>(m), column, index(static_cast<int>(t), 0));
      }
    }
  }
  return {};
}

const std::vector<int>* RunTableModel::children(const TopRow& row) const
{
  if (row.group >= 0)
  {
    return &groups_[static_cast<size_t>(row.group)].members;
  }
  if (row.search >= 0)
  {
    return &searches_[static_cast<size_t>(row.search)].members;
  }
  return nullptr;
}

QModelIndex RunTableModel::indexOfSearch(qint64 searchId, int column) const
{
  for (size_t t = 0; t < top_.size(); ++t)
  {
    if (top_[t].search >= 0 && searches_[static_cast<size_t>(top_[t].search)].search.id == searchId)
    {
      return index(static_cast<int>(t), column);
    }
  }
  return {};
}

const RunSearchRow* RunTableModel::search(const QModelIndex& i) const
{
  if (!i.isValid() || i.model() != this || i.internalId() != 0)
  {
    return nullptr;
  }
  const TopRow& row = top_[static_cast<size_t>(i.row())];
  return row.search >= 0 ? &searches_[static_cast<size_t>(row.search)] : nullptr;
}

QModelIndex RunTableModel::indexOfGroup(qint64 groupId, int column) const
{
  for (size_t t = 0; t < top_.size(); ++t)
  {
    if (top_[t].group >= 0 &&
        groups_[static_cast<size_t>(top_[t].group)].summary.group.id == groupId)
    {
      return index(static_cast<int>(t), column);
    }
  }
  return {};
}

const RunEntry* RunTableModel::entry(const QModelIndex& i) const
{
  if (!i.isValid() || i.model() != this)
  {
    return nullptr;
  }
  if (i.internalId() == 0)
  {
    const TopRow& row = top_[static_cast<size_t>(i.row())];
    return row.entry >= 0 ? &runs_[static_cast<size_t>(row.entry)] : nullptr;
  }
  const std::vector<int>& members = *children(top_[i.internalId() - 1]);
  return &runs_[static_cast<size_t>(members[static_cast<size_t>(i.row())])];
}

const RunGroupRow* RunTableModel::group(const QModelIndex& i) const
{
  if (!i.isValid() || i.model() != this || i.internalId() != 0)
  {
    return nullptr;
  }
  const TopRow& row = top_[static_cast<size_t>(i.row())];
  return row.group >= 0 ? &groups_[static_cast<size_t>(row.group)] : nullptr;
}

QString RunTableModel::parentText(const RunRecord& r) const
{
  if (!r.parentRun)
  {
    return {};
  }
  const RunEntry* p = find(*r.parentRun);
  return p ? tr("%1 (run %2)").arg(qs(p->record.name)).arg(*r.parentRun)
           : tr("run %1 (deleted)").arg(*r.parentRun);
}

QString RunTableModel::displayStatus(const RunEntry& e) const
{
  if (e.record.status == RunStatus::Running && !e.active && e.record.id != activeRun_)
  {
    return tr("interrupted");
  }
  return qs(wordOf(e.record.status));
}

QModelIndex RunTableModel::index(int row, int column, const QModelIndex& parent) const
{
  if (row < 0 || column < 0 || column >= ColumnCount)
  {
    return {};
  }
  if (!parent.isValid())
  {
    return row < static_cast<int>(top_.size()) ? createIndex(row, column, quintptr(0))
                                               : QModelIndex();
  }
  if (parent.internalId() != 0 || parent.row() >= static_cast<int>(top_.size()))
  {
    return {};
  }
  const std::vector<int>* members = children(top_[static_cast<size_t>(parent.row())]);
  if (!members || row >= static_cast<int>(members->size()))
  {
    return {};
  }
  return createIndex(row, column, static_cast<quintptr>(parent.row()) + 1);
}

QModelIndex RunTableModel::parent(const QModelIndex& child) const
{
  if (!child.isValid() || child.internalId() == 0)
  {
    return {};
  }
  return createIndex(static_cast<int>(child.internalId() - 1), 0, quintptr(0));
}

int RunTableModel::rowCount(const QModelIndex& parent) const
{
  if (!parent.isValid())
  {
    return static_cast<int>(top_.size());
  }
  if (parent.column() != 0)
  {
    return 0;
  }
  if (parent.internalId() != 0)
  {
    return 0;
  }
  const std::vector<int>* members = children(top_[static_cast<size_t>(parent.row())]);
  return members ? static_cast<int>(members->size()) : 0;
}

int RunTableModel::columnCount(const QModelIndex&) const
{
  return ColumnCount;
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
      return kindLabel(r.kind);
    case Parent:
      return parentText(r);
    case Task:
      return qs(wordOf(r.task));
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
      if (r.task == m6::Task::Ranking)
      {
        const QString k = primary.section(QLatin1Char('@'), 1);
        parts << metricText(QStringLiteral("hr@") + k, r.test.get("hr@" + k.toStdString()));
      }
      else if (r.task == m6::Task::Ctr)
      {
        parts << metricText(QStringLiteral("logloss"), r.test.get("logloss"));
      }
      else if (r.task == m6::Task::Rating)
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
  if (const RunGroupRow* g = group(index))
  {
    switch (role)
    {
      case Qt::DisplayRole:
        return groupDisplay(*g, index.column());
      case kSortRole:
        return groupSortKey(*g, index.column());
      case kRunIdRole:
        return QVariant::fromValue(qint64(0));
      case kGroupIdRole:
        return QVariant::fromValue(qint64(g->summary.group.id));
      case Qt::FontRole:
        if (index.column() == Name || index.column() == Test || index.column() == BestValid)
        {
          QFont f;
          f.setBold(true);
          return f;
        }
        return {};
      case Qt::ToolTipRole:
        return groupTooltip(*g, index.column());
      case Qt::ForegroundRole:
        if (index.column() == Status)
        {
          const QString s = groupStatus(*g);
          return s == QLatin1String("failed")     ? QBrush(QColor(176, 0, 32))
                 : s == QLatin1String("running")  ? QBrush(QColor(0, 100, 200))
                 : s != QLatin1String("finished") ? QBrush(QColor(160, 96, 0))
                                                  : QVariant();
        }
        return {};
      default:
        break;
    }
  }
  if (const RunSearchRow* row = search(index))
  {
    switch (role)
    {
      case Qt::DisplayRole:
        return searchDisplay(*row, index.column());
      case kSortRole:
        return searchSortKey(*row, index.column());
      case kRunIdRole:
      case kGroupIdRole:
        return QVariant::fromValue(qint64(0));
      case kSearchIdRole:
        return QVariant::fromValue(qint64(row->search.id));
      case Qt::FontRole:
        if (index.column() == Name)
        {
          QFont f;
          f.setBold(true);
          return f;
        }
        return {};
      case Qt::ToolTipRole:
        return searchTooltip(*row, index.column());
      case Qt::ForegroundRole:
        if (index.column() == Status)
        {
          const QString st = searchStatus(*row);
          return st == QLatin1String("failed")     ? QBrush(QColor(176, 0, 32))
                 : st == QLatin1String("running")  ? QBrush(QColor(0, 100, 200))
                 : st != QLatin1String("finished") ? QBrush(QColor(160, 96, 0))
                                                   : QVariant();
        }
        return {};
      default:
        return {};
    }
  }
  const RunEntry* found = entry(index);
  if (!found)
  {
    return {};
  }
  const RunEntry& e = *found;
  if (role == kGroupIdRole || role == kSearchIdRole)
  {
    return QVariant::fromValue(qint64(0));
  }
  if (role == Qt::FontRole && e.search.id != 0 && index.column() == Name)
  {
    // The best trial of its search so far.
    const RunSearchRow* row = search(index.parent());
    if (row && row->best == static_cast<int>(&e - runs_.data()))
    {
      QFont f;
      f.setBold(true);
      return f;
    }
    return {};
  }
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
        const QString message = qs(e.record.message);
        if (e.search.id != 0)
        {
          const RunSearchRow* row = search(index.parent());
          const bool best = row && row->best == static_cast<int>(&e - runs_.data());
          const QString trial = tr("Trial %1 of search \"%2\"%3")
                                    .arg(e.trial + 1)
                                    .arg(qs(e.search.name))
                                    .arg(best ? tr(": the best so far on validation") : QString());
          return message.isEmpty() ? trial : trial + QLatin1Char('\n') + message;
        }
        return message;
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

double RunTableModel::membersSeconds(const std::vector<int>& members) const
{
  double total = 0;
  for (int m : members)
  {
    total += std::max(0.0, durationOf(runs_[static_cast<size_t>(m)].record));
  }
  return total;
}

QString RunTableModel::groupStatus(const RunGroupRow& g) const
{
  for (int m : g.members)
  {
    if (displayStatus(runs_[static_cast<size_t>(m)]) == QLatin1String("running"))
    {
      return QStringLiteral("running");
    }
  }
  return qs(g.summary.status());
}

namespace
{

const Spread* spreadNamed(const std::vector<std::pair<std::string, Spread>>& spreads,
                          const QString& name)
{
  for (const auto& kv : spreads)
  {
    if (qs(kv.first) == name)
    {
      return &kv.second;
    }
  }
  return nullptr;
}

// "ndcg@10 0.1121 ± 0.0040", plus " [0.1071, 0.1171]" with `interval`; "" without values.
QString spreadText(const QString& name, const Spread* s, bool interval)
{
  if (!s || s->n == 0)
  {
    return {};
  }
  QString t = QStringLiteral("%1 %2").arg(name).arg(s->mean, 0, 'f', 4);
  if (s->n >= 2)
  {
    t += QStringLiteral(" ± %1").arg(s->sd, 0, 'f', 4);
    if (interval)
    {
      t += QStringLiteral(" [%1, %2]").arg(s->low, 0, 'f', 4).arg(s->high, 0, 'f', 4);
    }
  }
  return t;
}

}  // namespace

QVariant RunTableModel::groupDisplay(const RunGroupRow& g, int column) const
{
  const GroupSummary& s = g.summary;
  switch (column)
  {
    case Id:
      return tr("group %1").arg(s.group.id);
    case Name:
      return qs(s.group.name);
    case Dataset:
      return qs(s.group.datasetName);
    case Kind:
      return s.group.seeds.size() == 1 ? tr("M6 × 1 seed")
                                       : tr("M6 × %1 seeds").arg(s.group.seeds.size());
    case Parent:
      return QString();
    case Task:
      return s.members.empty() ? QString() : qs(wordOf(s.members.front().task));
    case Status:
      return groupStatus(g);
    case BestValid:
      return spreadText(g.primary, spreadNamed(s.valid, g.primary), false);
    case Test:
    {
      QStringList parts;
      parts << spreadText(g.primary, spreadNamed(s.test, g.primary), true);
      const QString k = g.primary.section(QLatin1Char('@'), 1);
      if (!k.isEmpty())
      {
        parts << spreadText(QStringLiteral("hr@") + k,
                            spreadNamed(s.test, QStringLiteral("hr@") + k), false);
      }
      parts.removeAll(QString());
      return parts.join(QStringLiteral(" · "));
    }
    case Duration:
      return formatDuration(membersSeconds(g.members));
    case Created:
      return QDateTime::fromSecsSinceEpoch(s.group.createdAt)
          .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Note:
      return qs(s.group.note);
  }
  return {};
}

QVariant RunTableModel::groupSortKey(const RunGroupRow& g, int column) const
{
  auto metric = [](const Spread* s) { return s && s->n > 0 ? s->mean : -1e300; };
  switch (column)
  {
    case Id:  // among the runs by its newest member
    {
      qint64 newest = 0;
      for (const RunRecord& r : g.summary.members)
      {
        newest = std::max<qint64>(newest, r.id);
      }
      return QVariant::fromValue(newest);
    }
    case BestValid:
      return metric(spreadNamed(g.summary.valid, g.primary));
    case Test:
      return metric(spreadNamed(g.summary.test, g.primary));
    case Duration:
      return membersSeconds(g.members);
    case Created:
      return QVariant::fromValue(qint64(g.summary.group.createdAt));
    case Parent:
      return QStringLiteral("\uffff");
    default:
      return groupDisplay(g, column).toString().toLower();
  }
}

QString RunTableModel::groupTooltip(const RunGroupRow& g, int column) const
{
  const GroupSummary& s = g.summary;
  if (column == Test || column == BestValid)
  {
    const auto& spreads = column == Test ? s.test : s.valid;
    QStringList lines;
    lines << tr("Over %1 of %2 runs (those with results): mean ± sample sd, and the 95% interval "
                "of the mean (Student's t)")
                 .arg(s.withResults)
                 .arg(s.members.size());
    for (const auto& kv : spreads)
    {
      lines << spreadText(qs(kv.first), &kv.second, true);
    }
    lines << qs(s.protocol);
    return lines.join(QLatin1Char('\n'));
  }
  if (column == Status || column == Name || column == Kind)
  {
    QStringList seeds;
    for (int64_t seed : s.group.seeds)
    {
      seeds << QString::number(seed);
    }
    QString t = tr("One configuration trained with seeds %1; expand the row for its runs")
                    .arg(seeds.join(QStringLiteral(", ")));
    if (!s.missingSeeds.empty())
    {
      t += QLatin1Char('\n') + tr("Seeds not trained yet: %1; m6-cli resume group:%2 continues")
                                   .arg(s.missingSeeds.size())
                                   .arg(s.group.id);
    }
    return t;
  }
  return {};
}

QString RunTableModel::searchStatus(const RunSearchRow& s) const
{
  for (int m : s.members)
  {
    // A trial training, or the one this window trained last while its job still runs: between
    // two trials the finished one stays the active run until the next one starts, so the search
    // does not flash "interrupted".
    const RunEntry& e = runs_[static_cast<size_t>(m)];
    if (displayStatus(e) == QLatin1String("running") ||
        (activeRun_ != 0 && e.record.id == activeRun_))
    {
      return QStringLiteral("running");
    }
  }
  // Recorded "running" with no trial training: the process that ran it ended.
  return s.search.status == "running" ? tr("interrupted") : qs(s.search.status);
}

QVariant RunTableModel::searchDisplay(const RunSearchRow& s, int column) const
{
  const RunEntry* best = s.best >= 0 ? &runs_[static_cast<size_t>(s.best)] : nullptr;
  switch (column)
  {
    case Id:
      return tr("search %1").arg(s.search.id);
    case Name:
      return qs(s.search.name);
    case Dataset:
      return qs(s.search.datasetName);
    case Kind:
      return s.members.size() == 1 ? tr("search, 1 trial")
                                   : tr("search, %1 trials").arg(s.members.size());
    case Parent:
      return QString();
    case Task:
      return qs(wordOf(runs_[static_cast<size_t>(s.members.front())].record.task));
    case Status:
      return searchStatus(s);
    case BestValid:
      return best ? tr("%1 (run %2)").arg(display(*best, BestValid).toString()).arg(best->record.id)
                  : QString();
    case Test:
      return best ? display(*best, Test) : QVariant(QString());
    case Duration:
      return formatDuration(membersSeconds(s.members));
    case Created:
      return QDateTime::fromSecsSinceEpoch(s.search.createdAt)
          .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case Note:
      return qs(s.search.message);
  }
  return {};
}

QVariant RunTableModel::searchSortKey(const RunSearchRow& s, int column) const
{
  const RunEntry* best = s.best >= 0 ? &runs_[static_cast<size_t>(s.best)] : nullptr;
  switch (column)
  {
    case Id:  // among the runs by its newest trial
    {
      qint64 newest = 0;
      for (int m : s.members)
      {
        newest = std::max<qint64>(newest, runs_[static_cast<size_t>(m)].record.id);
      }
      return QVariant::fromValue(newest);
    }
    case BestValid:
    case Test:
      return best ? sortKey(*best, column) : QVariant(-1e300);
    case Duration:
      return membersSeconds(s.members);
    case Created:
      return QVariant::fromValue(qint64(s.search.createdAt));
    case Parent:
      return QStringLiteral("\uffff");
    default:
      return searchDisplay(s, column).toString().toLower();
  }
}

QString RunTableModel::searchTooltip(const RunSearchRow& s, int column) const
{
  if (column == BestValid || column == Test)
  {
    return s.best >= 0 ? tr("The best trial so far by %1 on validation (bold below); its test "
                            "figures are the search's result")
                             .arg(s.primary)
                       : tr("No trial has a validation figure yet");
  }
  if (column == Name || column == Kind || column == Status || column == Note)
  {
    QString t = tr("Hyperparameter search (%1): every trial is an ordinary run; expand the row "
                   "for them, or open Search results… for the trial table and the parallel "
                   "coordinates")
                    .arg(qs(s.search.spec.value("strategy", "")));
    if (!s.search.message.empty())
    {
      t += QLatin1Char('\n') + qs(s.search.message);
    }
    return t;
  }
  return {};
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
  // Long tips are concatenated on purpose, not a missing comma.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
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
  // NOLINTEND(bugprone-suspicious-missing-comma)
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
