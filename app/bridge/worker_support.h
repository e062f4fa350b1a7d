// Small pieces every bridge worker needs: the guard around each job, its own workspace
// connection, opened on first use on the worker's thread, "only requests from this token on"
// floors raised from any thread, storage progress thinned out for the GUI, and the frame of the
// jobs that write a dataset.
//
// Thread affinity: guardedJob, openWorkspaceOnce, ProgressThrottle and runWritingJob on the
// worker's thread;
// raiseFloor on any thread.
#pragma once

#include <QElapsedTimer>
#include <QString>
#include <QtGlobal>
#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "app/bridge/bridge_types.h"
#include "storage/workspace.h"

namespace m6
{

/// Runs a worker's job: any std::exception it throws (c10::Error is one) becomes the worker's
/// failed(token, message) signal instead of escaping on the worker thread, where it would end the
/// program. A job that finishes early returns from the lambda.
template <class Worker, class Job>
void guardedJob(Worker* worker, quint64 token, Job&& job)
{
  try
  {
    std::forward<Job>(job)();
  }
  catch (const std::exception& e)
  {
    Q_EMIT worker->failed(token, QString::fromUtf8(e.what()));
  }
}

/// The workspace in `ws`, opening the file at `path` (never creating it) the first time.
/// Throws std::runtime_error with the storage error when it cannot be opened.
Workspace& openWorkspaceOnce(std::unique_ptr<Workspace>& ws, const QString& path);

/// How long a writing job (import, prepare) waits for another process's write to end: as long as
/// the CLI waits (an import or a training run in another process can hold the workspace for
/// minutes), and a cancel stops the wait at once.
constexpr int kWriterWaitMs = 10 * 60 * 1000;

/// Makes `ws` wait up to kWriterWaitMs for another writer, give up when `cancel` becomes true,
/// and, once a wait has lasted a second, report it through `say` as a progress phase that names
/// the holder ("Waiting for the workspace: process 1234 (m6-cli train ...) is writing to it ...").
/// On the worker's thread, before the job's first write.
void waitForOtherWriters(Workspace& ws, const std::atomic<bool>& cancel,
                         std::function<void(const WorkProgress&)> say);

/// How long a short edit (renaming, notes, deleting, the run queue) waits for another process's
/// write before it fails with a message naming the holder: a minute; the edit is quick, and the
/// worker serves nothing else while it waits.
constexpr int kEditWaitMs = 60 * 1000;

/// Workspace::open for the workers that list and edit (datasets, runs): `say` hears, before the
/// wait, that opening first upgrades an older workspace's schema (their `waiting` signal).
Result<std::unique_ptr<Workspace>> openSayingUpgrades(const QString& path, bool create,
                                                      const std::function<void(QString)>& say);

/// Makes `ws` wait up to kEditWaitMs for another writer, give up when `closing` becomes true (the
/// worker's owner is going), and, once a wait has lasted a second, tell `say` who holds it
/// ("Waiting for the workspace: process 1234 (m6-cli import ...) is writing to it ..."). On the
/// worker's thread, right after opening.
void waitForOtherWritersBriefly(Workspace& ws, const std::atomic<bool>& closing,
                                std::function<void(const QString&)> say);

/// Raises `floor` to `token` if it is lower (never lowers it). Thread-safe.
void raiseFloor(std::atomic<quint64>& floor, quint64 token);

/// Storage reports progress every few thousand rows; the GUI needs a few updates a second. Passes
/// a report on at every phase change and otherwise at most every 100 ms, as WorkProgress with the
/// seconds since the throttle was made.
class ProgressThrottle
{
 public:
  explicit ProgressThrottle(std::function<void(const WorkProgress&)> emit);
  void operator()(const StorageProgress& p);

 private:
  std::function<void(const WorkProgress&)> emit_;
  QElapsedTimer clock_;
  qint64 lastEmit_ = -1000;
  std::string lastPhase_;
};

/// The frame of a job that writes a dataset (import, demo, prepare), inside guardedJob: opens the
/// workspace at `path` on the worker's thread (`create`: a missing file is made), waits for
/// another process's write, runs `write(workspace, throttle)` -> Result<ImportOutcome> and
/// answers with exactly one of the worker's finished(token, ImportResult) (cancelled when
/// `cancel` is set or the write says it was cancelled) or failed(token, message). Progress goes
/// out as the worker's progress(token, WorkProgress).
template <class Worker, class Write>
void runWritingJob(Worker* worker, quint64 token, const QString& path, bool create,
                   std::atomic<bool>& cancel, Write&& write)
{
  guardedJob(worker, token,
             [&]
             {
               auto report = [&](const WorkProgress& p) { Q_EMIT worker->progress(token, p); };
               auto ws = Workspace::open(path.toStdString(), create);
               if (!ws)
               {
                 Q_EMIT worker->failed(token, QString::fromStdString(ws.error()));
                 return;
               }
               waitForOtherWriters(**ws, cancel, report);
               ProgressThrottle throttle(report);
               Result<ImportOutcome> outcome = write(**ws, throttle);
               ImportResult result;
               if (!outcome && !isCancelled(outcome) && !cancel.load())
               {
                 Q_EMIT worker->failed(token, QString::fromStdString(outcome.error()));
                 return;
               }
               result.cancelled = !outcome;
               if (outcome)
               {
                 result.outcome = std::move(*outcome);
               }
               Q_EMIT worker->finished(token, result);
             });
}

}  // namespace m6
