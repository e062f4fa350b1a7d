// The other ranks of a local data-parallel job (m6-cli train --nproc N, the Train page's
// "Processes"): ranks 1..N-1 as child processes of m6-cli, `m6-cli --workspace WS train
// --dataset D --config FILE --rank r --world-size N --master 127.0.0.1:PORT`, with the run's
// configuration in a private temporary file. This process is rank 0 and records the run.
//
// Plain C++ (POSIX processes). Thread affinity: the thread that trains rank 0.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/engine.h"

namespace m6
{

/// A port the kernel hands out on 127.0.0.1 now (free once closed; rank 0 binds it again at
/// once). Throws std::runtime_error.
int freeLoopbackPort();

/// The m6-cli program: $M6_CLI when set, else this executable when it is m6-cli, else the
/// m6-cli beside it.
std::string cliProgram();

/// A local job for `ranks` processes on 127.0.0.1 with a fresh port (rank 0's view).
Distributed localJob(int ranks, int timeoutSeconds = 60);

class LocalRanks
{
 public:
  /// Starts ranks 1..job.worldSize-1 (none when the job is not active). Throws
  /// std::runtime_error when a process cannot be started.
  LocalRanks(const std::string& workspacePath, const std::string& dataset, const RunConfig& config,
             const Distributed& job);
  ~LocalRanks();
  LocalRanks(const LocalRanks&) = delete;
  LocalRanks& operator=(const LocalRanks&) = delete;

  /// Waits for every child (at most the job's timeout, then kills it) and says which ended
  /// badly ("" when all exited with 0).
  std::string finish();
  /// Rank 0 gave up before or during the job: ends the children now (SIGTERM), so nobody waits
  /// out the timeout for them; finish() then reaps them.
  void abandon();

 private:
  std::vector<pid_t> children_;
  std::string configFile_;
  int timeoutSeconds_ = 60;
  bool abandoned_ = false;
};

}  // namespace m6
