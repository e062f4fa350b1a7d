// DatasetView: the centre of the window for the selected dataset: pages Users, Items,
// Interactions and Statistics in a tab bar. Later issues add Train, Runs and Inspect pages with
// addPage(); pages that depend on the dataset implement DatasetPage-like setDataset calls via
// the datasetChanged signal.
//
// Bound to one workspace file (its browse workers open that file); the main window makes a new
// view when another workspace is opened.
//
// Thread affinity: GUI thread.
#pragma once

#include <QTabWidget>

#include "app/bridge/bridge_types.h"

namespace m6
{

class BrowsePage;
class StatsPage;
class WorkspaceServices;
class WorkspaceSession;

class DatasetView : public QTabWidget
{
  Q_OBJECT
 public:
  enum PageIndex
  {
    UsersPage,
    ItemsPage,
    InteractionsPage,
    StatisticsPage
  };

  /// `session`: the process's dataset session; `services`: the open workspace's services.
  DatasetView(WorkspaceSession* session, WorkspaceServices* services, QWidget* parent = nullptr);

  const DatasetInfo& dataset() const { return dataset_; }
  void setDataset(const DatasetInfo& info);
  /// Adds a page for later features (training, runs, inspection). Returns its index.
  int addPage(QWidget* page, const QString& title, const QString& tooltip);

  BrowsePage* browsePage(BrowseTable table) const;
  StatsPage* statsPage() const { return stats_; }

  /// The current page's filter box gets the focus (Ctrl+F).
  void focusFilter();
  /// Reloads the current page (F5).
  void refresh();

 Q_SIGNALS:
  void datasetChanged(m6::DatasetInfo info);
  void statusMessage(QString message);

 private:
  WorkspaceSession* session_;
  DatasetInfo dataset_;
  BrowsePage* users_ = nullptr;
  BrowsePage* items_ = nullptr;
  BrowsePage* interactions_ = nullptr;
  StatsPage* stats_ = nullptr;
};

}  // namespace m6
