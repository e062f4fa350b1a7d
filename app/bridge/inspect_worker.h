// InspectWorker: the inspection pages' model work, on its own thread. It opens a run
// (its dataset snapshot, then the run's Predictor, or a baseline's BaselinePredictor) or a model
// file, keeps it loaded, and answers the pages: a user's profile + top K + attention, attention
// for another item or a comparison, user search, the run's per-user test metrics, attention
// across users and the embedding map.
//
// The model, the snapshot and the workspace live on this thread only; the GUI never touches
// them. Answers are value types (inspect_types.h).
//
// Contract: every slot takes a token and answers with exactly one signal carrying it (its result
// or failed(token, channel, message)), except requests superseded before they start: a request
// whose token is below the one given to supersede() for its channel is skipped without an
// answer (the user has clicked on); the per-user metrics, gathered in slices with other
// requests served in between, are dropped the same way when superseded before they finish. Requests
// before an open() apply to the previous model; after a failed open there is no model and they fail
// with "no run is open". Every slot catches std::exception into failed().
//
// Thread affinity: lives on a worker QThread (see WorkerThread). supersede(), interrupt() and
// cancel() are thread-safe plain methods.
#pragma once

#include <QObject>
#include <QString>
#include <array>
#include <atomic>
#include <functional>
#include <memory>

#include "app/bridge/dataset_cache.h"
#include "app/bridge/inspect_types.h"

namespace m6
{

class InspectSource;  // app/bridge/inspect_source.h (the engine side, kept out of ui/)
class UserMetricsJob;
struct RunSourceRequest;

/// Makes the InspectSource of a run (inspect_source.h); empty = openRunSource.
using RunSourceOpener = std::function<std::unique_ptr<InspectSource>(const RunSourceRequest&)>;

class InspectWorker : public QObject
{
  Q_OBJECT
 public:
  InspectWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots,
                RunSourceOpener opener = {});
  ~InspectWorker() override;

  /// Requests on `channel` with a token below `token` are skipped. Thread-safe.
  void supersede(InspectChannel channel, quint64 token);
  /// Stops a dataset load, per-user ranking or attention statistics in progress, so a request
  /// with token >= `token` runs soon. Thread-safe.
  void interrupt(quint64 token);
  /// Stops whatever runs, for good (the thread is ending). Thread-safe.
  void cancel();
  /// Requests skipped as superseded so far (tests, diagnostics).
  int skipped() const { return skipped_.load(); }
  /// The per-user metrics' slices: pages of `pageRows` recorded rows, slices of about `sliceMs`
  /// (0: one page, or one computed user, per slice). Tests; on the worker thread
  /// (RunInspector::setMetricsSlicing queues the call).
  void setMetricsSlicing(int64_t pageRows, qint64 sliceMs);

 public Q_SLOTS:
  void openRun(quint64 token, qint64 runId);
  void openFile(quint64 token, QString path);
  void showUser(quint64 token, m6::UserRequest request);
  void explain(quint64 token, m6::AttentionRequest request);
  void findUsers(quint64 token, QString text, int limit);
  void userMetrics(quint64 token);
  void attentionStats(quint64 token, int maxUsers);
  void embeddingMap(quint64 token, bool items, int maxPoints);

 Q_SIGNALS:
  void phase(quint64 token, QString text);
  void opened(quint64 token, m6::InspectSourceInfo info);
  void userReady(quint64 token, m6::UserView view);
  void attentionReady(quint64 token, m6::AttentionPair pair);
  void usersFound(quint64 token, m6::UserMatches matches);
  void userMetricsReady(quint64 token, m6::UserMetricsTable table);
  void attentionStatsReady(quint64 token, m6::AttentionStatsView stats);
  void embeddingMapReady(quint64 token, m6::EmbeddingMap map);
  void failed(quint64 token, m6::InspectChannel channel, QString message);

 private:
  Workspace& workspace();
  bool stale(InspectChannel channel, quint64 token);
  void begin(quint64 token);
  /// Throws when nothing is open.
  InspectSource& source();
  template <typename F>
  void guarded(quint64 token, InspectChannel channel, F&& f);
  int32_t resolveUser(qint32 index, const QString& id) const;
  AttentionMap explainOne(int32_t user, int32_t item, const ContextOverride& context);
  void describeSource(InspectSourceInfo& info, const RunConfig& config);
  /// One slice of the per-user metrics job `token` (about metricsSliceMs_ of work, 20 ms unless
  /// set), then either the answer or the next slice queued behind whatever was asked meanwhile.
  void continueUserMetrics(quint64 token);

  QString path_;
  std::unique_ptr<Workspace> ws_;
  DatasetCache cache_;
  RunSourceOpener opener_;
  std::unique_ptr<InspectSource> source_;
  InspectCatalog catalog_;
  InspectSourceInfo info_;
  Task task_ = Task::Ranking;
  std::string testProtocol_;                    // the run's recorded test protocol
  std::unique_ptr<Embeddings> itemEmbeddings_;  // computed on the first items map request
  std::unique_ptr<Embeddings> userEmbeddings_;  // the users map's (of a sample when large)
  int userSampleCap_ = 0;                       // the maxPoints userEmbeddings_ was made for
  std::unique_ptr<UserMetricsJob> metricsJob_;  // the per-user metrics being gathered
  int64_t metricsPageRows_;
  qint64 metricsSliceMs_;
  std::array<std::atomic<quint64>, 7> minToken_{};
  std::atomic<quint64> interruptBefore_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> cancelled_{false};
  std::atomic<int> skipped_{0};
};

}  // namespace m6
