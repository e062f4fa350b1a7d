// BrowseWorker: answers page and count requests of the browser tables with its own Workspace
// connection (storage/browse.h), so the GUI thread never runs SQL over more than a page.
//
// Generations: a requester (one table model) numbers its query states (dataset, table, filter,
// sort) with increasing generations and calls supersede(g) whenever it moves to generation g.
// Requests of older generations still queued are then skipped without touching SQL, and a
// statement of an older generation running right now (a long filtered count over 10 million
// rows, a deep OFFSET page) is interrupted with sqlite3_interrupt via Workspace::interrupt.
// Replies echo token and generation; the requester still drops replies it no longer wants.
//
// Contract: each request not skipped gets exactly one reply: pageReady/countReady or failed.
// A request interrupted because it became stale gets no reply.
//
// Thread affinity: lives on a worker QThread (see WorkerThread). fetchPage() and count() run
// there; supersede() and cancel() are thread-safe plain methods.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>

#include "app/bridge/bridge_types.h"

namespace m6
{

class BrowseWorker : public QObject
{
  Q_OBJECT
 public:
  explicit BrowseWorker(QString workspacePath);
  ~BrowseWorker() override;

  /// Drops every request of a generation below `generation`. Thread-safe, never blocks.
  void supersede(quint64 generation);
  /// Drops everything: used when the owner goes away.
  void cancel();

  /// Requests skipped or interrupted as stale so far (for tests and diagnostics).
  int staleDropped() const { return staleDropped_.load(); }

 public Q_SLOTS:
  void fetchPage(const m6::BrowseRequest& request);
  void count(const m6::BrowseRequest& request);

 Q_SIGNALS:
  void pageReady(m6::BrowseRows page);
  void countReady(m6::BrowseCount count);
  /// The page of this request first builds the dataset's rating or time order (seconds to a
  /// minute at 25 million interactions, once per dataset and column); its page follows.
  void buildingSortOrder(quint64 token, quint64 generation);
  void failed(quint64 token, quint64 generation, QString message);

 private:
  bool stale(const BrowseRequest& r) const { return r.generation < minGeneration_.load(); }
  /// The query for the request's state, reused while dataset, table, filter and sort stay.
  BrowseQuery& query(const BrowseRequest& r);
  void runGuarded(const BrowseRequest& r, bool isCount);
  bool runOnce(const BrowseRequest& r, bool isCount, Error* error);

  QString path_;
  std::mutex wsMutex_;  // guards ws_ (the pointer) and running_ against supersede()
  std::unique_ptr<Workspace> ws_;
  quint64 running_ = 0;  // generation of the statement running now, 0 when idle
  std::atomic<quint64> minGeneration_{0};
  std::atomic<int> staleDropped_{0};
  std::unique_ptr<BrowseQuery> query_;
  BrowseRequest queryKey_;
};

}  // namespace m6
