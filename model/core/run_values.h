// What a run is and where it stands, as enums with the words the workspace stores and --json
// prints (enum_words.h).
//
// Thread affinity: none.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/core/enum_words.h"

namespace m6
{

/// Where a run stands. Training ends Finished, Stopped (cancelled or stopped early by a search)
/// or Diverged (NaN/inf loss); Failed is an error outside training (a bad checkpoint, a full
/// disk); Created and Running are before and during training.
enum class RunStatus
{
  Created,
  Running,
  Finished,
  Stopped,
  Diverged,
  Failed
};

/// What trained the run: the M6 network or one of the yardstick baselines.
enum class RunKind
{
  M6,
  BaselinePop,
  BaselineBpr,
  BaselineItemKnn,
  BaselineEase
};

const std::vector<EnumWord<RunStatus>>& enumWords(RunStatus);
const std::vector<EnumWord<RunKind>>& enumWords(RunKind);

/// Whether a run of this status has ended for good (finished, diverged or failed); a stopped run
/// can still be resumed.
bool hasEnded(RunStatus status);

/// The baseline's short name ("pop", "bpr", "itemknn", "ease"), "" for an M6 run.
std::string baselineName(RunKind kind);

/// The run kind of a baseline's short name, nothing for a name that is not a baseline.
std::optional<RunKind> baselineKind(const std::string& name);

}  // namespace m6
