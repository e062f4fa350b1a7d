// --nproc / --rank: rankPlan and the follower ranks.
#include "app/cli/ranks.h"

#include <cstdlib>

namespace m6::cli
{

std::vector<OptionSpec> rankOptions()
{
  return {
      {"nproc", "N", "train data-parallel in N local processes (this one is rank 0)"},
      {"rank", "R", "this process is rank R of a data-parallel job (with --world-size, --master)"},
      {"world-size", "N", "ranks in the data-parallel job"},
      {"master", "HOST:PORT", "where rank 0 serves the job (rank 0 binds it, the others connect)"},
      {"rank-threads", "T", "torch threads per rank (default 1 with --nproc, else train.threads)"},
      {"dist-timeout", "S",
       "seconds a rank waits for the others (joining, or a step) before the job fails (default "
       "60)"}};
}

RankPlan rankPlan(const Args& a)
{
  RankPlan plan;
  plan.dist.timeoutSeconds = static_cast<int>(a.intValue("dist-timeout", 60, 1, 86400));
  const bool multi = a.has("rank") || a.has("world-size") || a.has("master");
  if (a.has("nproc") && multi)
  {
    throw CliError(
        "--nproc starts a local job; it cannot be combined with --rank, --world-size "
        "or --master",
        2);
  }
  if (a.has("nproc"))
  {
    const int n = static_cast<int>(a.intValue("nproc", 1, 1, 64));
    plan.threads = static_cast<int>(a.intValue("rank-threads", 1, 1, 256));
    if (n > 1)
    {
      try
      {
        plan.dist = localJob(n, plan.dist.timeoutSeconds);
        plan.local = true;
      }
      catch (const std::exception& e)
      {
        throw CliError(std::string("--nproc: ") + e.what());
      }
    }
    return plan;
  }
  plan.threads = static_cast<int>(a.intValue("rank-threads", 0, 0, 256));
  if (!multi)
  {
    return plan;
  }
  if (!a.has("rank") || !a.has("world-size") || !a.has("master"))
  {
    throw CliError("one rank of a job needs all of --rank R --world-size N --master HOST:PORT", 2);
  }
  plan.dist.worldSize = static_cast<int>(a.intValue("world-size", 1, 1, 4096));
  plan.dist.rank = static_cast<int>(a.intValue("rank", 0, 0, plan.dist.worldSize - 1));
  const std::string master = a.value("master");
  const size_t colon = master.rfind(':');
  char* end = nullptr;
  const long port =
      colon == std::string::npos ? 0 : std::strtol(master.c_str() + colon + 1, &end, 10);
  if (colon == std::string::npos || colon == 0 || end == master.c_str() + colon + 1 ||
      *end != '\0' || port < 1 || port > 65535)
  {
    throw CliError(
        "--master must be HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:29500), "
        "not \"" +
            master + "\"",
        2);
  }
  plan.dist.host = master.substr(0, colon);
  plan.dist.port = static_cast<int>(port);
  return plan;
}

RunConfig withRankThreads(RunConfig config, const RankPlan& plan)
{
  if (plan.threads > 0)
  {
    config.train.threads = plan.threads;
  }
  return config;
}

int runFollowerRank(Context& ctx, const LoadedDataset& data, const RunConfig& config,
                    const Distributed& d)
{
  InterruptScope interrupts;
  TrainCallbacks cb;
  cb.cancel = interrupts.flag();
  TrainOutcome out;
  try
  {
    out = m6::train(data.snapshot, config, "", cb, false, d);
  }
  catch (const std::exception& e)
  {
    throw CliError(e.what());  // the engine's messages name the rank
  }
  Json j = Json::object();
  j["rank"] = d.rank;
  j["world_size"] = d.worldSize;
  j["status"] = wordOf(out.status);
  j["best_epoch"] = out.bestEpoch;
  j["weights_checksum"] = out.weightsChecksum;
  j["valid"] = out.valid.valuesJson();
  j["test"] = out.test.valuesJson();
  j["message"] = out.message;
  ctx.finish(j, "rank " + std::to_string(d.rank) + " of " + std::to_string(d.worldSize) + ": " +
                    out.message + "\n");
  return out.status == RunStatus::Finished || out.status == RunStatus::Stopped ? 0 : 1;
}

RunRecord withRanks(LocalRanks& ranks, const std::function<RunRecord()>& rankZero)
{
  RunRecord result;
  try
  {
    result = rankZero();
  }
  catch (const CliError& e)
  {
    ranks.abandon();  // the job is over: the other ranks need not wait out their timeout
    const std::string others = ranks.finish();
    throw CliError(std::string(e.what()) + (others.empty() ? "" : "; " + others), e.code());
  }
  const std::string others = ranks.finish();
  if (!others.empty())
  {
    throw CliError("the run was recorded, but " + others);
  }
  return result;
}

}  // namespace m6::cli
