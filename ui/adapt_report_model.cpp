#include "ui/adapt_report_model.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QStringList>

#include "app/bridge/qt_text.h"

namespace m6
{

namespace
{

QString shapeText(const std::vector<int64_t>& shape)
{
  QStringList parts;
  for (int64_t d : shape)
  {
    parts << QString::number(d);
  }
  return parts.join(QStringLiteral(" × "));
}

}  // namespace

void AdaptReportModel::setReport(const AdaptReport& report)
{
  beginResetModel();
  report_ = report;
  endResetModel();
}

int AdaptReportModel::frozenCount() const
{
  int n = 0;
  for (const AdaptParameter& p : report_.parameters)
  {
    n += p.frozen ? 1 : 0;
  }
  return n;
}

int AdaptReportModel::rowCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : static_cast<int>(report_.parameters.size());
}

int AdaptReportModel::columnCount(const QModelIndex& parent) const
{
  return parent.isValid() ? 0 : ColumnCount;
}

QVariant AdaptReportModel::data(const QModelIndex& index, int role) const
{
  if (!index.isValid() || index.row() >= rowCount())
  {
    return {};
  }
  const AdaptParameter& p = report_.parameters[static_cast<size_t>(index.row())];
  if (role == Qt::DisplayRole)
  {
    switch (index.column())
    {
      case Name:
        return qs(p.name);
      case Status:
        return qs(p.status);
      case Training:
        return p.frozen ? tr("frozen") : p.trainable ? tr("trained") : tr("not trained");
      case Shape:
        return shapeText(p.shape);
      case Count:
        return QLocale(QLocale::English).toString(static_cast<qlonglong>(p.count));
      case Rows:
        return p.rows > 0 ? tr("%1 of %2").arg(p.rowsMatched).arg(p.rows) : QString();
      case Reason:
        return qs(p.reason);
    }
    return {};
  }
  if (role == Qt::TextAlignmentRole)
  {
    return index.column() == Count || index.column() == Rows
               ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
               : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
  }
  if (role == Qt::ForegroundRole)
  {
    if (index.column() == Status)
    {
      // carried: green; partly: teal; re-initialised: orange; added: blue.
      if (p.status == "carried")
      {
        return QBrush(QColor(0, 120, 60));
      }
      if (p.status == "carried-partly")
      {
        return QBrush(QColor(0, 110, 130));
      }
      if (p.status == "re-initialised")
      {
        return QBrush(QColor(180, 90, 0));
      }
      return QBrush(QColor(30, 80, 200));
    }
    if (index.column() == Training && p.frozen)
    {
      return QBrush(QColor(110, 110, 110));
    }
  }
  if (role == Qt::ToolTipRole)
  {
    return qs(p.reason);
  }
  return {};
}

QVariant AdaptReportModel::headerData(int section, Qt::Orientation orientation, int role) const
{
  if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
  {
    return {};
  }
  static const char* const kHeaders[] = {"Parameter", "Status",       "Training", "Shape",
                                         "Elements",  "Rows matched", "Why"};
  // Long tips are concatenated on purpose, not a missing comma.
  // NOLINTBEGIN(bugprone-suspicious-missing-comma)
  static const char* const kTips[] = {
      "The parameter's registered name in the network",
      "carried: the parent's value; carried-partly: some embedding rows matched by id, value or "
      "position, the rest start at zero; re-initialised: a new value (task or shape changed); "
      "added: the parent has no such parameter (adapters, new fields)",
      "trained, or frozen (kept bit for bit as the parent's)",
      "Tensor shape",
      "Number of values",
      "Embedding tables: rows carried over of all rows",
      "Why it got this status"};
  // NOLINTEND(bugprone-suspicious-missing-comma)
  if (role == Qt::DisplayRole)
  {
    return tr(kHeaders[section]);
  }
  if (role == Qt::ToolTipRole)
  {
    return tr(kTips[section]);
  }
  return {};
}

}  // namespace m6
