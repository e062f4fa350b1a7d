// ImportWorker: runs m6::importDataset on its own thread with its own Workspace connection.
//
// Contract: run() imports one ImportSpec under a dataset name into the workspace at the path
// given to the constructor. While it runs it emits progress() (throttled to a few per second,
// plus every phase change); at the end exactly one of finished() (completed or cancelled, see
// ImportResult::cancelled) or failed() (a message for a person). A cancelled or failed import
// leaves the workspace exactly as before (storage guarantees one transaction). When another
// process is writing to the workspace, it waits (up to 10 minutes, cancel stops it) and says who
// holds it in a progress() phase "Waiting for the workspace: ...".
//
// Thread affinity: lives on a worker QThread (see WorkerThread). run() executes there; cancel()
// may be called from any thread while run() is busy.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>

#include "app/bridge/bridge_types.h"

namespace m6
{

class ImportWorker : public QObject
{
  Q_OBJECT
 public:
  explicit ImportWorker(QString workspacePath);

  /// Asks the running import to stop at its next check (every few thousand rows). Thread-safe.
  void cancel() { cancel_.store(true); }

 public Q_SLOTS:
  void run(quint64 token, m6::ImportSpec spec, QString name);

 Q_SIGNALS:
  void progress(quint64 token, m6::WorkProgress progress);
  void finished(quint64 token, m6::ImportResult result);
  void failed(quint64 token, QString message);

 private:
  QString path_;
  std::atomic<bool> cancel_{false};
};

}  // namespace m6
