// ExportActions: taking a run out of the workbench from the run table: "Export
// model…" (.m6model with its model card), "Export recommendations…" (every user's top K as CSV),
// "Export embeddings…" (a folder: CSV plus the TensorBoard projector's vectors.tsv and
// metadata.tsv) and "Export metric history…" (CSV of the selected runs' steps and epochs). The
// work runs on the RunExporter's worker, with a progress dialog and Cancel; the end is a status
// message naming the file and its size, a failure a message box with the sentence.
//
// The model exports need one selected M6 run with a checkpoint; for a baseline they are disabled
// and their tooltip says why. The *To() methods start an export without file dialogs (tests).
//
// Thread affinity: GUI thread.
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QProgressDialog>
#include <memory>

#include "app/bridge/adapt_types.h"

class QAction;

namespace m6
{

class RunExporter;
class RunLibrary;
class RunsPage;

class ExportActions : public QObject
{
  Q_OBJECT
 public:
  ExportActions(RunExporter* exporter, RunLibrary* library, RunsPage* runs);

  QList<QAction*> actions() const;
  QAction* modelAction() const { return model_; }
  QAction* recommendationsAction() const { return recommendations_; }
  QAction* embeddingsAction() const { return embeddings_; }
  QAction* historyAction() const { return history_; }
  RunExporter* exporter() const { return exporter_; }

  bool exportModelTo(qint64 runId, const QString& path);
  bool exportRecommendationsTo(qint64 runId, const QString& path, int k);
  bool exportEmbeddingsTo(qint64 runId, const QString& folder);
  bool exportHistoryTo(const QList<qint64>& runIds, const QString& path);
  /// The last export's end, in words ("Model file /x/a.m6model written (1.2 MB)").
  QString lastMessage() const { return lastMessage_; }
  /// The progress dialog of the export under way (nullptr when none).
  QProgressDialog* progressDialog() const { return progress_; }
  /// Whether failures open a message box (true) or only reach statusMessage (tests).
  void setShowErrors(bool show) { showErrors_ = show; }

  /// Why the selected run's model cannot be exported ("" when it can).
  QString modelBlocker() const;

 Q_SIGNALS:
  void statusMessage(QString message);
  /// The export ended: ok, or failed / cancelled with `message`.
  void exportEnded(bool ok, QString message);

 private:
  void updateActions();
  bool began(quint64 token, const QString& what);
  /// `cancelled`: the user cancelled it, so no error box.
  void ended(bool ok, const QString& message, bool cancelled = false);
  void chooseModel();
  void chooseRecommendations();
  void chooseEmbeddings();
  void chooseHistory();

  RunExporter* exporter_;
  RunLibrary* library_;
  RunsPage* runs_;
  QAction* model_ = nullptr;
  QAction* recommendations_ = nullptr;
  QAction* embeddings_ = nullptr;
  QAction* history_ = nullptr;
  QPointer<QProgressDialog> progress_;
  QString lastMessage_;
  bool showErrors_ = true;
};

/// "812 bytes", "14.2 KB", "1.3 MB".
QString sizeText(qint64 bytes);

}  // namespace m6
