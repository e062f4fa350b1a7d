// A recorded run's configuration, read back from its record: for the runners, the CLI and the
// GUI's forms alike (no engine, no Qt).
//
// Thread affinity: none.
#pragma once

#include "model/core/config.h"
#include "storage/runs.h"

namespace m6
{

/// A run's stored configuration; throws std::runtime_error when it is damaged.
RunConfig configOfRun(const RunRecord& run);

}  // namespace m6
