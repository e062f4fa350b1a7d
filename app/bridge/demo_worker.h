// DemoWorker: generates the built-in demo dataset (model/core/demo_data.h) and writes it to the
// workspace, on its own thread with its own Workspace connection.
//
// Contract: run() emits progress() while writing, then exactly one of finished() (completed:
// result.outcome.dataset describes the new dataset; or cancelled) or failed(). Invalid options
// fail with validateDemoOptions' message before anything is generated. A cancel or a failure
// leaves the workspace as before.
//
// Thread affinity: lives on a worker QThread (see WorkerThread); cancel() from any thread.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>

#include "app/bridge/bridge_types.h"

namespace m6
{

class DemoWorker : public QObject
{
  Q_OBJECT
 public:
  explicit DemoWorker(QString workspacePath);

  /// Stops generation (between phases) or the write (between batches). Thread-safe.
  void cancel() { cancel_.store(true); }

 public Q_SLOTS:
  void run(quint64 token, m6::DemoOptions options);

 Q_SIGNALS:
  void progress(quint64 token, m6::WorkProgress progress);
  void finished(quint64 token, m6::ImportResult result);
  void failed(quint64 token, QString message);

 private:
  QString path_;
  std::atomic<bool> cancel_{false};
};

}  // namespace m6
