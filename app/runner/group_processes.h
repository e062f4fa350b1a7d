// A run group's members trained at the same time, each in an m6-cli process of its own
// (`m6-cli resume group:ID --seed S --json`: it trains or resumes that seed's member and records
// it), up to `parallel` at once, the next seed starting when one ends. Shared by `m6-cli train
// --seeds N --parallel P` / `resume group:ID --parallel P` and the Train page (Seeds with
// Processes). On two cores with one torch thread per member, two members at once take about the
// time of one, with the same figures as one after another.
//
// Plain C++ (POSIX processes). Thread affinity: the thread that calls trainMembersInProcesses.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/runner/run_groups.h"
#include "storage/workspace.h"

namespace m6
{

/// What the caller hears as members start and end.
struct MemberEvent
{
  bool started = false;  // true: a member process started; false: one ended
  int64_t seed = 0;
  pid_t pid = 0;
  std::optional<RunRecord> member;  // ended: the seed's member as recorded, when there is one
  size_t running = 0;               // member processes running after this event
  size_t ended = 0;                 // member processes ended so far
  size_t total = 0;                 // seeds this call trains or resumes
};

/// Trains the group's pending seeds (pendingSeeds) in up to `parallel` processes at once.
/// `stop` becoming true interrupts every member process once (each stops cleanly and stays
/// resumable) and starts no more; `pause` true suspends them (SIGSTOP) until it is false again.
/// Throws std::runtime_error when a member of the group is being trained by another process, or
/// when a member process fails outside its run (the dataset, the configuration, the workspace;
/// the seeds after it are not started then), after the running ones have ended. Returns the
/// group's summary at the end.
GroupSummary trainMembersInProcesses(Workspace& ws, int64_t groupId, int parallel,
                                     const std::atomic<bool>* stop, const std::atomic<bool>* pause,
                                     const std::function<void(const MemberEvent&)>& onEvent);

}  // namespace m6
