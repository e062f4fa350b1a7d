// RunTableModel: the workspace's runs as a table (id, name, dataset, kind, parent, task, status,
// best validation metric, test metrics, duration, created, note). Small (tens to hundreds of rows):
// the whole RunList from RunLibrary is held here. Sorting goes through a QSortFilterProxyModel on
// kSortRole (numbers sort as numbers, "–" cells last).
//
// A two-level tree: the members of a run group (one configuration, several seeds) sit under one
// group row that shows each metric as mean ± sd over the members with results, with the 95%
// Student-t interval of the mean (model/core/spread.h); the trials of a hyperparameter search sit
// under one search row that shows the best trial's figures (best by the validation value of the
// primary metric); every other run is a top-level row.
//
// A run recorded as "running" whose folder lock is free (RunEntry::active) and that is not the
// controller's active run was interrupted (its trainer's process ended): it shows as
// "interrupted" and can be resumed. One trained by another process (the CLI) shows "running".
//
// Thread affinity: GUI thread.
#pragma once

#include <QAbstractItemModel>

#include "app/bridge/train_types.h"
#include "app/runner/run_groups.h"

namespace m6
{

/// A group row: the group, its members' entries and the spreads of their results.
struct RunGroupRow
{
  GroupSummary summary;
  std::vector<int> members;  // entry indices, by run id
  QString primary;           // the members' primary metric
};

/// A search row: the search and its trials' entries (in trial order).
struct RunSearchRow
{
  SearchRecord search;
  std::vector<int> members;  // entry indices, by trial
  int best = -1;             // the entry of the best trial so far (-1: none with a value)
  QString primary;           // the trials' primary metric
};

class RunTableModel : public QAbstractItemModel
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
  static constexpr int kRunIdRole = Qt::UserRole + 2;     // 0 on a group row
  static constexpr int kGroupIdRole = Qt::UserRole + 3;   // the group of a group row, else 0
  static constexpr int kSearchIdRole = Qt::UserRole + 4;  // the search of a search row, else 0

  using QAbstractItemModel::QAbstractItemModel;

  void setRuns(const RunList& runs);
  const RunList& runs() const { return runs_; }
  /// The run being trained now (0: none); its "running" status is genuine.
  void setActiveRun(qint64 runId);
  /// The run's row (under its group row when it is a member); invalid when it is not listed.
  QModelIndex indexOf(qint64 runId, int column = 0) const;
  /// A group's row; invalid when none of its members is listed.
  QModelIndex indexOfGroup(qint64 groupId, int column = 0) const;
  /// A search's row; invalid when none of its trials is listed.
  QModelIndex indexOfSearch(qint64 searchId, int column = 0) const;
  /// The run of a row, or nullptr for a group or search row or an invalid index.
  const RunEntry* entry(const QModelIndex& index) const;
  /// The group of a group row, or nullptr.
  const RunGroupRow* group(const QModelIndex& index) const;
  /// The search of a search row, or nullptr.
  const RunSearchRow* search(const QModelIndex& index) const;
  /// "running" (a trial trains now), "interrupted" (recorded running, no trial trains), or the
  /// stored status (finished, stopped, failed).
  QString searchStatus(const RunSearchRow& s) const;
  /// The entry of a run, or nullptr.
  const RunEntry* find(qint64 runId) const { return entry(indexOf(runId)); }
  /// "name (run N)" of a run's parent ("run N" when it was deleted), "" without a parent.
  QString parentText(const RunRecord& r) const;
  /// "interrupted" for a stale "running" record, else the stored status.
  QString displayStatus(const RunEntry& e) const;

  QModelIndex index(int row, int column, const QModelIndex& parent = QModelIndex()) const override;
  QModelIndex parent(const QModelIndex& child) const override;
  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  // A top-level row: a run (entry >= 0), a group (group >= 0) or a search (search >= 0).
  struct TopRow
  {
    int entry = -1;
    int group = -1;
    int search = -1;
  };
  /// The entries under a top-level row (nullptr for a run row).
  const std::vector<int>* children(const TopRow& row) const;
  QVariant display(const RunEntry& e, int column) const;
  QVariant sortKey(const RunEntry& e, int column) const;
  QVariant groupDisplay(const RunGroupRow& g, int column) const;
  QVariant groupSortKey(const RunGroupRow& g, int column) const;
  QString groupTooltip(const RunGroupRow& g, int column) const;
  QString groupStatus(const RunGroupRow& g) const;
  double membersSeconds(const std::vector<int>& members) const;  // their training time
  QVariant searchDisplay(const RunSearchRow& s, int column) const;
  QVariant searchSortKey(const RunSearchRow& s, int column) const;
  QString searchTooltip(const RunSearchRow& s, int column) const;

  RunList runs_;
  std::vector<QString> primary_;  // primary metric name per run (parsed once)
  std::vector<TopRow> top_;
  std::vector<RunGroupRow> groups_;
  std::vector<RunSearchRow> searches_;
  qint64 activeRun_ = 0;
};

}  // namespace m6
