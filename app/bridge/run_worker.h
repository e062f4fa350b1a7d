// RunWorker: the run records of a workspace for the GUI: the run list (with whether each run is
// being trained right now, by any process: RunStore::isActive), a run's curves (every step
// and epoch: thousands of rows, so never on the GUI thread), the paired significance test between
// two runs (app/runner/run_significance.h: per-user rows, 10,000 bootstrap resamples), rename,
// note, delete (with the
// checkpoint folder), and the workspace settings that hold the user's configuration presets.
//
// Contract: every slot takes a token and answers with exactly one signal carrying it: its result
// signal or failed(token, message). rename(), setNote() and remove() answer changed() and then
// emit listed(0, ...) with the new list, so every view refreshes from one place.
//
// Thread affinity: lives on a worker QThread (see WorkerThread) and opens its own Workspace on
// first use. cancel() (any thread) interrupts the statement running now, or a wait for another
// process's write.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>

#include "app/bridge/train_types.h"
#include "storage/workspace.h"

namespace m6
{

class RunWorker : public QObject
{
  Q_OBJECT
 public:
  explicit RunWorker(QString workspacePath);
  ~RunWorker() override;

  void cancel();

 public Q_SLOTS:
  void list(quint64 token);
  void loadCurves(quint64 token, QList<qint64> runIds);
  /// Answers significanceReady, or failed() with the reason the runs (or groups) do not compare.
  void significance(quint64 token, m6::SignificanceSide a, m6::SignificanceSide b, QString metric);
  void rename(quint64 token, qint64 runId, QString name);
  void setNote(quint64 token, qint64 runId, QString note);
  void remove(quint64 token, qint64 runId);
  /// Deletes a run group's record once its runs are deleted (runs still in it are kept).
  void removeGroup(quint64 token, qint64 groupId);
  /// A search's state and trials (app/runner/search_runner.h: describeSearch): searchReady.
  void describeSearch(quint64 token, qint64 searchId);
  /// Deletes a search's record (its trials' runs stay; delete them first to remove them).
  void removeSearch(quint64 token, qint64 searchId);
  /// The run queue: queueListed(token, jobs). The changes answer queueListed(token, ...) with the
  /// new queue; takeQueued() answers queueTaken(token, job) (id 0: the queue was empty) and then
  /// queueListed(0, ...).
  void listQueue(quint64 token);
  void enqueue(quint64 token, m6::QueuedJob job, bool first);
  void moveQueued(quint64 token, qint64 jobId, int index);
  void removeQueued(quint64 token, qint64 jobId);
  void takeQueued(quint64 token);
  void readSetting(quint64 token, QString key);
  void writeSetting(quint64 token, QString key, QString value);

 Q_SIGNALS:
  void listed(quint64 token, m6::RunList runs);
  void curvesReady(quint64 token, m6::CurveSet curves);
  void significanceReady(quint64 token, m6::RunSignificance result);
  void searchReady(quint64 token, m6::SearchResult result);
  void queueListed(quint64 token, m6::QueueList jobs);
  void queueTaken(quint64 token, m6::QueuedJob job);
  void changed(quint64 token, qint64 runId);
  void settingRead(quint64 token, QString key, QString value);
  void settingWritten(quint64 token, QString key);
  void failed(quint64 token, QString message);
  /// An edit has waited a second for another process's write; `message` names the holder. The
  /// edit goes on when the other write ends (up to a minute, then failed() names the holder).
  void waiting(QString message);

 private:
  Workspace& ws();
  void emitList(quint64 token);

  QString path_;
  std::mutex wsMutex_;  // guards ws_ (the pointer) against cancel() from another thread
  std::atomic<bool> closing_{false};  // set by cancel(): the owner is going, stop any wait
  std::unique_ptr<Workspace> ws_;
};

}  // namespace m6
