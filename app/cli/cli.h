// m6-cli: the headless front end. Every command follows DESIGN.md section 1a: `--help`,
// `--json` (exactly one JSON object on stdout, as the last line), exit code 0 on success and
// non-zero with one "error: ..." line on stderr otherwise.
//
// Thread affinity: runs on the calling thread; long work reports progress on stderr.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "model/core/json.h"
#include "storage/workspace.h"

namespace m6::cli
{

/// How long a command waits for another process that is writing to the workspace.
constexpr int kWorkspaceWaitSeconds = 600;

/// What a command gets: streams, output mode, and the workspace (opened on first use).
class Context
{
 public:
  /// `create`: whether workspace() may create a workspace file that does not exist yet.
  Context(std::ostream& out, std::ostream& err, std::string workspacePath, bool json,
          bool create = true);

  std::ostream& out;
  std::ostream& err;
  const bool json;

  /// The workspace; throws CliError when it cannot be opened.
  Workspace& workspace();
  const std::string& workspacePath() const { return workspacePath_; }

  /// Ends a command: prints `result` as one JSON line (--json) or `human` text otherwise.
  void finish(const Json& result, const std::string& human);

  /// A throttled progress line on stderr (silent in --json mode unless stderr is a terminal).
  void progress(const std::string& phase, int64_t done, int64_t total,
                const std::string& extra = "");
  void endProgress();

 private:
  std::string workspacePath_;
  bool create_ = true;
  std::unique_ptr<Workspace> ws_;
  bool tty_ = false;
  std::string lastPhase_;
  double lastPrint_ = -1;
  bool progressOpen_ = false;
};

struct Command
{
  CommandSpec spec;
  std::function<int(Context&, const Args&)> run;
};

/// The command tables (one per source file).
std::vector<Command> dataCommands();
std::vector<Command> modelCommands();
std::vector<Command> adaptCommands();
std::vector<Command> packageCommands();
Command demoDataCommand();
Command prepareCommand();
Command significanceCommand();
std::vector<Command> queueCommands();  // cmd_queue.cpp

/// Progress of a storage job as a throttled line on stderr.
ProgressFn progressTo(Context& ctx);

/// Runs m6-cli with the given arguments (argv[0] excluded) and every command. Returns the exit
/// code. (cli_all.cpp: the only part of the front end that needs the engine's commands.)
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// The same with a given command table: the data commands alone need no LibTorch (main_cli.cpp).
int runCommands(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                const std::vector<Command>& commands);

/// The command an argument list names ("" when none): the first argument that is not --json or
/// --workspace with its value.
std::string commandName(const std::vector<std::string>& args);

/// Text helpers for human-readable output.
std::string formatCount(int64_t n);  // 1234567 -> "1,234,567"
std::string formatSeconds(double s);
std::string formatNumber(double v, const char* printfFormat = "%.4f");  // NaN -> "-"
std::string padRight(const std::string& s, size_t width);
std::string padLeft(const std::string& s, size_t width);

/// Reads and parses a JSON file; CliError naming the file when it cannot.
Json readJsonFile(const std::string& path);

}  // namespace m6::cli
