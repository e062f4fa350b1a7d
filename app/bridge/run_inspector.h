// RunInspector: the GUI's handle on inspection: owns the InspectWorker's thread, sends
// it requests and re-emits its answers on the GUI thread, dropping stale ones.
//
// Stale replies: every request method returns a token. Per channel (user, attention, search,
// metrics, statistics, map) only the latest request's answer is emitted: an older one is
// dropped here (staleDropped()), and the worker skips a superseded request before it starts
// (staleSkipped()), so clicking through users never queues up model work. Showing a user also
// supersedes attention requests for the previous user. openRun()/openFile() supersede
// everything before them and interrupt a long job (statistics, per-user ranking, a dataset
// load) of the previous model.
//
// Thread affinity: GUI thread only.
#pragma once

#include <QObject>
#include <array>
#include <memory>

#include "app/bridge/inspect_types.h"
#include "app/bridge/inspect_worker.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class SnapshotStore;

class RunInspector : public QObject
{
  Q_OBJECT
 public:
  /// `snapshots`: the process's snapshot store (from the composition root), shared with the
  /// other facades' workers. `opener` makes a run's model source (empty: openRunSource).
  RunInspector(const QString& workspacePath, std::shared_ptr<SnapshotStore> snapshots,
               RunSourceOpener opener = {}, QObject* parent = nullptr);
  ~RunInspector() override;

  /// Loads a run's model (or baseline) for inspection; opened() or openFailed() follows.
  quint64 openRun(qint64 runId);
  /// Loads an exported model file (.m6model) for inspection.
  quint64 openFile(const QString& path);
  quint64 showUser(const UserRequest& request);
  quint64 explain(const AttentionRequest& request);
  quint64 findUsers(const QString& text, int limit = 500);
  quint64 loadUserMetrics();
  quint64 loadAttentionStats(int maxUsers = 2000);
  quint64 loadEmbeddingMap(bool items, int maxPoints = 4000);

  /// A model is loaded (the last open succeeded).
  bool isOpen() const { return open_; }
  /// An open request is in flight.
  bool opening() const { return latest_[0] != 0; }
  /// What is loaded (valid while isOpen()).
  const InspectSourceInfo& source() const { return info_; }

  /// The worker's per-user metrics slicing (InspectWorker::setMetricsSlicing). Tests.
  void setMetricsSlicing(int64_t pageRows, qint64 sliceMs);

  int staleDropped() const { return staleDropped_; }
  int staleSkipped() const { return thread_->worker()->skipped(); }

 Q_SIGNALS:
  void phaseChanged(QString text);
  void opened(m6::InspectSourceInfo info);
  void openFailed(QString message);
  void userReady(quint64 token, m6::UserView view);
  void attentionReady(quint64 token, m6::AttentionPair pair);
  void usersFound(quint64 token, m6::UserMatches matches);
  void userMetricsReady(quint64 token, m6::UserMetricsTable table);
  void attentionStatsReady(quint64 token, m6::AttentionStatsView stats);
  void embeddingMapReady(quint64 token, m6::EmbeddingMap map);
  void requestFailed(quint64 token, m6::InspectChannel channel, QString message);

 private:
  /// A new token on `channel`, superseding older requests there (worker and here).
  quint64 next(InspectChannel channel);
  bool current(InspectChannel channel, quint64 token);
  template <typename F>
  quint64 send(InspectChannel channel, F&& f);
  /// Re-emits the worker's answer `from` as `to` when it answers the latest request on `channel`.
  template <typename Value>
  void relay(InspectWorker* worker, void (InspectWorker::*from)(quint64, Value),
             void (RunInspector::*to)(quint64, Value), InspectChannel channel);

  std::unique_ptr<WorkerThread<InspectWorker>> thread_;
  std::array<quint64, 7> latest_{};  // per channel: the request whose answer is awaited (0: none)
  quint64 lastToken_ = 0;
  quint64 openedAt_ = 0;  // token of the open that loaded the current model
  bool open_ = false;
  InspectSourceInfo info_;
  int staleDropped_ = 0;
};

}  // namespace m6
