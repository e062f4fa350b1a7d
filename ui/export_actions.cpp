#include "ui/export_actions.h"

#include <QAction>
#include <QFileDialog>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QMessageBox>
#include <QProgressDialog>
#include <QRegularExpression>
#include <QTableView>
#include <QTreeView>

#include "app/bridge/run_exporter.h"
#include "app/bridge/run_library.h"
#include "ui/runs_page.h"

namespace m6
{

QString sizeText(qint64 bytes)
{
  if (bytes < 1024)
  {
    return QObject::tr("%1 bytes").arg(bytes);
  }
  if (bytes < 1024 * 1024)
  {
    return QObject::tr("%1 KB").arg(bytes / 1024.0, 0, 'f', 1);
  }
  return QObject::tr("%1 MB").arg(bytes / (1024.0 * 1024.0), 0, 'f', 1);
}

ExportActions::ExportActions(RunExporter* exporter, RunLibrary* library, RunsPage* runs)
    : QObject(runs), exporter_(exporter), library_(library), runs_(runs)
{
  model_ = new QAction(tr("Export &model…"), this);
  model_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
  model_->setStatusTip(
      tr("Write the selected run as one .m6model file (weights, config, "
         "vocabularies, model card) that m6-cli and the Inspect page open, and that recommends "
         "on its own in Python (torch.jit.load) or C++ (torch::jit::load)"));
  recommendations_ = new QAction(tr("Export &recommendations…"), this);
  recommendations_->setStatusTip(tr("Every user's top K items as CSV: user, rank, item, score"));
  embeddings_ = new QAction(tr("Export &embeddings…"), this);
  embeddings_->setStatusTip(
      tr("User and item embeddings into a folder: CSV, and vectors.tsv + "
         "metadata.tsv for the TensorBoard Embedding Projector"));
  history_ = new QAction(tr("Export metric &history…"), this);
  history_->setStatusTip(
      tr("The selected runs' loss per step and validation metrics per epoch "
         "as one CSV (the same columns as m6-cli export-history)"));
  connect(model_, &QAction::triggered, this, &ExportActions::chooseModel);
  connect(recommendations_, &QAction::triggered, this, &ExportActions::chooseRecommendations);
  connect(embeddings_, &QAction::triggered, this, &ExportActions::chooseEmbeddings);
  connect(history_, &QAction::triggered, this, &ExportActions::chooseHistory);
  connect(runs_->view()->selectionModel(), &QItemSelectionModel::selectionChanged, this,
          &ExportActions::updateActions);
  connect(library_, &RunLibrary::runsChanged, this, &ExportActions::updateActions);

  connect(exporter_, &RunExporter::progress, this,
          [this](const QString& phase, qint64 done, qint64 total)
          {
            if (!progress_)
            {
              return;
            }
            progress_->setLabelText(phase);
            // total 0: a step that cannot be measured; a busy bar says it is still working.
            progress_->setMaximum(total > 0 ? 1000 : 0);
            progress_->setValue(total > 0 ? static_cast<int>(1000 * done / total) : 0);
          });
  connect(exporter_, &RunExporter::finished, this,
          [this](const m6::ExportResult& r)
          {
            QString text;
            if (r.what == QLatin1String("embeddings"))
            {
              text = tr("Embeddings written to %1: %n file(s), %2", nullptr, int(r.files.size()))
                         .arg(r.path, sizeText(r.bytes));
            }
            else
            {
              const QString kind = r.what == QLatin1String("model")     ? tr("Model file")
                                   : r.what == QLatin1String("history") ? tr("Metric history")
                                                                        : tr("Recommendations");
              text = tr("%1 written to %2 (%3)").arg(kind, r.path, sizeText(r.bytes));
              if (r.what == QLatin1String("model"))
              {
                text +=
                    tr("; torch.jit.load(file).recommend(history) runs it outside the "
                       "workbench (see the README)");
              }
            }
            ended(true, text);
          });
  connect(exporter_, &RunExporter::cancelled, this,
          [this] { ended(false, tr("Export cancelled; no file was written"), true); });
  connect(exporter_, &RunExporter::failed, this,
          [this](const QString& m) { ended(false, tr("Export failed: %1").arg(m)); });
  updateActions();
}

QList<QAction*> ExportActions::actions() const
{
  return {model_, recommendations_, embeddings_, history_};
}

QString ExportActions::modelBlocker() const
{
  const QList<qint64> ids = runs_->selectedRuns();
  if (ids.size() != 1)
  {
    return tr("Select one run");
  }
  const RunEntry* e = library_->find(ids.first());
  if (!e)
  {
    return tr("Select one run");
  }
  if (e->record.kind != RunKind::M6)
  {
    return tr("A baseline has no M6 model to export (its metrics are in the run table)");
  }
  if (!e->hasBest && !e->hasLast)
  {
    return tr("This run has no checkpoint (it never finished an epoch)");
  }
  return {};
}

void ExportActions::updateActions()
{
  const QString why = exporter_->busy() ? tr("An export is under way") : modelBlocker();
  for (QAction* a : {model_, recommendations_, embeddings_})
  {
    a->setEnabled(why.isEmpty());
    a->setToolTip(why.isEmpty() ? a->statusTip() : why);
  }
  const bool any = !runs_->selectedRuns().isEmpty() && !exporter_->busy();
  history_->setEnabled(any);
  history_->setToolTip(any ? history_->statusTip() : tr("Select one or more runs"));
}

bool ExportActions::began(quint64 token, const QString& what)
{
  if (token == 0)
  {
    Q_EMIT statusMessage(tr("An export is under way; wait for it or cancel it"));
    return false;
  }
  delete progress_;
  progress_ = new QProgressDialog(tr("Starting…"), tr("Cancel"), 0, 0, runs_);
  progress_->setWindowTitle(what);
  progress_->setWindowModality(Qt::WindowModal);
  progress_->setMinimumDuration(300);  // quick exports end before it would show
  progress_->setAutoClose(false);
  progress_->setAutoReset(false);
  connect(progress_, &QProgressDialog::canceled, exporter_, &RunExporter::cancel);
  updateActions();
  return true;
}

void ExportActions::ended(bool ok, const QString& message, bool cancelled)
{
  if (progress_)
  {
    progress_->disconnect(this);
    progress_->deleteLater();
    progress_ = nullptr;
  }
  lastMessage_ = message;
  updateActions();
  Q_EMIT statusMessage(message);
  if (!ok && showErrors_ && !cancelled)
  {
    auto* box =
        new QMessageBox(QMessageBox::Warning, tr("Export"), message, QMessageBox::Ok, runs_);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // not exec(): the window keeps running
  }
  Q_EMIT exportEnded(ok, message);
}

bool ExportActions::exportModelTo(qint64 runId, const QString& path)
{
  return began(exporter_->exportModel(runId, path), tr("Export model"));
}

bool ExportActions::exportRecommendationsTo(qint64 runId, const QString& path, int k)
{
  return began(exporter_->exportRecommendations(runId, path, k), tr("Export recommendations"));
}

bool ExportActions::exportEmbeddingsTo(qint64 runId, const QString& folder)
{
  return began(exporter_->exportEmbeddings(runId, folder), tr("Export embeddings"));
}

bool ExportActions::exportHistoryTo(const QList<qint64>& runIds, const QString& path)
{
  return began(exporter_->exportHistory(runIds, path), tr("Export metric history"));
}

namespace
{

QString stem(const RunEntry* e)
{
  QString s = QString::fromStdString(e ? e->record.name : std::string("run"));
  s.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
  return s;
}

}  // namespace

void ExportActions::chooseModel()
{
  const QList<qint64> ids = runs_->selectedRuns();
  if (!modelBlocker().isEmpty())
  {
    Q_EMIT statusMessage(modelBlocker());
    return;
  }
  const QString path = QFileDialog::getSaveFileName(
      runs_, tr("Export model"), stem(library_->find(ids.first())) + QStringLiteral(".m6model"),
      tr("M6 model files (*.m6model)"));
  if (!path.isEmpty())
  {
    exportModelTo(ids.first(), path);
  }
}

void ExportActions::chooseRecommendations()
{
  const QList<qint64> ids = runs_->selectedRuns();
  if (!modelBlocker().isEmpty())
  {
    Q_EMIT statusMessage(modelBlocker());
    return;
  }
  bool ok = false;
  const int k = QInputDialog::getInt(runs_, tr("Export recommendations"),
                                     tr("Items per user (K, 1-1000):"), 10, 1, 1000, 1, &ok);
  if (!ok)
  {
    return;
  }
  const QString path = QFileDialog::getSaveFileName(
      runs_, tr("Export recommendations"),
      stem(library_->find(ids.first())) + QStringLiteral("-top%1.csv").arg(k), tr("CSV (*.csv)"));
  if (!path.isEmpty())
  {
    exportRecommendationsTo(ids.first(), path, k);
  }
}

void ExportActions::chooseEmbeddings()
{
  const QList<qint64> ids = runs_->selectedRuns();
  if (!modelBlocker().isEmpty())
  {
    Q_EMIT statusMessage(modelBlocker());
    return;
  }
  const QString folder =
      QFileDialog::getExistingDirectory(runs_, tr("Export embeddings into a folder"));
  if (!folder.isEmpty())
  {
    exportEmbeddingsTo(ids.first(), folder);
  }
}

void ExportActions::chooseHistory()
{
  const QList<qint64> ids = runs_->selectedRuns();
  if (ids.isEmpty())
  {
    return;
  }
  const QString path = QFileDialog::getSaveFileName(
      runs_, tr("Export metric history"),
      ids.size() == 1 ? stem(library_->find(ids.first())) + QStringLiteral("-history.csv")
                      : QStringLiteral("runs-history.csv"),
      tr("CSV (*.csv)"));
  if (!path.isEmpty())
  {
    exportHistoryTo(ids, path);
  }
}

}  // namespace m6
