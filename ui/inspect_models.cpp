#include "ui/inspect_models.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QLocale>
#include <cmath>

#include "app/bridge/inspect_types.h"

namespace m6
{

namespace
{

const QColor kTestColour(214, 240, 214);
const QColor kValidColour(214, 228, 248);

}  // namespace

// ---- RecommendationModel ------------------------------------------------------------------------

void RecommendationModel::setRows(const std::vector<RecommendationRow>& rows, bool compared)
{
  beginResetModel();
  rows_ = rows;
  compared_ = compared;
  endResetModel();
}

int RecommendationModel::rowOfItem(qint32 item) const
{
  for (size_t r = 0; r < rows_.size(); ++r)
  {
    if (rows_[r].item == item)
    {
      return static_cast<int>(r);
    }
  }
  return -1;
}

int RecommendationModel::rowCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RecommendationModel::columnCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecommendationModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount())
  {
    return QVariant();
  }
  const RecommendationRow& r = rows_[static_cast<size_t>(index.row())];
  const int move = compared_ ? r.defaultRank - r.rank : 0;
  if (role == kInspectIndexRole)
  {
    return r.item;
  }
  if (role == Qt::DisplayRole || role == kInspectSortRole)
  {
    switch (index.column())
    {
      case Rank:
        return r.rank;
      case Move:
        if (!compared_)
        {
          return QString();
        }
        if (role == kInspectSortRole)
        {
          return move;  // by how far the item moved, not by the arrow's text
        }
        return move > 0   ? QStringLiteral("▲ %1").arg(move)
               : move < 0 ? QStringLiteral("▼ %1").arg(-move)
                          : QStringLiteral("=");
      case Item:
        return r.itemId;
      case Title:
        return r.title;
      case Category:
        return r.category;
      case Score:
        return role == kInspectSortRole ? QVariant(double(r.score))
                                        : QVariant(QString::number(double(r.score), 'f', 4));
      case Popularity:
        return role == kInspectSortRole ? QVariant(r.popularity)
                                        : QVariant(QLocale().toString(r.popularity));
      case Truth:
      {
        QStringList marks;
        if (r.testTarget)
        {
          marks << tr("★ test");
        }
        if (r.validTarget)
        {
          marks << tr("☆ validation");
        }
        if (r.cold)
        {
          marks << tr("❄ cold");
        }
        if (r.popularity == 0 && !r.cold)
        {
          marks << tr("never in training");
        }
        return marks.join(QStringLiteral(", "));
      }
    }
  }
  if (role == Qt::ForegroundRole && index.column() == Move && move != 0)
  {
    return QBrush(move > 0 ? QColor(20, 130, 40) : QColor(190, 40, 30));
  }
  if (role == Qt::BackgroundRole && (r.testTarget || r.validTarget))
  {
    return QBrush(r.testTarget ? kTestColour : kValidColour);
  }
  if (role == Qt::TextAlignmentRole &&
      (index.column() == Rank || index.column() == Score || index.column() == Popularity))
  {
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  }
  if (role == Qt::ToolTipRole)
  {
    if (index.column() == Move && compared_)
    {
      return tr("Rank %1 with the test-time context, %2 with the context chosen above")
          .arg(r.defaultRank)
          .arg(r.rank);
    }
    if (index.column() == Popularity)
    {
      return tr("Training interactions with this item, over all users");
    }
    if (index.column() == Truth && (r.testTarget || r.validTarget))
    {
      return tr("%1 %2: the user's held-out %3 item, recommended: a hit")
          .arg(r.itemId, r.title, r.testTarget ? tr("test") : tr("validation"));
    }
    if (r.cold)
    {
      return tr("%1 %2: never seen in training: ranked by its content fields only")
          .arg(r.itemId, r.title);
    }
    return tr("%1 %2: click to see the attention behind its score").arg(r.itemId, r.title);
  }
  return QVariant();
}

QVariant RecommendationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal)
  {
    return QVariant();
  }
  static const char* names[] = {
      "Rank", "Move", "Held-out", "Item", "Title", "Category / tags", "Score", "Popularity"};
  // Long tips are concatenated on purpose, not a missing comma.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  static const char* tips[] = {
      "Position in the top K (training items excluded)",
      "How the rank moved against the test-time context (▲ up, ▼ down)",
      "The user's held-out test (★) and validation (☆) items; cold items (❄: never seen in "
      "training, ranked by their content fields only)",
      "External item id",
      "Item title",
      "The item's category and tags",
      "The model's score (higher is better)",
      "Training interactions with the item over all users"};
  // NOLINTEND(bugprone-suspicious-missing-comma)
  if (section < 0 || section >= ColumnCount)
  {
    return QVariant();
  }
  if (role == Qt::DisplayRole)
  {
    return tr(names[section]);
  }
  if (role == Qt::ToolTipRole)
  {
    return tr(tips[section]);
  }
  return QVariant();
}

// ---- HistoryModel ------------------------------------------------------------------------------

void HistoryModel::setHistory(const std::vector<HistoryEntry>& history)
{
  beginResetModel();
  rows_ = history;
  endResetModel();
}

int HistoryModel::rowCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int HistoryModel::columnCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant HistoryModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount())
  {
    return QVariant();
  }
  const HistoryEntry& h = rows_[static_cast<size_t>(index.row())];
  if (role == kInspectIndexRole)
  {
    return h.item;
  }
  if (role == Qt::DisplayRole)
  {
    switch (index.column())
    {
      case Number:
        return index.row() + 1;
      case Date:
        return formatTime(h.time);
      case Item:
        return h.itemId;
      case Title:
        return h.title;
      case Category:
        return h.category;
      case Rating:
        return std::isnan(h.rating) ? QStringLiteral("–") : QString::number(h.rating, 'g', 3);
      case Part:
        if (h.part == QLatin1String("test"))
        {
          return tr("★ held-out test");
        }
        if (h.part == QLatin1String("valid"))
        {
          return tr("☆ held-out validation");
        }
        return h.inWindow ? tr("train (model input)") : tr("train");
    }
  }
  if (role == Qt::BackgroundRole && h.part != QLatin1String("train"))
  {
    return QBrush(h.part == QLatin1String("test") ? kTestColour : kValidColour);
  }
  if (role == Qt::FontRole && h.inWindow)
  {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (role == Qt::ForegroundRole && h.part == QLatin1String("train") && !h.inWindow)
  {
    return QBrush(Qt::gray);
  }
  if (role == Qt::ToolTipRole)
  {
    const QString why = h.inWindow ? tr("one of the last training items: the model reads it "
                                        "(bold)")
                        : h.part == QLatin1String("train")
                            ? tr("an older training interaction, outside the model's history "
                                 "window")
                            : tr("held out of training: what the model should predict");
    return tr("#%1  item %2  %3\n%4").arg(index.row() + 1).arg(h.itemId, h.title, why);
  }
  return QVariant();
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
  {
    return QVariant();
  }
  static const char* names[] = {"#",      "Date (UTC)", "Item", "Title", "Category / tags",
                                "Rating", "Part"};
  if (role == Qt::DisplayRole)
  {
    return tr(names[section]);
  }
  if (role == Qt::ToolTipRole)
  {
    return tr(
        "Oldest first; bold rows are the history the model reads, coloured rows are held "
        "out");
  }
  return QVariant();
}

}  // namespace m6
