#include "app/bridge/export_worker.h"

#include <QDir>
#include <QFileInfo>
#include <exception>
#include <limits>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "app/bridge/worker_support.h"
#include "app/runner/exports.h"
#include "app/runner/training_session.h"
#include "storage/runs.h"

namespace m6
{

namespace
{

/// Thrown inside a job when the cancel flag was seen; becomes cancelled().
struct Cancelled
{
};

QString kindText(RunKind kind)
{
  switch (kind)
  {
    case RunKind::BaselinePop:
      return QStringLiteral("most-popular baseline");
    case RunKind::BaselineBpr:
      return QStringLiteral("BPR-MF baseline");
    case RunKind::BaselineItemKnn:
      return QStringLiteral("ItemKNN baseline");
    case RunKind::BaselineEase:
      return QStringLiteral("EASE^R baseline");
    case RunKind::M6:
      break;
  }
  return QStringLiteral("M6 run");
}

}  // namespace

ExportWorker::ExportWorker(QString workspacePath, std::shared_ptr<SnapshotStore> snapshots)
    : path_(std::move(workspacePath)), cache_(std::move(snapshots))
{
}

ExportWorker::~ExportWorker() = default;

Workspace& ExportWorker::workspace()
{
  return openWorkspaceOnce(ws_, path_);
}

void ExportWorker::cancel()
{
  cancelUpTo_.store(std::numeric_limits<quint64>::max());
  cancel_.store(true);
}

void ExportWorker::cancelJob(quint64 token)
{
  raiseFloor(cancelUpTo_, token);
  if (currentToken_.load() <= token)
  {
    cancel_.store(true);
  }
}

void ExportWorker::begin(quint64 token)
{
  // As in TrainWorker: reset, then look at cancelUpTo_, so a cancel racing with the start is
  // either seen here or sets the flag after the reset.
  currentToken_.store(token);
  cancel_.store(false);
  if (cancelUpTo_.load() >= token)
  {
    cancel_.store(true);
  }
}

template <typename F>
void ExportWorker::guarded(quint64 token, F&& job)
{
  begin(token);
  try
  {
    if (cancel_.load())
    {
      throw Cancelled{};
    }
    Q_EMIT exported(token, job());
  }
  catch (const Cancelled&)
  {
    Q_EMIT cancelled(token);
  }
  catch (const std::exception& e)
  {
    if (cancel_.load())
    {
      Q_EMIT cancelled(token);
      return;
    }
    Q_EMIT failed(token, QString::fromUtf8(e.what()));
  }
}

RunRecord ExportWorker::modelRun(quint64 token, qint64 runId, const char* what)
{
  Q_EMIT progress(token, QStringLiteral("Reading run %1").arg(runId), 0, 0);
  auto run = RunStore(workspace()).run(runId);
  if (!run)
  {
    throw std::runtime_error(run.error());
  }
  if (run->kind != RunKind::M6)
  {
    throw std::runtime_error(QStringLiteral("Run \"%1\" is a %2: only a trained M6 run has %3.")
                                 .arg(qs(run->name), kindText(run->kind), QString::fromUtf8(what))
                                 .toStdString());
  }
  return *run;
}

const LoadedDataset& ExportWorker::load(quint64 token, qint64 datasetId)
{
  const LoadedDataset* data = cache_.get(
      workspace(), datasetId,
      [&](const std::string& text) { Q_EMIT progress(token, qs(text), 0, 0); }, &cancel_);
  if (!data)
  {
    throw Cancelled{};
  }
  return *data;
}

void ExportWorker::exportModel(quint64 token, qint64 runId, QString path)
{
  guarded(token,
          [&]
          {
            const RunRecord run = modelRun(token, runId, "a model to export");
            const LoadedDataset& data = load(token, run.datasetId);
            if (cancel_.load())
            {
              throw Cancelled{};
            }
            Q_EMIT progress(token, QStringLiteral("Writing %1").arg(path), 0, 0);
            RunStore store(workspace());
            auto info = exportRunModel(store, run, data.snapshot, path.toStdString());
            if (!info)
            {
              throw std::runtime_error(info.error());
            }
            ExportResult r;
            r.what = QStringLiteral("model");
            r.path = qs(info->path);
            r.bytes = info->bytes;
            r.files << QFileInfo(r.path).fileName();
            return r;
          });
}

void ExportWorker::exportRecommendations(quint64 token, qint64 runId, QString path, int k)
{
  guarded(token,
          [&]
          {
            const RunRecord run = modelRun(token, runId, "recommendations to export");
            const LoadedDataset& data = load(token, run.datasetId);
            Q_EMIT progress(token, QStringLiteral("Loading the model"), 0, 0);
            auto predictor = Predictor::open(run.folder, data.shared, configOfRun(run));
            auto status = writeRecommendationsCsv(
                *predictor, data.snapshot, k, path.toStdString(),
                [&](int64_t done, int64_t total)
                { Q_EMIT progress(token, QStringLiteral("Recommending"), done, total); },
                &cancel_);
            if (isCancelled(status))
            {
              throw Cancelled{};
            }
            if (!status)
            {
              throw std::runtime_error(status.error());
            }
            ExportResult r;
            r.what = QStringLiteral("recommendations");
            r.path = path;
            r.bytes = QFileInfo(path).size();
            r.files << QFileInfo(path).fileName();
            return r;
          });
}

void ExportWorker::exportEmbeddings(quint64 token, qint64 runId, QString folder)
{
  guarded(token,
          [&]
          {
            const RunRecord run = modelRun(token, runId, "embeddings to export");
            const LoadedDataset& data = load(token, run.datasetId);
            Q_EMIT progress(token, QStringLiteral("Loading the model"), 0, 0);
            auto predictor = Predictor::open(run.folder, data.shared, configOfRun(run));
            if (cancel_.load())
            {
              throw Cancelled{};
            }
            Q_EMIT progress(token, QStringLiteral("Computing the embeddings"), 0, 0);
            EmbeddingOptions options;
            options.projections = false;  // the files hold the vectors, not the PCA maps
            const Embeddings emb = predictor->embeddings(options);
            if (cancel_.load())
            {
              throw Cancelled{};
            }
            Q_EMIT progress(token, QStringLiteral("Writing %1").arg(folder), 0, 0);
            auto status = writeEmbeddingFiles(emb, folder.toStdString());
            if (!status)
            {
              throw std::runtime_error(status.error());
            }
            ExportResult r;
            r.what = QStringLiteral("embeddings");
            r.path = folder;
            for (const std::string& f : embeddingFileNames(emb))
            {
              r.files << qs(f);
              r.bytes += QFileInfo(QDir(folder).filePath(qs(f))).size();
            }
            return r;
          });
}

void ExportWorker::exportHistory(quint64 token, QList<qint64> runIds, QString path)
{
  guarded(token,
          [&]
          {
            Q_EMIT progress(token, QStringLiteral("Reading the curves"), 0, 0);
            RunStore store(workspace());
            std::vector<int64_t> ids(runIds.begin(), runIds.end());
            auto status = writeRunHistoryCsv(store, ids, path.toStdString());
            if (!status)
            {
              throw std::runtime_error(status.error());
            }
            ExportResult r;
            r.what = QStringLiteral("history");
            r.path = path;
            r.bytes = QFileInfo(path).size();
            r.files << QFileInfo(path).fileName();
            return r;
          });
}

}  // namespace m6
