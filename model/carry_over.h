// The carry-over of adapt() (private to model/): parent weights into a new network, parameter by
// parameter, as adapt_report.h describes, and the freezing that follows.
//
// Thread affinity: the calling thread, which owns both sessions.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/adapt_report.h"
#include "model/data_parallel.h"
#include "model/session.h"

namespace m6
{

/// Whether the head must start fresh: task or scorer changed, or options.newHead.
bool headChanges(const RunConfig& parent, const RunConfig& target, const AdaptOptions& options,
                 std::string* reason = nullptr);

/// Copies what carries from `parent` into `target`'s network (no gradient), leaves the rest as
/// described (unmatched embedding rows and new encoder tables zero, other new parts at their
/// fresh initialisation) and returns the report, frozen flags not set yet.
AdaptReport carryOver(Session& parent, Session& target, const AdaptOptions& options);

/// A rank other than 0 of a job whose rank 0 trains an adapted run (start.adaptation: the record
/// rank 0 sent; defined in adapt.cpp): its frozen parameters, carried weights, zero-shot share
/// and optimiser groups, then the training loop. Called by train() for such a follower.
TrainOutcome followAdaptation(Collective& job, Session& session, const JobStart& start,
                              const TrainCallbacks& callbacks);

/// Sets frozen/trainable in the report as `options` say and turns the gradient off for the frozen
/// parameters; fills the totals and the trainable share.
void applyFreezing(Session& target, const AdaptOptions& options, AdaptReport& report);

/// Resume: turns the gradient off for the parameters the recorded report froze. Throws
/// std::runtime_error when the report does not describe this network.
void applyRecordedFreezing(Session& target, const AdaptReport& report);

/// The optimiser groups of an adapted run: new parameters (train.lr), then the carried trainable
/// ones (scale = carriedLr / train.lr); empty groups are left out. `scales` receives the
/// per-group learning-rate factors.
std::vector<torch::optim::OptimizerParamGroup> adaptGroups(Session& target,
                                                           const AdaptReport& report,
                                                           const AdaptOptions& options,
                                                           std::vector<double>* scales);

}  // namespace m6
