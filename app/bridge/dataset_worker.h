// DatasetWorker: the workspace operations that may be slow and so never run on the GUI thread:
// opening (and migrating) the workspace, listing datasets, rename, delete (seconds for a
// 10-million-row dataset), reading statistics and import reports, checking a proposed name.
//
// Contract: every slot takes a token and answers with exactly one signal carrying that token:
// its result signal, or failed(token, message). rename() and remove() also emit listed() with
// the new dataset list (token 0) so every view can refresh from one place.
//
// Thread affinity: lives on a worker QThread (see WorkerThread) and opens its own Workspace on
// the path given to the constructor, on first use. cancel() (any thread) interrupts the SQL
// statement running now, or a wait for another process's write; the interrupted operation fails
// and changes nothing.
#pragma once

#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <mutex>

#include "app/bridge/bridge_types.h"

namespace m6
{

class DatasetWorker : public QObject
{
  Q_OBJECT
 public:
  explicit DatasetWorker(QString workspacePath);
  ~DatasetWorker() override;

  const QString& path() const { return path_; }

  /// Interrupts the running statement, if any. Thread-safe.
  void cancel();

 public Q_SLOTS:
  void open(quint64 token);
  void list(quint64 token);
  void rename(quint64 token, QString from, QString to);
  void remove(quint64 token, QString name);
  void loadStats(quint64 token, qint64 datasetId);
  void loadReport(quint64 token, qint64 datasetId);
  void checkName(quint64 token, QString name);

 Q_SIGNALS:
  void opened(quint64 token, QString path, m6::DatasetList datasets);
  void listed(quint64 token, m6::DatasetList datasets);
  void renamed(quint64 token, QString from, QString to);
  void removed(quint64 token, QString name);
  void statsReady(quint64 token, m6::DatasetStats stats);
  void reportReady(quint64 token, qint64 datasetId, m6::ImportReport report);
  /// `error` is empty when the name is acceptable for a new dataset.
  void nameChecked(quint64 token, QString name, QString error);
  void failed(quint64 token, QString message);
  /// An edit has waited a second for another process's write; `message` names the holder. The
  /// edit goes on when the other write ends (up to a minute, then failed() names the holder).
  /// Also sent once when opening the workspace first upgrades its schema (a minute at most).
  void waiting(QString message);

 private:
  /// The workspace, opened on first use; throws std::runtime_error when it cannot be opened.
  Workspace& ws();
  void emitList(quint64 token);

  QString path_;
  std::mutex wsMutex_;  // guards ws_ (the pointer) against cancel() from another thread
  std::atomic<bool> closing_{false};  // set by cancel(): the owner is going, stop any wait
  std::unique_ptr<Workspace> ws_;
};

}  // namespace m6
