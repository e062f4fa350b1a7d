// InspectPage: what a trained model does (issues 5 and 6), for a run of the workspace (a model run
// or a baseline) or an exported model file. A bar picks the run (or "Open model file…") and says
// what is loaded, or why it could not be (a missing checkpoint, a bad file: the engine's message,
// in the page). Four tabs: User (UserInspectView: profile, timeline, top K, attention), Per-user
// metrics (UserMetricsView), Attention across users (AttentionStatsPanel) and Embedding map
// (EmbeddingMapView). The per-user metrics load with the model (they feed the missed-users list);
// the statistics and the map are computed the first time their tab is shown.
//
// All model work happens on the RunInspector's worker thread; this page only sends requests and
// shows answers (stale ones are dropped by the inspector).
//
// Thread affinity: GUI thread.
#pragma once

#include <QWidget>
#include <memory>

#include "app/bridge/inspect_types.h"
#include "app/bridge/train_types.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;

namespace m6
{

class AttentionStatsPanel;
class EmbeddingMapView;
class RunInspector;
class RunLibrary;
class UserInspectView;
class UserMetricsView;

class InspectPage : public QWidget
{
  Q_OBJECT
 public:
  enum Tab
  {
    UserTab,
    MetricsTab,
    StatsTab,
    MapTab
  };

  /// `inspector` (its worker) and `library` (the run list) belong to the workspace's services.
  InspectPage(RunInspector* inspector, RunLibrary* library, QWidget* parent = nullptr);
  ~InspectPage() override;

  /// Loads a run for inspection (the run selector follows).
  void inspectRun(qint64 runId);
  /// Loads an exported .m6model file for inspection (no retraining).
  void openModelFile(const QString& path);
  /// Asks for a .m6model file, then opens it.
  void chooseModelFile();

  RunInspector* inspector() const { return inspector_; }
  UserInspectView* userView() const { return user_; }
  UserMetricsView* metricsView() const { return metrics_; }
  AttentionStatsPanel* statsPanel() const { return stats_; }
  EmbeddingMapView* mapView() const { return map_; }
  QTabWidget* tabs() const { return tabs_; }
  QComboBox* runBox() const { return runs_; }
  /// The line under the bar: what is loaded, the phase of a load, or why it failed.
  QString statusText() const;
  /// The open failed: the status line holds the error.
  bool failed() const { return failed_; }

 Q_SIGNALS:
  void statusMessage(QString message);
  /// Open an item's interactions (Interactions page filtered on it).
  void itemInteractionsRequested(qint32 item, QString itemId);

 private:
  void onRuns(const RunList& runs);
  void onOpened(const InspectSourceInfo& info);
  void onOpenFailed(const QString& message);
  void onRequestFailed(quint64 token, InspectChannel channel, const QString& message);
  void onTab(int index);
  void setStatus(const QString& text, bool error);
  void resetTabs(const QString& message);

  RunLibrary* library_;
  RunInspector* inspector_;
  QComboBox* runs_ = nullptr;
  QPushButton* openFile_ = nullptr;
  QLabel* status_ = nullptr;
  QTabWidget* tabs_ = nullptr;
  UserInspectView* user_ = nullptr;
  UserMetricsView* metrics_ = nullptr;
  AttentionStatsPanel* stats_ = nullptr;
  EmbeddingMapView* map_ = nullptr;
  qint64 pendingRun_ = 0;  // the run being opened (the combo follows it)
  bool statsAsked_ = false;
  bool mapAsked_ = false;
  bool failed_ = false;
  bool mapItems_ = true;
};

}  // namespace m6
