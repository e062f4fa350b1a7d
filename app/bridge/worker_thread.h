// WorkerThread<W>: one QThread and the worker object that lives on it (the worker-object pattern).
//
// The worker is created here (so its signals can be connected at once), but the thread starts
// only with the first invoke(): a facade whose worker is never asked for anything (an export, the
// adaptation preview, the Inspect page in a session that never inspects) costs no thread and, as
// every worker opens its SQLite connection on its first job, no connection. On start the worker
// is moved to the thread and deleted on it when the thread finishes (QThread::finished ->
// deleteLater). The destructor cancels the worker (W::cancel(), a plain thread-safe method), then
// quits the thread's event loop and waits for it: after a cancel every worker returns within a
// batch of rows, so this wait is short. A worker that never started is deleted on the owner's
// thread, where it has always lived.
//
// Thread affinity: construct, use and destroy on the owner's thread (the GUI thread). Talk to the
// worker only through queued calls (invoke()) and its signals.
#pragma once

#include <QMetaObject>
#include <QString>
#include <QThread>
#include <utility>

namespace m6
{

template <typename W>
class WorkerThread
{
 public:
  template <typename... Args>
  explicit WorkerThread(const QString& name, Args&&... args)
      : worker_(new W(std::forward<Args>(args)...))
  {
    thread_.setObjectName(name);
  }

  ~WorkerThread()
  {
    worker_->cancel();
    if (!started_)
    {
      delete worker_;
      return;
    }
    thread_.quit();
    thread_.wait();
  }

  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  /// The worker, for connecting its signals and calling its thread-safe plain methods.
  W* worker() const { return worker_; }

  /// Runs `f` (a lambda calling one worker slot) on the worker's thread, queued behind earlier
  /// calls; the first call starts the thread. Never blocks.
  template <typename F>
  void invoke(F&& f)
  {
    start();
    QMetaObject::invokeMethod(worker_, std::forward<F>(f), Qt::QueuedConnection);
  }

  /// Whether the thread has been started (by a first invoke()).
  bool started() const { return started_; }

 private:
  void start()
  {
    if (started_)
    {
      return;
    }
    started_ = true;
    worker_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
  }

  QThread thread_;
  W* worker_;
  bool started_ = false;
};

}  // namespace m6
