// RunsPage: every run of the workspace in a sortable table (RunTableModel behind a
// QSortFilterProxyModel; a run group is one row with its metrics' mean ± sd and 95% interval,
// expandable to its member runs), with rename (F2), note, delete (Del; with the checkpoint folder,
// after a confirmation), resume of a stopped or interrupted run, "use this config", the baselines
// (most popular, BPR-MF, ItemKNN, EASE^R), an export of the selected runs' curves as one CSV, and
// "Significance…" for two selected runs (SignificanceDialog: a paired test over users).
// Selecting runs loads their stored curves off the GUI thread and shows them side by side
// (RunCompareView); one selected run shows its lineage (parent, children), adaptation report and
// cold-item figures beside the table (AdaptLineagePanel). Actions on a run (adapt, exports) come
// from outside through addRunActions(): a "Run" menu button and the table's context menu.
//
// A hyperparameter search is one row too (its trials under it, the best bold): Resume continues a
// stopped or interrupted search, "Use config" takes its best trial's configuration, Delete removes
// its trials and its record, and "Search results…" (or a double-click) opens its trial table and
// parallel coordinates (SearchResultsDialog).
//
// Starting work (resume, baselines, loading a config) is asked for through signals; ModelPages
// decides (one job at a time).
//
// Thread affinity: GUI thread.
#pragma once

#include <QList>
#include <QModelIndex>
#include <QWidget>

#include "app/bridge/bridge_types.h"
#include "app/bridge/train_types.h"

class QCheckBox;
class QHBoxLayout;
class QPushButton;
class QMenu;
class QSortFilterProxyModel;
class QTreeView;
class QTimer;
class QToolButton;

namespace m6
{

class AdaptLineagePanel;
class RunCompareView;
class RunLibrary;
class RunTableModel;
class SearchResultsDialog;
class SignificanceDialog;
class TrainingController;

class RunsPage : public QWidget
{
  Q_OBJECT
 public:
  RunsPage(RunLibrary* library, TrainingController* controller, QWidget* parent = nullptr);

  void setDataset(const DatasetInfo& info);

  RunTableModel* model() const { return model_; }
  QSortFilterProxyModel* proxy() const { return proxy_; }
  QTreeView* view() const { return view_; }
  RunCompareView* compare() const { return compare_; }
  QCheckBox* datasetOnly() const { return datasetOnly_; }
  QPushButton* searchResultsButton() const { return searchResults_; }
  /// The selected run's lineage, adaptation report and cold-item figures, beside the table.
  AdaptLineagePanel* lineage() const { return lineage_; }

  /// Adds actions on the selected run (Adapt…, Export…) to the "Run" menu button and to the
  /// table's context menu. The caller owns them and keeps them enabled or not.
  void addRunActions(const QList<QAction*>& actions);
  QMenu* runMenu() const { return runMenu_; }

  /// Selected run ids, in table order; a selected group row stands for its member runs.
  QList<qint64> selectedRuns() const;
  void selectRuns(const QList<qint64>& ids);
  /// Selects these runs (expanding their group or search rows), group rows and search rows.
  void select(const QList<qint64>& runIds, const QList<qint64>& groupIds,
              const QList<qint64>& searchIds = {});
  /// Selected search rows' search ids, in table order.
  QList<qint64> selectedSearches() const;
  void selectSearches(const QList<qint64>& searchIds);
  /// The search of the selection: one search row, or one trial run ("0": none).
  qint64 searchOfSelection() const;
  /// Opens the trial table and parallel coordinates of a search (deletes itself on close).
  SearchResultsDialog* openSearchResults(qint64 searchId);
  /// Selected group rows' group ids, in table order.
  QList<qint64> selectedGroups() const;
  void selectGroups(const QList<qint64>& groupIds);
  /// What the selection compares: each selected group row is one side, each selected run outside
  /// a selected group another.
  QList<SignificanceSide> selectedSides() const;
  /// Whether the curves of the current selection have arrived and are shown.
  bool curvesShown() const { return curvesToken_ == 0; }

