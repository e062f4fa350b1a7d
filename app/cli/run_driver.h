// Shared pieces of the model commands: loading a dataset, building a config from the command
// line, finding a run, and RunDriver, which runs the engine with callbacks that record the run in
// the workspace and report progress on stderr.
//
// Thread affinity: the CLI's main thread (the engine's callbacks run on it too, so they may use
// the workspace connection directly).
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/cli.h"
#include "app/runner/adapt_compare.h"
#include "app/runner/run_groups.h"
#include "app/runner/search_runner.h"
#include "app/runner/training_session.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/metrics.h"
#include "storage/runs.h"

namespace m6::cli
{

struct LoadedDataset
{
  DatasetInfo info;
  DatasetSnapshot snapshot;
};

LoadedDataset loadDataset(Context& ctx, const std::string& name);

/// The id of the dataset --dataset names (CliError when there is none), or nullopt without it:
/// the filter of the listing commands.
std::optional<int64_t> datasetFilter(Context& ctx, const Args& a);

/// A base configuration (preset, file or run) with every --set applied; errors become CliError.
RunConfig assembleConfig(const Args& a, const std::function<RunConfig()>& base);

/// The options that build a configuration: --preset, --config, --set (repeatable).
std::vector<OptionSpec> configOptions();

/// --preset / --config / --set, validated against the dataset (CliError lists every problem).
/// Without --preset and --config the preset is "auto" (model/core/preset_choice.h): picked by the
/// dataset's interaction count, and a "note:" line on stderr says which and why.
RunConfig configFromArgs(Context& ctx, const Args& a, const DatasetSnapshot& snapshot);

/// The preset --preset names for a dataset of `interactions` ("auto" resolved), with the note
/// line on ctx.err when auto picked it.
RunConfig presetFromArgs(Context& ctx, const Args& a, int64_t interactions);

/// `config` when it is valid for the dataset; CliError listing every problem otherwise.
RunConfig requireValid(const RunConfig& config, const DatasetSnapshot& snapshot);
/// A run by id or by (unique) name.
RunRecord resolveRun(Context& ctx, const std::string& token);
/// A run group by id or by (unique) name.
RunGroupRecord resolveGroup(Context& ctx, const std::string& token);
/// The run's configuration; CliError when it is damaged.
RunConfig configOfRunOrFail(const RunRecord& run);
/// The run's checkpoint path; CliError (exit code 2) when the run has none.
std::string requireCheckpoint(const RunRecord& run);

/// While alive, Ctrl+C sets flag() instead of killing the process (a second Ctrl+C exits at
/// once); the flag is cleared when the scope begins.
class InterruptScope
{
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  const std::atomic<bool>* flag() const;

 private:
  void (*previous_)(int) = nullptr;
};

/// Drives runs for the CLI: a TrainingSession plus progress on stderr and Ctrl+C to stop.
class RunDriver
{
 public:
  RunDriver(Context& ctx, const LoadedDataset& data);

  /// Records a new run and trains it. Returns the final record.
  /// `distributed`: as rank 0 of a data-parallel job (ranks.h).
  RunRecord trainNew(const RunConfig& config, const std::string& name,
                     std::optional<int64_t> parent, const Distributed& distributed = {});
  /// Continues a run from its last checkpoint.
  RunRecord resume(const RunRecord& run, const Distributed& distributed = {}, int threads = 0);
  /// Records a new run adapted from `parent` and trains it (as rank 0 of `distributed` when it is
  /// active). Returns the final record.
  RunRecord adaptNew(const RunRecord& parent, const RunConfig& config, const AdaptOptions& options,
                     const std::string& name, const Distributed& distributed = {});
  /// Prints what adapting `parent` with `config` and `options` would do; returns the exit code.
  int previewAdaptation(const RunRecord& parent, const RunConfig& config,
                        const AdaptOptions& options);
  /// Zero-shot, adapted and scratch arms (compareAdaptation) with progress on stderr.
  AdaptComparison compare(const RunRecord& parent, const CompareRequest& request);
  /// Runs the baselines (`only` empty: all) and records one run per baseline; `skipped` (may be
  /// null) gets the ones left out, with the reason.
  std::vector<RunRecord> baselines(const RunConfig& config, const std::vector<std::string>& only,
                                   std::vector<std::pair<std::string, std::string>>* skipped);

  /// Records a new search (CliError when the request does not fit the dataset).
  SearchRecord createSearch(const SearchRequest& request);
  /// Runs or resumes a search with a line per trial on stderr; Ctrl+C stops it (resumable).
  /// `options`: the budget override, trials in processes (parallel), one trial alone (only).
  SearchResult runSearch(const SearchRecord& search, const SearchRunOptions& options = {});

  /// Trains (or resumes) the group's members one after another until every planned seed has a
  /// settled member; Ctrl+C stops the member being trained and the group (resumable). `only`:
  /// the member of that seed alone.
  GroupSummary runGroup(int64_t groupId, std::optional<int64_t> only = std::nullopt);

  /// Prints the train JSON / table for a finished run; returns the exit code.
  int report(const RunRecord& run);

 private:
  RunRecord execute(const RunRecord& run, const RunConfig& config, bool resume,
                    const Distributed& distributed);
  TrainCallbacks printingHooks(const char* what);

  Context& ctx_;
  const LoadedDataset& data_;
  TrainingSession session_;
};

/// The adaptation report's figures for the CLI: {"carried": n, ..., "frozen": [names],
/// "trainable_parameters", "total_parameters", "trainable_share", "notes"} and a text block.
Json adaptationSummary(const AdaptReport& report, std::string* human);

/// An explanation as the CLI prints it: {"score", "tokens", "weights": [layer][head][token]} and
/// a table of the last layer's weights per head.
Json explanationJson(const Explanation& e);
std::string explanationText(const Explanation& e, const std::string& who, const std::string& item);

/// recommend / explain with --model FILE (cmd_package.cpp), and their extra options.
int recommendFromModelFile(Context& ctx, const Args& a);
int explainFromModelFile(Context& ctx, const Args& a);
std::vector<OptionSpec> modelFileOptions();

/// groups (cmd_groups.cpp), and the group forms of train and resume it serves.
std::vector<Command> groupCommands();
int trainGroup(Context& ctx, const Args& a, const LoadedDataset& data, const RunConfig& config);
int resumeGroup(Context& ctx, const Args& a, const std::string& token);
/// --parallel P, for train --seeds and resume group:ID.
OptionSpec parallelOption();
/// Trains the group's pending members in up to `parallel` processes at once (`m6-cli resume
/// group:ID --seed S`), a line on stderr as each starts and ends; Ctrl+C stops them all
/// (resumable). CliError when a member process fails outside its run (the configuration, the
/// dataset): the seeds after it are not started then. (group_processes.cpp)
GroupSummary runGroupInProcesses(Context& ctx, int64_t groupId, int parallel);
/// Prints a group's summary (JSON and a table of members and spreads); returns the exit code (3
/// when a member failed or diverged).
int reportGroup(Context& ctx, const GroupSummary& summary);

/// search, searches (cmd_search.cpp).
std::vector<Command> searchCommands();

/// Commands about configuration: config-keys, config-show.
std::vector<Command> configCommands();

}  // namespace m6::cli
