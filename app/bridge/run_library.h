// RunLibrary: the GUI's handle on a workspace's run records: the current run list (refreshed
// from the RunWorker), rename / note / delete, a set of runs' curves, and workspace settings
// (user presets). Owns the RunWorker's thread.
//
// Contract: request methods return the token their reply carries. Every list that arrives
// (after refresh() or after a change) replaces runs() and is announced by runsChanged().
// Failures come back as requestFailed(token, message).
//
// Thread affinity: GUI thread only.
#pragma once

#include <QList>
#include <QObject>
#include <memory>

#include "app/bridge/run_worker.h"
#include "app/bridge/train_types.h"
#include "app/bridge/worker_thread.h"

namespace m6
{

class RunLibrary : public QObject
{
  Q_OBJECT
 public:
  explicit RunLibrary(const QString& workspacePath, QObject* parent = nullptr);
  ~RunLibrary() override;

  const RunList& runs() const { return runs_; }
  /// The entry of a run in the current list, or nullptr.
  const RunEntry* find(qint64 runId) const;
  /// Whether at least one list has arrived.
  bool loaded() const { return loaded_; }

  quint64 refresh();
  quint64 rename(qint64 runId, const QString& name);
  quint64 setNote(qint64 runId, const QString& note);
  quint64 remove(qint64 runId);
  /// Deletes a run group's record when none of its runs is left (ask after removing them).
  quint64 removeGroup(qint64 groupId);
  quint64 loadCurves(const QList<qint64>& runIds);
  /// Is run A better than run B on `metric` ("" = the default of run A)? Answers
  /// significanceReady or requestFailed (the reason they do not compare).
  quint64 significance(qint64 runA, qint64 runB, const QString& metric);
  /// The same between runs or run groups (a group's users valued by the mean over its members).
  quint64 significance(const SignificanceSide& a, const SignificanceSide& b, const QString& metric);
  /// A search's state and its trials: searchReady, or requestFailed.
  quint64 describeSearch(qint64 searchId);
  /// Deletes a search's record once its runs are deleted (ask after removing them).
  quint64 removeSearch(qint64 searchId);
  /// The run queue (RunQueue drives it): each answers queueListed with the new queue.
  quint64 listQueue();
  /// `first`: ahead of every other job (a job taken too early goes back).
  quint64 enqueue(const QueuedJob& job, bool first = false);
  quint64 moveQueued(qint64 jobId, int index);
  quint64 removeQueued(qint64 jobId);
  /// Removes the first job and answers queueTaken (id 0: none), then queueListed.
  quint64 takeQueued();
  quint64 readSetting(const QString& key);
  quint64 writeSetting(const QString& key, const QString& value);

 Q_SIGNALS:
  void runsChanged(m6::RunList runs);
  void changed(quint64 token, qint64 runId);
  void curvesReady(quint64 token, m6::CurveSet curves);
  void significanceReady(quint64 token, m6::RunSignificance result);
  void searchReady(quint64 token, m6::SearchResult result);
  void queueListed(quint64 token, m6::QueueList jobs);
  void queueTaken(quint64 token, m6::QueuedJob job);
  void settingRead(quint64 token, QString key, QString value);
  void settingWritten(quint64 token, QString key);
  void requestFailed(quint64 token, QString message);
  /// An edit waits for another process's write (RunWorker::waiting).
  void waiting(QString message);

 private:
  template <typename F>
  quint64 send(F&& f);

  std::unique_ptr<WorkerThread<RunWorker>> thread_;
  RunList runs_;
  bool loaded_ = false;
  quint64 lastToken_ = 0;
};

}  // namespace m6
