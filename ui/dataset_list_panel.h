// DatasetListPanel: the workspace's datasets (name, source format, users, items, interactions,
// import date) with a context menu: show import report, rename (F2), delete (Del, after a
// confirmation naming the dataset and its size). Rename and delete run on the session's
// DatasetWorker; the list refreshes from the session's datasetsChanged signal. While this window
// trains on a dataset (setTrainingDataset), deleting that dataset is not offered: the Delete
// action (menu, context menu, Del) is disabled and its tooltip says why.
//
// Thread affinity: GUI thread.
#pragma once

#include <QAbstractTableModel>
#include <QWidget>

#include "app/bridge/bridge_types.h"

class QAction;
class QTableView;
class QLabel;

namespace m6
{

class WorkspaceSession;

class DatasetListModel : public QAbstractTableModel
{
  Q_OBJECT
 public:
  using QAbstractTableModel::QAbstractTableModel;

  void setDatasets(const DatasetList& list);
  const DatasetList& datasets() const { return list_; }
  int rowOf(const QString& name) const;

  int rowCount(const QModelIndex& parent = QModelIndex()) const override;
  int columnCount(const QModelIndex& parent = QModelIndex()) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  DatasetList list_;
};

class DatasetListPanel : public QWidget
{
  Q_OBJECT
 public:
  explicit DatasetListPanel(WorkspaceSession* session, QWidget* parent = nullptr);

  DatasetListModel* model() const { return model_; }
  QTableView* view() const { return view_; }
  /// The selected dataset, or nullptr.
  const DatasetInfo* current() const;
  void select(const QString& name);
  /// Empties the list (another workspace is opening).
  void clear();

  /// The actions of the context menu, for the main window's menus and shortcuts.
  void renameCurrent();
  void deleteCurrent();
  void showReportOfCurrent();

  /// Delete… (Del): for the window's Dataset menu too. Disabled while nothing is selected or the
  /// selected dataset is being trained on.
  QAction* deleteAction() const { return delete_; }
  /// The dataset this window trains on now (0: none).
  void setTrainingDataset(qint64 datasetId);

 Q_SIGNALS:
  /// The selection changed (info.id 0: nothing selected).
  void datasetSelected(m6::DatasetInfo info);
  void statusMessage(QString message);

 private:
  void onDatasets(const DatasetList& list);
  void showMenu(const QPoint& pos);
  void emitSelection(const DatasetInfo& info);
  void updateActions();

  WorkspaceSession* session_;
  DatasetListModel* model_ = nullptr;
  QTableView* view_ = nullptr;
  QLabel* empty_ = nullptr;
  DatasetInfo selected_;
  QString pendingSelect_;
  quint64 reportToken_ = 0;
  QAction* delete_ = nullptr;
  qint64 trainingDataset_ = 0;
};

}  // namespace m6
