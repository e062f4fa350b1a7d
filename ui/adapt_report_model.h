// AdaptReportModel: an AdaptReport as a table, one row per parameter of the adapted network:
// name, status (carried, carried partly, re-initialised, added), trained or frozen, shape,
// element count, embedding rows matched ("12 of 15") and the reason in words.
//
// Thread affinity: GUI thread.
#pragma once

#include <QAbstractTableModel>

#include "model/adapt_report.h"

namespace m6
{

class AdaptReportModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  enum Column
  {
    Name,
    Status,
    Training,
    Shape,
    Count,
    Rows,
    Reason,
    ColumnCount
  };

  using QAbstractTableModel::QAbstractTableModel;

  void setReport(const AdaptReport& report);
  const AdaptReport& report() const { return report_; }
  /// Rows whose Training column says "frozen".
  int frozenCount() const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  AdaptReport report_;
};

}  // namespace m6
