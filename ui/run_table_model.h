// RunTableModel: the workspace's runs as a table (id, name, dataset, kind, parent, task, status,
// best validation metric, test metrics, duration, created, note). Small (tens to hundreds of rows):
// the whole RunList from RunLibrary is held here. Sorting goes through a QSortFilterProxyModel on
// kSortRole (numbers sort as numbers, "–" cells last).
//
// A run recorded as "running" whose folder lock is free (RunEntry::active) and that is not the
// controller's active run was interrupted (its trainer's process ended): it shows as
// "interrupted" and can be resumed. One trained by another process (the CLI) shows "running".
//
// Thread affinity: GUI thread.
#pragma once

#include <QAbstractTableModel>

#include "app/bridge/train_types.h"

namespace m6
{

class RunTableModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  enum Column
  {
    Id,
    Name,
    Dataset,
    Kind,
    Parent,  // the run it was adapted from: "name (run N)"
    Task,
    Status,
    BestValid,
    Test,
    Duration,
    Created,
    Note,
    ColumnCount
  };
  static constexpr int kSortRole = Qt::UserRole + 1;
  static constexpr int kRunIdRole = Qt::UserRole + 2;

  using QAbstractTableModel::QAbstractTableModel;

  void setRuns(const RunList& runs);
  const RunList& runs() const { return runs_; }
  /// The run being trained now (0: none); its "running" status is genuine.
  void setActiveRun(qint64 runId);
  int rowOf(qint64 runId) const;
  const RunEntry* entry(int row) const;
  /// "name (run N)" of a run's parent ("run N" when it was deleted), "" without a parent.
  QString parentText(const RunRecord& r) const;
  /// "interrupted" for a stale "running" record, else the stored status.
  QString displayStatus(const RunEntry& e) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  QVariant display(const RunEntry& e, int column) const;
  QVariant sortKey(const RunEntry& e, int column) const;

  RunList runs_;
  std::vector<QString> primary_;  // primary metric name per row (parsed once)
  qint64 activeRun_ = 0;
};

}  // namespace m6
