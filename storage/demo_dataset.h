// Writing the built-in demo dataset (model/core/demo_data.h) into a workspace, with the same
// kind of record an import leaves: origin, a short report, statistics, the ground truth.
//
// Thread affinity: the calling thread (a worker or the CLI).
#pragma once

#include <atomic>

#include "model/core/demo_data.h"
#include "storage/importer.h"
#include "storage/workspace.h"

namespace m6
{

/// Generates and writes the demo dataset in one transaction. Fails with a clear message for
/// invalid options or a name in use; a cancel leaves nothing (isCancelled(result)).
Result<ImportOutcome> writeDemoDataset(Workspace& ws, const DemoOptions& options,
                                       const ProgressFn& progress = {},
                                       const std::atomic<bool>* cancel = nullptr);

}  // namespace m6
