// WorkerThread<W>: one QThread and the worker object that lives on it (the worker-object pattern).
//
// The worker is created here, moved to the thread and deleted on that thread when the thread
// finishes (QThread::finished -> deleteLater). The destructor cancels the worker (W::cancel(), a
// plain thread-safe method), then quits the thread's event loop and waits for it: after a
// cancel every worker returns within a batch of rows, so this wait is short.
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
    worker_->moveToThread(&thread_);
    QObject::connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();
  }

  ~WorkerThread()
  {
    worker_->cancel();
    thread_.quit();
    thread_.wait();
  }

  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  /// The worker, for connecting its signals and calling its thread-safe plain methods.
  W* worker() const { return worker_; }

  /// Runs `f` (a lambda calling one worker slot) on the worker's thread, queued behind earlier
  /// calls. Never blocks.
  template <typename F>
  void invoke(F&& f) const
  {
    QMetaObject::invokeMethod(worker_, std::forward<F>(f), Qt::QueuedConnection);
  }

 private:
  QThread thread_;
  W* worker_;
};

}  // namespace m6
