// --nproc / --rank: rankPlan, LocalRanks (child processes) and the follower ranks.
#include "app/cli/ranks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "model/core/config.h"

extern char** environ;

namespace m6::cli
{

namespace
{

namespace fs = std::filesystem;

// A port the kernel has just handed out on 127.0.0.1 (free the moment it is closed; rank 0
// binds it again at once).
int freeLoopbackPort()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
  {
    throw CliError("--nproc: no socket for the job's rendezvous");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  ::close(fd);
  if (!ok)
  {
    throw CliError("--nproc: no free port on 127.0.0.1 for the job's rendezvous");
  }
  return ntohs(addr.sin_port);
}

std::string selfExecutable()
{
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
  {
    throw CliError("--nproc: cannot find this program's own file to start the other ranks");
  }
  return p.string();
}

std::string describeExit(int status)
{
  if (WIFEXITED(status))
  {
    return "exited with code " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status))
  {
    return std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
           strsignal(WTERMSIG(status)) + ")";
  }
  return "ended";
}

}  // namespace

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
      plan.dist.worldSize = n;
      plan.dist.rank = 0;
      plan.dist.host = "127.0.0.1";
      plan.dist.port = freeLoopbackPort();
      plan.spawn = n - 1;
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

LocalRanks::LocalRanks(Context& ctx, const RankPlan& plan, const std::string& dataset,
                       const RunConfig& config)
    : timeoutSeconds_(plan.dist.timeoutSeconds)
{
  if (plan.spawn <= 0)
  {
    return;
  }
  configFile_ = (fs::temp_directory_path() / ("m6-job-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(plan.dist.port) + ".json"))
                    .string();
  {
    std::ofstream out(configFile_, std::ios::trunc);
    out << toJson(config).dump();
    if (!out)
    {
      throw CliError("--nproc: cannot write the job's configuration to " + configFile_);
    }
  }
  const std::string exe = selfExecutable();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The other ranks' own reports are not this command's output; their errors still show.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  for (int r = 1; r <= plan.spawn; ++r)
  {
    std::vector<std::string> args = {exe,
                                     "--workspace",
                                     ctx.workspacePath(),
                                     "train",
                                     "--dataset",
                                     dataset,
                                     "--config",
                                     configFile_,
                                     "--rank",
                                     std::to_string(r),
                                     "--world-size",
                                     std::to_string(plan.dist.worldSize),
                                     "--master",
                                     plan.dist.host + ":" + std::to_string(plan.dist.port),
                                     "--dist-timeout",
                                     std::to_string(plan.dist.timeoutSeconds),
                                     "--rank-threads",
                                     std::to_string(config.train.threads),
                                     "--json"};  // no progress lines of their own
    std::vector<char*> argv;
    for (auto& s : args)
    {
      argv.push_back(s.data());
    }
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    if (rc != 0)
    {
      posix_spawn_file_actions_destroy(&actions);
      throw CliError("--nproc: cannot start rank " + std::to_string(r) + ": " +
                     std::string(strerror(rc)));
    }
    children_.push_back(pid);
  }
  posix_spawn_file_actions_destroy(&actions);
}

std::string LocalRanks::finish()
{
  std::string report;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds_);
  for (size_t i = 0; i < children_.size(); ++i)
  {
    if (children_[i] <= 0)
    {
      continue;
    }
    int status = 0;
    pid_t done = 0;
    while ((done = ::waitpid(children_[i], &status, WNOHANG)) == 0 &&
           std::chrono::steady_clock::now() < deadline)
    {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (done == 0)
    {
      ::kill(children_[i], SIGKILL);
      ::waitpid(children_[i], &status, 0);
      report += (report.empty() ? "" : "; ") + std::string("rank ") + std::to_string(i + 1) +
                " did not end within " + std::to_string(timeoutSeconds_) + " s and was killed";
    }
    else if (done > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    {
      report += (report.empty() ? "" : "; ") + std::string("rank ") + std::to_string(i + 1) +
                " (process " + std::to_string(children_[i]) + ") " + describeExit(status);
    }
    children_[i] = 0;
  }
  return report;
}

LocalRanks::~LocalRanks()
{
  (void)finish();
  if (!configFile_.empty())
  {
    std::error_code ec;
    fs::remove(configFile_, ec);
  }
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
  j["status"] = out.status;
  j["best_epoch"] = out.bestEpoch;
  j["weights_checksum"] = out.weightsChecksum;
  j["valid"] = out.valid.valuesJson();
  j["test"] = out.test.valuesJson();
  j["message"] = out.message;
  ctx.finish(j, "rank " + std::to_string(d.rank) + " of " + std::to_string(d.worldSize) + ": " +
                    out.message + "\n");
  return out.status == "finished" || out.status == "stopped" ? 0 : 1;
}

}  // namespace m6::cli
