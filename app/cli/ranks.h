// Data-parallel training from the command line (DESIGN.md section 1a): `train` and `resume` with
// --nproc N (this process is rank 0 and starts ranks 1..N-1 on 127.0.0.1: LocalRanks), or --rank R
// --world-size N --master HOST:PORT (one rank of a job whose other ranks are started elsewhere,
// e.g. on other machines). Rank 0 records the run; the other ranks train their share, record
// nothing and print {"rank", "world_size", "status", "weights_checksum", "valid", "test"}.
//
// Thread affinity: the CLI's main thread.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"
#include "app/runner/local_ranks.h"
#include "model/engine.h"

namespace m6::cli
{

struct RankPlan
{
  Distributed dist;    // this process's place in the job (worldSize 1: an ordinary run)
  int threads = 0;     // torch threads per rank; 0 keeps the config's train.threads
  bool local = false;  // --nproc: this process starts the other ranks itself

  /// The job whose other ranks this process starts (LocalRanks): --nproc's, else none.
  Distributed spawned() const { return local ? dist : Distributed{}; }
};

/// --nproc, --rank, --world-size, --master, --rank-threads, --dist-timeout.
std::vector<OptionSpec> rankOptions();

/// The plan the options describe; CliError (exit code 2) for a bad or contradictory value.
RankPlan rankPlan(const Args& a);

/// Applies the plan's thread count to a configuration.
RunConfig withRankThreads(RunConfig config, const RankPlan& plan);

/// Runs rank 0's part (`rankZero`) and then waits for the local ranks; a failure names the ranks
/// that ended badly too (CliError).
RunRecord withRanks(LocalRanks& ranks, const std::function<RunRecord()>& rankZero);

/// A rank > 0: trains its share of the job without touching the workspace and prints its result.
int runFollowerRank(Context& ctx, const LoadedDataset& data, const RunConfig& config,
                    const Distributed& d);

}  // namespace m6::cli
