// Data-parallel training from the command line (DESIGN.md section 1a): `train` and `resume` with
// --nproc N (this process is rank 0 and starts ranks 1..N-1 as child processes of m6-cli on
// 127.0.0.1), or --rank R --world-size N --master HOST:PORT (one rank of a job whose other ranks
// are started elsewhere, e.g. on other machines). Rank 0 records the run; the other ranks train
// their share, record nothing and print {"rank", "world_size", "status", "weights_checksum",
// "valid", "test"}.
//
// Thread affinity: the CLI's main thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"
#include "model/engine.h"

namespace m6::cli
{

struct RankPlan
{
  Distributed dist;  // this process's place in the job (worldSize 1: an ordinary run)
  int spawn = 0;     // --nproc: how many ranks (1..N-1) this process starts
  int threads = 0;   // torch threads per rank; 0 keeps the config's train.threads
};

/// --nproc, --rank, --world-size, --master, --rank-threads, --dist-timeout.
std::vector<OptionSpec> rankOptions();

/// The plan the options describe; CliError (exit code 2) for a bad or contradictory value.
RankPlan rankPlan(const Args& a);

/// Applies the plan's thread count to a configuration.
RunConfig withRankThreads(RunConfig config, const RankPlan& plan);

/// Ranks 1..N-1 of a --nproc job as child processes: `m6-cli train --dataset D --config FILE
/// --rank r ...` with the configuration written to a private temporary file. The destructor
/// waits for them (killing what is still running after the job's timeout) and removes the file.
class LocalRanks
{
 public:
  LocalRanks(Context& ctx, const RankPlan& plan, const std::string& dataset,
             const RunConfig& config);
  ~LocalRanks();
  LocalRanks(const LocalRanks&) = delete;
  LocalRanks& operator=(const LocalRanks&) = delete;

  /// Waits for every child (at most the job's timeout, then kills it) and says which ended
  /// badly ("" when all exited with 0).
  std::string finish();

 private:
  std::vector<pid_t> children_;
  std::vector<std::string> outcomes_;
  std::string configFile_;
  int timeoutSeconds_ = 60;
};

/// A rank > 0: trains its share of the job without touching the workspace and prints its result.
int runFollowerRank(Context& ctx, const LoadedDataset& data, const RunConfig& config,
                    const Distributed& d);

}  // namespace m6::cli
