// Preparing a stored dataset into a new one (`m6-cli prepare`, the "Prepare dataset…" dialog):
// loads the source, applies a recipe (model/core/prepare.h) and writes the result as a new
// dataset in one transaction. The source stays as it was. The recipe, the source's name and the
// counts after each step are stored with the new dataset (its statistics' "preparation" key),
// and its snapshot carries the recipe's description into every protocol line.
//
// Thread affinity: runs on the calling thread (a worker or the CLI).
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "model/core/prepare.h"
#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct PrepareOutcome
{
  DatasetInfo dataset;
  std::vector<PrepareStep> steps;
  std::string description;  // the whole chain when the source was prepared too
  double seconds = 0;
};

Result<PrepareOutcome> prepareStoredDataset(Workspace& ws, const std::string& source,
                                            const std::string& outName, const PrepareRecipe& recipe,
                                            const ProgressFn& progress = {},
                                            const std::atomic<bool>* cancel = nullptr);

}  // namespace m6
