// UserMetricsModel (inspect_models.h): the Inspect page's per-user metrics table, sorted in
// place (at 162,000 users a sort through QVariants held the window for most of a second).
#include <QBrush>
#include <QColor>
#include <QHash>
#include <algorithm>
#include <cmath>

#include "app/bridge/inspect_types.h"
#include "ui/inspect_models.h"
#include "ui/save_file.h"

namespace m6
{

void UserMetricsModel::setTable(const UserMetricsTable& table)
{
  beginResetModel();
  table_ = table;
  sortRows();
  endResetModel();
}

void UserMetricsModel::sort(int column, Qt::SortOrder order)
{
  sortColumn_ = column;
  sortOrder_ = order;
  Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
  const QModelIndexList before = persistentIndexList();
  std::vector<QString> keys;  // the user id of each persistent index's row, to find it again
  keys.reserve(static_cast<size_t>(before.size()));
  for (const QModelIndex& i : before)
  {
    keys.push_back(table_.rows[static_cast<size_t>(i.row())].userId);
  }
  sortRows();
  if (!before.isEmpty())
  {
    QHash<QString, int> rowOf;
    for (size_t r = 0; r < table_.rows.size(); ++r)
    {
      rowOf.insert(table_.rows[r].userId, static_cast<int>(r));
    }
    QModelIndexList after;
    for (qsizetype k = 0; k < before.size(); ++k)
    {
      after << index(rowOf.value(keys[static_cast<size_t>(k)]), before[k].column());
    }
    changePersistentIndexList(before, after);
  }
  Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void UserMetricsModel::sortRows()
{
  if (sortColumn_ < 0 || sortColumn_ >= ColumnCount)
  {
    return;
  }
  const auto nanLow = [](double v) { return std::isnan(v) ? -1.0 : v; };
  // The same values as data(kInspectSortRole), compared without QVariants.
  const auto less = [&](const UserMetricEntry& a, const UserMetricEntry& b)
  {
    switch (sortColumn_)
    {
      case User:
        return a.userId < b.userId;
      case TestItem:
        return a.itemId < b.itemId;
      case Rank:
        return a.rank < b.rank;
      case Ndcg:
        return nanLow(a.ndcg) < nanLow(b.ndcg);
      case Hit:
        return nanLow(a.hit) < nanLow(b.hit);
      case History:
        return a.history < b.history;
      default:
        return a.bucket < b.bucket;
    }
  };
  if (sortOrder_ == Qt::AscendingOrder)
  {
    std::stable_sort(table_.rows.begin(), table_.rows.end(), less);
  }
  else
  {
    std::stable_sort(table_.rows.begin(), table_.rows.end(),
                     [&](const UserMetricEntry& a, const UserMetricEntry& b)
                     { return less(b, a); });
  }
}

int UserMetricsModel::rowCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : static_cast<int>(table_.rows.size());
}

int UserMetricsModel::columnCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant UserMetricsModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount())
  {
    return QVariant();
  }
  const UserMetricEntry& e = table_.rows[static_cast<size_t>(index.row())];
  if (role == kInspectIndexRole)
  {
    return e.user;
  }
  const bool sort = role == kInspectSortRole;
  if (role == Qt::DisplayRole || sort)
  {
    switch (index.column())
    {
      case User:
        return e.userId;
      case TestItem:
        return sort ? e.itemId : e.itemId + QStringLiteral("  ") + e.title;
      case Rank:
        return sort ? QVariant(e.rank) : QVariant(e.rank >= 0 ? QString::number(e.rank + 1) : "–");
      // Pointwise tasks (ctr, rating) have no rank, so no NDCG or hit: shown as "–", not "nan".
      case Ndcg:
        return sort ? QVariant(std::isnan(e.ndcg) ? -1.0 : e.ndcg)
                    : QVariant(std::isnan(e.ndcg) ? QStringLiteral("–")
                                                  : QString::number(e.ndcg, 'f', 3));
      case Hit:
        return sort ? QVariant(std::isnan(e.hit) ? -1.0 : e.hit)
                    : QVariant(std::isnan(e.hit) ? QStringLiteral("–")
                               : e.hit > 0       ? tr("hit")
                                                 : tr("miss"));
      case History:
        return e.history;
      case Bucket:
        return e.bucket;
    }
  }
  if (role == Qt::TextAlignmentRole &&
      (index.column() == Rank || index.column() == Ndcg || index.column() == History))
  {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::ForegroundRole && index.column() == Hit && !std::isnan(e.hit))
  {
    return QBrush(e.hit > 0 ? QColor(20, 130, 40) : QColor(190, 40, 30));
  }
  if (role == Qt::ToolTipRole)
  {
    return tr("Double-click to open user %1 in the User tab").arg(e.userId);
  }
  return QVariant();
}

QVariant UserMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
  {
    return QVariant();
  }
  if (role == Qt::DisplayRole)
  {
    switch (section)
    {
      case User:
        return tr("User");
      case TestItem:
        return tr("Test item");
      case Rank:
        return tr("Rank");
      case Ndcg:
        return tr("NDCG@%1").arg(table_.k);
      case Hit:
        return tr("Hit@%1").arg(table_.k);
      case History:
        return tr("History");
      case Bucket:
        return tr("Activity");
    }
  }
  if (role == Qt::ToolTipRole)
  {
    static const char* tips[] = {"External user id",
                                 "The user's held-out test item",
                                 "1-based rank of the test item among the candidates",
                                 "NDCG of the test item at K",
                                 "Whether it is in the top K",
                                 "Training interactions of the user",
                                 "cold <= 5, medium 6-20, heavy > 20 training interactions"};
    return tr(tips[section]);
  }
  return QVariant();
}

QString UserMetricsModel::csv(const std::vector<int>* rows) const
{
  QString out =
      QStringLiteral("user,test_item,title,rank,ndcg@%1,hit@%1,history,bucket\n").arg(table_.k);
  auto line = [&](const UserMetricEntry& e)
  {
    out += csvField(e.userId) + ',' + csvField(e.itemId) + ',' + csvField(e.title) + ',' +
           (e.rank >= 0 ? QString::number(e.rank + 1) : QString()) + ',' +
           (std::isnan(e.ndcg) ? QString() : QString::number(e.ndcg, 'g', 6)) + ',' +
           (std::isnan(e.hit) ? QString() : QString::number(e.hit, 'g', 6)) + ',' +
           QString::number(e.history) + ',' + e.bucket + '\n';
  };
  if (!rows)
  {
    for (const auto& e : table_.rows)
    {
      line(e);
    }
    return out;
  }
  for (int r : *rows)
  {
    line(table_.rows[static_cast<size_t>(r)]);
  }
  return out;
}

}  // namespace m6
