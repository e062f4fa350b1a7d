// Child processes that each do one job for this process (the members of a run group trained at
// the same time): each is started in a process group of its own, so a Ctrl+C at the terminal
// reaches this process only and it decides what the children hear (interruptChild: one SIGINT,
// which stops a training run cleanly; a second would end it at once). Their standard output goes
// to /dev/null and their standard error to a file this process reads when they end.
//
// Plain C++ (POSIX). Thread affinity: the thread that started the children waits for them.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace m6
{

/// Starts `argv` (argv[0] is the program's path) as described above, its standard error written
/// to `stderrFile`. Throws std::runtime_error when it cannot be started.
pid_t startChild(const std::vector<std::string>& argv, const std::string& stderrFile);

struct ChildEnd
{
  pid_t pid = 0;
  int exitCode = 0;  // the exit status, or 128 + N for a child killed by signal N
};

/// Waits up to `milliseconds` for any child of this process to end; nothing when none did
/// (when there is none, after the whole time).
std::optional<ChildEnd> waitAnyChild(int milliseconds);

/// Sends SIGINT to a child started by startChild (the whole of its process group).
void interruptChild(pid_t pid);

/// The last line of `file` that starts with "error: " (without it), else its last non-empty
/// line, at most 300 bytes; "" for an empty or missing file.
std::string lastErrorLine(const std::string& file);

}  // namespace m6
