// BrowsePage: one browser table page (Users, Items or Interactions): the filter bar, a chip
// naming the active user/item filter with a clear button, the table and a status line.
//
// Double-click (or the context menu) on a user or item row emits userActivated/itemActivated;
// the dataset view then shows that entity's interactions on the Interactions page.
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>

#include "app/bridge/browse_worker.h"
#include "app/bridge/worker_thread.h"
#include "storage/browse.h"

class QLabel;
class QTableView;
class QToolButton;
class QFrame;

namespace m6
{

class BrowseTableModel;
class FilterBar;

class BrowsePage : public QWidget
{
  Q_OBJECT
 public:
  /// `worker`: the table's own browse worker (WorkspaceServices::newBrowseWorker()).
  BrowsePage(std::unique_ptr<WorkerThread<BrowseWorker>> worker, BrowseTable table,
             QWidget* parent = nullptr);

  BrowseTable table() const { return table_; }
  BrowseTableModel* model() const { return model_; }
  QTableView* view() const { return view_; }
  FilterBar* filterBar() const { return filterBar_; }
  /// The chip's text ("" when no user/item filter is active).
  QString entityFilterLabel() const;

  void setDataset(qint64 datasetId);
  /// Interactions page: shows only the interactions of one user or item (index in the dataset).
  void setUserFilter(qint64 userIdx, const QString& userId);
  void setItemFilter(qint64 itemIdx, const QString& itemId);
  void clearEntityFilter();
  void focusFilter();
  void refresh();

 Q_SIGNALS:
  void userActivated(qint64 userIdx, QString userId);
  void itemActivated(qint64 itemIdx, QString itemId);
  void statusMessage(QString message);

 private:
  void applyFilter();
  void activateRow(int row);
  void showContextMenu(const QPoint& pos);
  void updateStatus();
  void keepSortIndicator();

  BrowseTable table_;
  BrowseTableModel* model_ = nullptr;
  FilterBar* filterBar_ = nullptr;
  QTableView* view_ = nullptr;
  QFrame* chip_ = nullptr;
  QLabel* chipLabel_ = nullptr;
  QLabel* status_ = nullptr;
  std::optional<int64_t> userIdx_;
  std::optional<int64_t> itemIdx_;
  bool columnsSized_ = false;
};

}  // namespace m6
