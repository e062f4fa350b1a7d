// Hyperparameter search: the space of configurations to try, the trials a strategy draws from
// it, and the successive-halving rule that stops weak trials early.
//
// A space maps configuration keys (config_fields.h, dotted or unambiguous bare names) to either
//  - a list of choices:                 "model.heads": [1, 2, 4]
//  - a range:                           "train.lr": {"min": 1e-4, "max": 1e-2, "log": true}
//    (integer knobs draw integers; "steps": N spreads N grid points over the range, evenly or
//    evenly in log space).
// Every choice and both ends of a range are checked against the knob (type, enum choices, its
// own bounds) when the space is read, so a typo fails before the first trial trains.
//
// Strategies: grid (every combination, in the order the keys were written, the last key varying
// fastest), random (trial i drawn from a generator seeded by (seed, i), so a resumed search
// redraws exactly the same trials without replaying the earlier ones), and halving (random
// trials, each stopped at a rung epoch when it is not among the best 1/eta of the trials that
// reached that rung, the rule of Optuna's SuccessiveHalvingPruner / ASHA's stopping variant).
//
// Thread affinity: none; plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "model/core/config.h"
#include "model/core/json.h"

namespace m6
{

struct SearchDimension
{
  std::string key;            // the knob's full dotted key
  std::vector<Json> choices;  // a list of choices, or empty for a range
  double min = 0;             // a range's inclusive ends
  double max = 0;
  bool log = false;      // a range drawn (and gridded) evenly in log space
  bool integer = false;  // an integer knob: draws are rounded
  int steps = 0;         // grid points over a range (0: integer ranges list every value)

  bool isRange() const { return choices.empty(); }
};

/// Whether a knob (its full dotted key) may vary in a search: not the ones that change what is
/// measured (task, evaluation metric and cut-off, split and its shares, sampled evaluation).
bool searchableKey(const std::string& key);

/// One trial's values, in the space's key order.
using TrialValues = std::vector<std::pair<std::string, Json>>;

struct SearchSpace
{
  std::vector<SearchDimension> dimensions;

  /// Reads a space (the format above). Throws std::invalid_argument naming the key and why:
  /// an unknown knob, an empty list, a choice the knob refuses, a range over a non-numeric knob,
  /// min > max, a log range that is not positive, a key given twice.
  static SearchSpace fromJson(const Json& json);
  Json toJson() const;

  /// How many configurations the grid has (each range's steps or integers); 0 when some range
  /// has no grid points (a real range without "steps").
  int64_t gridSize() const;
};

enum class SearchStrategy
{
  Grid,
  Random,
  Halving
};

/// "grid" | "random" | "halving".
const char* searchStrategyName(SearchStrategy s);
/// Throws std::invalid_argument listing the names for anything else.
SearchStrategy searchStrategyFromName(const std::string& name);

/// Every configuration of the grid, at most `limit` of them. Throws std::invalid_argument naming
/// the range that cannot be gridded (a real range without "steps").
std::vector<TrialValues> gridTrials(const SearchSpace& space, int64_t limit);

/// Trial `index` (0-based) of a random search with `seed`: the same values for the same
/// (space, seed, index) on every machine.
TrialValues randomTrial(const SearchSpace& space, uint64_t seed, int index);

/// `base` with the trial's values set. Throws std::invalid_argument naming the key.
RunConfig applyTrial(const RunConfig& base, const TrialValues& values);

/// {"key": value, ...} in the space's order.
Json trialJson(const TrialValues& values);
TrialValues trialFromJson(const Json& json);

/// "model.dim=64, train.lr=0.003" for a run name or a log line.
std::string trialLabel(const TrialValues& values);

/// Successive halving: rungs at minEpochs, minEpochs*eta, minEpochs*eta^2, ... below the
/// trial's epoch count.
struct HalvingRule
{
  int minEpochs = 1;
  int eta = 3;

  std::vector<int> rungs(int epochs) const;
  /// Whether a trial whose best validation value by the rung is `value` goes on, given the
  /// values earlier trials had at the same rung: it must rank within the best
  /// max(1, n / eta) of the n values (its own included). Ties go on.
  bool survives(const std::vector<double>& earlier, double value, bool higherIsBetter) const;
};

}  // namespace m6