  void renameSelected();
  void editNoteOfSelected();
  void deleteSelected();
  void resumeSelected();
  /// Opens the significance test of the two selected runs or groups (A: the first in table order);
  /// nullptr unless exactly two sides with test results are selected (selectedSides()). The
  /// dialog deletes itself on close.
  SignificanceDialog* compareSignificance();
  /// Writes curvesCsv() of the shown runs. False (and `error`) when it cannot.
  bool exportCurvesTo(const QString& path, QString* error = nullptr) const;
  /// Whether a run can be resumed (a stopped or interrupted model run with a last.pt).
  bool canResume(qint64 runId) const;
  /// Whether a run group can be continued (incomplete, none of its runs being trained).
  bool canResumeGroup(qint64 groupId) const;
  /// Whether a search can be continued (stopped or interrupted, none of its trials training).
  bool canResumeSearch(qint64 searchId) const;

 Q_SIGNALS:
  void resumeRequested(qint64 runId);
  /// "Resume" on an incomplete run group's row.
  void resumeGroupRequested(qint64 groupId);
  /// "Resume" on a stopped or interrupted search's row.
  void resumeSearchRequested(qint64 searchId);
  void loadConfigRequested(qint64 runId);
  /// "Inspect…" or a double-click on a run: open it on the Inspect page.
  void inspectRequested(qint64 runId);
  void baselinesRequested();
  void statusMessage(QString message);

 private:
  // The constructor's steps.
  QHBoxLayout* buildButtonBar();
  QWidget* buildTableAndCurves();
  void connectView();
  void connectButtons();
  void connectLibraryAndController();

  /// Selects a run the lineage panel names (showing every dataset when it is on another).
  void showLineageRun(qint64 id);
  /// "Use config": the selected run's, or a selected search's best trial's.
  void useConfigOfSelection();
  void inspectSelected();
  /// A group row expands, a search row opens its results, a run row is inspected.
  void onDoubleClicked(const QModelIndex& index);
  void onCurves(quint64 token, const CurveSet& curves);
  /// The selected rows (first column) in the table's display order.
  QModelIndexList selectedRowsInOrder() const;
  /// The non-zero values of `role` (a group or search id) over selectedRowsInOrder().
  QList<qint64> selectedIds(int role) const;
  void onRuns(const RunList& runs);
  void onSelection();
  void requestCurves();
  void updateActions();
  void exportWithDialog();
  void applyDatasetFilter();
  /// selectedSides() when every side has test results, else empty.
  QList<SignificanceSide> comparableSides() const;

  RunLibrary* library_;
  TrainingController* controller_;
  DatasetInfo dataset_;
  RunTableModel* model_ = nullptr;
  QSortFilterProxyModel* proxy_ = nullptr;
  QTreeView* view_ = nullptr;
  RunCompareView* compare_ = nullptr;
  QCheckBox* datasetOnly_ = nullptr;
  QPushButton* refresh_ = nullptr;
  QPushButton* rename_ = nullptr;
  QPushButton* note_ = nullptr;
  QPushButton* delete_ = nullptr;
  QPushButton* resume_ = nullptr;
  QPushButton* useConfig_ = nullptr;
  QPushButton* inspect_ = nullptr;
  QPushButton* baselines_ = nullptr;
  QPushButton* export_ = nullptr;
  QPushButton* significance_ = nullptr;
  QPushButton* searchResults_ = nullptr;
  AdaptLineagePanel* lineage_ = nullptr;
  QToolButton* more_ = nullptr;
  QMenu* runMenu_ = nullptr;
  QTimer* selectionTimer_ = nullptr;
  quint64 curvesToken_ = 0;  // the curves request in flight (0: the shown curves are current)
  QList<qint64> shownRuns_;
};

}  // namespace m6
