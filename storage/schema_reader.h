// The shape of a dataset (DatasetSchema: fields with their kinds and vocabulary sizes, counts,
// whether it has ratings and times, the rating range) read from the workspace by a few
// aggregate queries, without loading the dataset's interactions into memory. What the Configure
// form and config validation need, at any dataset size.
//
// Thread affinity: the thread that owns `ws`.
#pragma once

#include <cstdint>

#include "model/core/dataset_schema.h"
#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

/// The same schema as DatasetSchema::fromSnapshot(ws.loadSnapshot(datasetId)), read from the
/// tables. Fails with storage's message for an unknown dataset or a read error.
Result<DatasetSchema> readDatasetSchema(Workspace& ws, int64_t datasetId);

}  // namespace m6
