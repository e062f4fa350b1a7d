// Does adaptation pay? The parent evaluated zero-shot on the target, then, at each
// chosen share of the target's training data, a run adapted from the parent and a run trained
// from scratch with the same configuration and budget (epochs, learning rate, seed). Every
// trained arm is an ordinary recorded run (the adapted ones with the parent as their parent), so
// the comparison can be inspected run by run afterwards. Beside zero-shot, the target's own
// yardsticks on the same split: most popular ("pop") and BPR-MF ("bpr"), recorded as baseline
// runs, so a user sees at once whether zero-shot beats the trivial answer (ranking only).
// Shared by `m6-cli compare` and the GUI.
//
// Plain C++ (no Qt). Thread affinity: the TrainingSession's thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/runner/adapt_compare_types.h"
#include "app/runner/training_session.h"

namespace m6
{

/// Validates the request (fractions in (0, 1], at least one), then, per fraction, an adapted
/// and a scratch run; the first adapted run also evaluates the parent zero-shot (the first arm
/// of the result when available), followed by the pop and bpr baselines on all of the target's
/// training data (ranking task only; the zero-shot parent reads all of it as history too). `onArm`
/// (optional) is told before each arm starts ("adapted, 10% of the training data (2 of 6)"). A
/// cancel through hooks.cancel stops the arm under way (it is recorded as stopped) and returns
/// cancelledError(); the runs already made stay recorded.
Result<AdaptComparison> compareAdaptation(
    TrainingSession& session, const RunRecord& parent, const CompareRequest& request,
    const TrainCallbacks& hooks = {}, const std::function<void(const std::string&)>& onArm = {});

}  // namespace m6
