// Runs an ImportSpec: reads every file, rejects bad rows with file, line and reason, builds the
// dataset in memory, then writes it to the workspace in one transaction.
//
// Guarantees: a cancel, a failure or a killed process leaves the workspace exactly as before (the
// only write is Workspace::writeDataset's single transaction). A file that is not the declared
// format at all (its first rows all rejected) fails fast with one message naming the file and
// the first problem. Bad rows never stop an import: they are counted, the first 100,000 are kept
// in the report, and the report is stored with the dataset.
//
// Thread affinity: runs on the calling thread (a worker); progress is reported on it too.
#pragma once

#include <atomic>
#include <string>

#include "model/core/dataset.h"
#include "storage/import_spec.h"
#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct ImportCallbacks
{
  ProgressFn progress;                        // called every few thousand rows
  const std::atomic<bool>* cancel = nullptr;  // checked between rows
};

struct ImportOutcome
{
  DatasetInfo dataset;
  ImportReport report;
};

struct ParsedImport
{
  DatasetSnapshot snapshot;
  ImportReport report;
};

/// Reads the files of `spec` into a snapshot named `name` (nothing is written anywhere).
Result<ParsedImport> readImport(const ImportSpec& spec, const std::string& name,
                                const ImportCallbacks& callbacks = {});

/// Reads and writes: the whole import.
Result<ImportOutcome> importDataset(Workspace& ws, const ImportSpec& spec, const std::string& name,
                                    const ImportCallbacks& callbacks = {});

/// Rejected rows kept in a report; the count is always exact.
constexpr int64_t kMaxRejectedRowsKept = 100000;

}  // namespace m6
