// Run groups: one configuration trained with N seeds, reported as the mean, standard deviation and
// 95% confidence interval of each metric over its members (model/core/spread.h), so a comparison
// does not rest on one lucky seed. Shared by `m6-cli train --seeds N` / `groups` and the GUI.
//
// A group's seeds are planned when it is created (the configuration's seed, then the next ones),
// so an interrupted group continues where it stopped: nextGroupStep() says which member to train
// or resume next. Members are ordinary runs named "<group> seed S" whose record names the group.
//
// Plain C++ (no Qt). Thread affinity: the RunStore's / GroupStore's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/core/config.h"
#include "model/core/spread.h"
#include "storage/run_groups.h"
#include "storage/runs.h"

namespace m6
{

class TrainingSession;

/// The most seeds a group may plan.
constexpr int kMaxGroupSeeds = 100;

struct GroupSummary
{
  RunGroupRecord group;
  std::vector<RunRecord> members;    // by id
  std::vector<int64_t> memberSeeds;  // each member's seed (seedOfRun), parallel to members
  int withResults = 0;               // members with test metrics (the ones the spreads cover)
  std::string protocol;              // the members' test protocol
  std::vector<std::pair<std::string, Spread>> valid;
  std::vector<std::pair<std::string, Spread>> test;
  std::vector<int64_t> missingSeeds;  // planned seeds without a member yet

  /// "incomplete" while a planned seed has no member or one that is not settled (interrupted,
  /// stopped, running); then "failed" when a member failed or diverged, else "finished".
  std::string status() const;
  /// {"group", "name", "dataset", "seeds", "status", "runs": [{"run", "seed", "status",
  ///  "best_epoch", "test"}], "with_results", "protocol", "valid": {metric: spread},
  ///  "test": {metric: spread}}.
  Json toJson() const;
};

/// The seed a member run was trained with (its configuration's train.seed; -1 when damaged).
int64_t seedOfRun(const RunRecord& run);

/// Reads a group with its members and the spreads of their results.
Result<GroupSummary> summarizeGroup(RunStore& runs, GroupStore& groups, int64_t groupId);
/// The same from a group record and its member runs at hand (ordered here by planned seed, then
/// id).
GroupSummary summarizeMembers(const RunGroupRecord& group, std::vector<RunRecord> members);

/// Records a new group of `seeds` seeds for `config` on the dataset: the seeds are
/// config.train.seed, +1, ... Refuses fewer than 2 or more than kMaxGroupSeeds.
Result<RunGroupRecord> createGroup(GroupStore& groups, int64_t datasetId, const RunConfig& config,
                                   const std::string& name, int seeds);

/// What to do next for a group: train a new member for `seed`, resume member `resumeRun`, or
/// nothing (every planned seed has a member that is finished, failed or diverged).
struct GroupStep
{
  enum class Action
  {
    Done,
    Train,
    Resume
  };
  Action action = Action::Done;
  int64_t seed = 0;
  int64_t resumeRun = 0;
};

/// The first planned seed without a settled member: a missing one is trained, a stopped,
/// interrupted or running one resumed (the caller refuses one that another process trains now).
/// `only`: consider that seed alone.
GroupStep nextGroupStep(const GroupSummary& summary, std::optional<int64_t> only = std::nullopt);

/// The planned seeds without a settled member, in order (what is left to train or resume).
std::vector<int64_t> pendingSeeds(const GroupSummary& summary);

/// How runGroupMembers() trains one member: `resume` false for a new run (recorded with its
/// group), true to continue an interrupted or stopped one. Returns the member's final record;
/// throws std::exception when it cannot train (invalid configuration, engine failure).
using GroupMemberTrainer =
    std::function<RunRecord(const RunRecord& run, const RunConfig& config, bool resume)>;
/// Told before each member: its run, seed, 0-based position among the seeds and their count.
using GroupMemberNotice =
    std::function<void(const RunRecord& run, int64_t seed, size_t index, size_t count)>;

/// Trains or resumes the group's members one after another (nextGroupStep) until every planned
/// seed has a settled member, or a member ends "stopped" (the user stopped it: the group stops
/// too and stays resumable). A member another process trains now is an error, as is one that
/// does not settle when resumed. Returns the group's summary at the end. Errors throw
/// std::runtime_error with the reason. `only`: the member of that seed alone (an error when the
/// group did not plan it); what parallel member processes each do.
GroupSummary runGroupMembers(RunStore& runs, GroupStore& groups, TrainingSession& session,
                             int64_t groupId, const GroupMemberTrainer& train,
                             const GroupMemberNotice& notice = {},
                             std::optional<int64_t> only = std::nullopt);

/// The configuration of the group's member for `seed`; the name "<group> seed S" (the group's
/// name cut to 80 characters, so the member's name fits the 100 a name may have).
RunConfig memberConfig(const RunGroupRecord& group, int64_t seed);
std::string memberName(const RunGroupRecord& group, int64_t seed);

}  // namespace m6
