#include "app/runner/child_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace m6
{

pid_t startChild(const std::vector<std::string>& argv, const std::string& stderrFile)
{
  if (argv.empty())
  {
    throw std::runtime_error("no program to start");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderrFile.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // a group of its own, led by the child
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  raw.reserve(args.size() + 1);
  for (auto& s : args)
  {
    raw.push_back(s.data());
  }
  raw.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0].c_str(), &actions, &attributes, raw.data(), environ);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
  {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  return pid;
}

std::optional<ChildEnd> waitAnyChild(int milliseconds)
{
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max(0, milliseconds));
  for (;;)
  {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0)
    {
      ChildEnd end;
      end.pid = pid;
      end.exitCode = WIFEXITED(status)     ? WEXITSTATUS(status)
                     : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                           : 1;
      return end;
    }
    if (pid < 0 && errno == ECHILD)
    {
      // No child to wait for: wait out the time anyway, so a caller polling in a loop does not
      // spin.
      std::this_thread::sleep_until(deadline);
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline)
    {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void interruptChild(pid_t pid)
{
  if (pid > 0)
  {
    ::kill(-pid, SIGINT);
  }
}

std::string lastErrorLine(const std::string& file)
{
  std::ifstream in(file);
  std::string line;
  std::string error;
  std::string last;
  while (std::getline(in, line))
  {
    // Progress lines end in carriage returns; the text after the last one is what showed.
    const size_t cr = line.find_last_of('\r');
    if (cr != std::string::npos)
    {
      line = line.substr(cr + 1);
    }
    if (line.rfind("error: ", 0) == 0)
    {
      error = line.substr(7);
    }
    if (!line.empty())
    {
      last = line;
    }
  }
  const std::string& out = error.empty() ? last : error;
  return out.substr(0, 300);
}

}  // namespace m6
