// freeLoopbackPort, cliProgram, localJob and LocalRanks.
#include "app/runner/local_ranks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace m6
{

namespace
{

namespace fs = std::filesystem;

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

// A port the kernel has just handed out on 127.0.0.1 (free the moment it is closed; rank 0
// binds it again at once).
int freeLoopbackPort()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
  {
    throw std::runtime_error("no socket for the data-parallel job's rendezvous");
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
    throw std::runtime_error("no free port on 127.0.0.1 for the data-parallel job's rendezvous");
  }
  return ntohs(addr.sin_port);
}

std::string cliProgram()
{
  if (const char* given = std::getenv("M6_CLI"); given && *given)
  {
    return given;
  }
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec)
  {
    throw std::runtime_error("cannot find this program's own file to start the other ranks");
  }
  if (self.filename() == "m6-cli")
  {
    return self.string();
  }
  const fs::path sibling = self.parent_path() / "m6-cli";
  if (!fs::is_regular_file(sibling, ec))
  {
    throw std::runtime_error("m6-cli is not installed beside " + self.string() +
                             ": it runs the other processes of a data-parallel job");
  }
  return sibling.string();
}

Distributed localJob(int ranks, int timeoutSeconds)
{
  Distributed d;
  if (ranks > 1)
  {
    d.worldSize = ranks;
    d.rank = 0;
    d.host = "127.0.0.1";
    d.port = freeLoopbackPort();
    d.timeoutSeconds = timeoutSeconds;
  }
  return d;
}

LocalRanks::LocalRanks(const std::string& workspacePath, const std::string& dataset,
                       const RunConfig& config, const Distributed& job)
    : timeoutSeconds_(job.timeoutSeconds)
{
  if (!job.active() || job.rank != 0)
  {
    return;
  }
  configFile_ = (fs::temp_directory_path() / ("m6-job-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(job.port) + ".json"))
                    .string();
  {
    std::ofstream out(configFile_, std::ios::trunc);
    out << toJson(config).dump();
    if (!out)
    {
      throw std::runtime_error("cannot write the data-parallel job's configuration to " +
                               configFile_);
    }
  }
  const std::string exe = cliProgram();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The other ranks' own reports are not this command's output; their errors still show.
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  for (int r = 1; r < job.worldSize; ++r)
  {
    std::vector<std::string> args = {exe,
                                     "--workspace",
                                     workspacePath,
                                     "train",
                                     "--dataset",
                                     dataset,
                                     "--config",
                                     configFile_,
                                     "--rank",
                                     std::to_string(r),
                                     "--world-size",
                                     std::to_string(job.worldSize),
                                     "--master",
                                     job.host + ":" + std::to_string(job.port),
                                     "--dist-timeout",
                                     std::to_string(job.timeoutSeconds),
                                     "--rank-threads",
                                     std::to_string(config.train.threads),
                                     "--json"};  // no progress lines of their own
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
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
      throw std::runtime_error("cannot start rank " + std::to_string(r) + " (" + exe +
                               "): " + std::string(strerror(rc)));
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
    else if (done > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) &&
             !(abandoned_ && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM))
    {
      report += (report.empty() ? "" : "; ") + std::string("rank ") + std::to_string(i + 1) +
                " (process " + std::to_string(children_[i]) + ") " + describeExit(status);
    }
    children_[i] = 0;
  }
  return report;
}

void LocalRanks::abandon()
{
  for (pid_t child : children_)
  {
    if (child > 0)
    {
      ::kill(child, SIGTERM);
    }
  }
  abandoned_ = true;
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

}  // namespace m6
