// Value types of the adaptation, comparison and export bridge (TrainWorker's adapt() and
// compare() jobs, AdaptInfoWorker's preview, ExportWorker), and their metatype registration
// (registerAdaptTypes(), called by registerTrainTypes()).
//
// Plain data copied through queued signals: engine and runner structs (AdaptOptions,
// AdaptReport, CompareRequest, AdaptComparison) and small bundles of them. No tensors, no
// pointers into a model or a workspace.
//
// Thread affinity: none; values only.
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

#include "app/runner/adapt_compare_types.h"
#include "model/adapt_report.h"
#include "model/core/config.h"

namespace m6
{

/// A new run adapted from a parent run (TrainingSession::adapt).
struct AdaptRequest
{
  qint64 parentRun = 0;
  qint64 datasetId = 0;  // the target dataset (may be the parent's)
  RunConfig config;      // the target run's configuration
  AdaptOptions options;
  QString name;       // "" : the store names it
  int processes = 1;  // > 1: data-parallel over this many local processes (local_ranks.h)
};

/// Zero-shot vs adapted vs scratch on a target dataset (compareAdaptation).
struct CompareJob
{
  qint64 parentRun = 0;
  qint64 datasetId = 0;
  CompareRequest request;
};

/// What previewAdaptation() says an adaptation would do, or why it cannot be previewed.
struct AdaptPreview
{
  qint64 parentRun = 0;
  qint64 datasetId = 0;
  bool ok = false;
  AdaptReport report;
  QString error;  // when !ok: a sentence (an invalid config names the field)
};

/// What an export wrote.
struct ExportResult
{
  QString what;       // "model", "recommendations", "embeddings", "history"
  QString path;       // the file or folder written
  qint64 bytes = 0;   // total size of what was written
  QStringList files;  // the files, relative to path for a folder
};

void registerAdaptTypes();

/// "1.2% of 85,000 parameters trainable (1,020)".
QString trainableSummary(const AdaptReport& report);

}  // namespace m6

Q_DECLARE_METATYPE(m6::AdaptOptions)
Q_DECLARE_METATYPE(m6::AdaptReport)
Q_DECLARE_METATYPE(m6::AdaptRequest)
Q_DECLARE_METATYPE(m6::CompareJob)
Q_DECLARE_METATYPE(m6::AdaptPreview)
Q_DECLARE_METATYPE(m6::AdaptComparison)
Q_DECLARE_METATYPE(m6::ExportResult)
