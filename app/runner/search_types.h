// The value types of a hyperparameter search (search_runner.h runs it): what the user asks for
// (SearchRequest, stored as the search's spec), and a search's state with one entry per trial
// reached (SearchResult). Plain values: they cross from the runner to the CLI's output and, through
// the GUI bridge's queued signals, to the search views.
//
// Thread affinity: none; values only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/search_space.h"
#include "storage/runs.h"
#include "storage/searches.h"

namespace m6
{

struct SearchRequest
{
  std::string name;  // "" -> "search N"
  SearchSpace space;
  SearchStrategy strategy = SearchStrategy::Random;
  int trials = 0;            // 0: the whole grid (grid), 10 (random, halving)
  double budgetMinutes = 0;  // 0: no time limit
  uint64_t seed = 1;         // the random draws' seed
  HalvingRule halving;
  RunConfig base;  // every trial's configuration before its values are set

  /// The spec stored with the search (everything a resume needs).
  Json toSpec() const;
  /// Throws std::invalid_argument when the stored spec is damaged.
  static SearchRequest fromSpec(const Json& spec);
};

struct SearchTrialResult
{
  int trial = 0;
  TrialValues values;
  std::optional<RunRecord> run;  // empty: skipped (invalid configuration) or not reached
  std::string decision;          // why it was stopped early or skipped ("" otherwise)
  double value = 0;              // validation metric of its best epoch (NaN when none)
};

struct SearchResult
{
  SearchRecord search;
  std::string metric;  // "ndcg@10"
  bool higherIsBetter = true;
  std::vector<SearchTrialResult> trials;  // in trial order, only those reached
  std::optional<int64_t> bestRun;
  int plannedTrials = 0;

  Json toJson() const;  // {"search", "name", "status", "strategy", "metric", "best_run", "trials"}
};

}  // namespace m6
