// A recorded run's configuration, read back from its record: for the runners, the CLI and the
// GUI's forms alike (no engine, no Qt).
//
// Thread affinity: none.
#pragma once

#include <string>

#include "model/core/config.h"
#include "storage/runs.h"

namespace m6
{

/// A run's stored configuration; throws std::runtime_error when it is damaged.
RunConfig configOfRun(const RunRecord& run);

// What a kind of run allows, in one place for every front end (the CLI's commands, the GUI's
// workers and buttons): "" when it can, else the sentence that says why not.

/// Only a trained M6 run can be adapted: a baseline has no M6 weights to carry over.
std::string adaptBlocker(const RunRecord& run);
/// A baseline has nothing to resume (it is fitted whole, or trains its factors again).
std::string resumeBlocker(const RunRecord& run);

}  // namespace m6
