// Value types that cross threads between the GUI and the bridge workers, and their metatype
// registration.
//
// Everything here is plain data (copied through queued signals): no pointers into a workspace,
// no SQLite handles. Every request carries a token chosen by the requester; replies echo it so
// the requester can drop replies to requests it has superseded ("stale replies").
//
// Thread affinity: none; values only. Call registerBridgeTypes() once from main() (or a test's
// initTestCase) before connecting workers; it is idempotent.
#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>
#include <cstdint>
#include <string>
#include <vector>

#include "model/core/demo_data.h"
#include "model/core/json.h"
#include "model/core/prepare.h"
#include "storage/browse.h"
#include "storage/import_spec.h"
#include "storage/importer.h"
#include "storage/stats.h"
#include "storage/workspace.h"

namespace m6
{

/// Progress of a long job (import, demo generation): what it does now and how far it is.
struct WorkProgress
{
  QString phase;             // "Reading u.data", "Writing interactions", ...
  qint64 done = 0;           // bytes (reading) or rows (writing) done of `total`
  qint64 total = 0;          // 0 when unknown
  qint64 rows = 0;           // data rows read so far
  qint64 rejected = 0;       // rows rejected so far
  double rowsPerSecond = 0;  // average since the job started
  double seconds = 0;        // elapsed since the job started
};

/// How a job ended when it did not fail: completed (outcome valid) or cancelled by the user.
struct ImportResult
{
  bool cancelled = false;
  ImportOutcome outcome;  // valid when !cancelled
};

/// One page (or count) request of a browse table.
struct BrowseRequest
{
  quint64 token = 0;  // echoed in the reply
  quint64 generation =
      0;  // the requester's query generation (table, filter, sort); see BrowseWorker
  qint64 datasetId = 0;
  BrowseTable table = BrowseTable::Interactions;
  BrowseFilter filter;
  int sortColumn = -1;  // -1: natural order
  bool descending = false;
  qint64 offset = 0;
  qint64 limit = 256;
  std::string after;  // continuation token: sortKey of row offset-1, or ""
};

/// The reply to a page request.
struct BrowseRows
{
  quint64 token = 0;
  quint64 generation = 0;
  qint64 offset = 0;
  std::vector<BrowseRow> rows;
  std::vector<BrowseColumn> columns;
};

/// The reply to a count request.
struct BrowseCount
{
  quint64 token = 0;
  quint64 generation = 0;
  qint64 rows = 0;
  std::vector<BrowseColumn> columns;
};

/// Statistics of one dataset.
struct DatasetStats
{
  qint64 datasetId = 0;
  DatasetStatistics stats;
};

using DatasetList = std::vector<DatasetInfo>;

/// The counts after each step of a preparation recipe (model/core/prepare.h).
using PrepareSteps = std::vector<PrepareStep>;

void registerBridgeTypes();

/// Converts storage progress to the cross-thread struct (elapsed seconds filled by the caller).
WorkProgress toWorkProgress(const StorageProgress& p, double seconds);

}  // namespace m6

Q_DECLARE_METATYPE(m6::WorkProgress)
Q_DECLARE_METATYPE(m6::ImportResult)
Q_DECLARE_METATYPE(m6::ImportSpec)
Q_DECLARE_METATYPE(m6::ImportReport)
Q_DECLARE_METATYPE(m6::DemoOptions)
Q_DECLARE_METATYPE(m6::DatasetInfo)
Q_DECLARE_METATYPE(m6::DatasetList)
Q_DECLARE_METATYPE(m6::DatasetStats)
Q_DECLARE_METATYPE(m6::PrepareRecipe)
Q_DECLARE_METATYPE(m6::PrepareSteps)
Q_DECLARE_METATYPE(m6::BrowseRequest)
Q_DECLARE_METATYPE(m6::BrowseRows)
Q_DECLARE_METATYPE(m6::BrowseCount)
