// Preparing a dataset the way papers and peer libraries do before they split it (RecBole's data
// settings are the anchor): remove repeated rows, keep ratings above a threshold, keep a time
// window, cap each user's history, and filter to a k-core. Non-destructive: the result is a new
// snapshot; the caller stores it as a new dataset with the recipe and the counts of each step.
//
// The steps run in this fixed order, each on what the previous one kept:
//   1. dedupe      exact: rows equal in user, item, rating, time and context fields (the Amazon
//                  2018 files repeat reviews); keep-first / keep-last: one row per (user, item),
//                  the earliest or the latest
//   2. min-rating  rows with a rating >= X (rows without a rating go)
//   3. time window rows with from <= time < to
//   4. max-per-user each user's N most recent rows
//   5. k-core      users with >= K rows and items with >= K rows, iterated until both hold
// Users and items left without rows are dropped; the others keep their external ids, fields and
// titles, and interactions keep their order.
//
// Thread affinity: none; pure functions over an immutable snapshot.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/json.h"

namespace m6
{

enum class Dedupe
{
  None,
  Exact,
  KeepFirst,
  KeepLast
};

const char* dedupeName(Dedupe d);  // "none", "exact", "keep-first", "keep-last"
bool parseDedupe(const std::string& s, Dedupe* out);

struct PrepareRecipe
{
  Dedupe dedupe = Dedupe::None;
  bool hasMinRating = false;
  double minRating = 0;
  bool hasFrom = false;
  int64_t from = 0;  // Unix seconds, inclusive
  bool hasTo = false;
  int64_t to = 0;          // Unix seconds, exclusive
  int64_t maxPerUser = 0;  // 0: no cap
  int64_t minUser = 0;     // k-core thresholds; 0 or 1: no filter
  int64_t minItem = 0;

  bool empty() const;
  /// "dedupe exact, rating >= 4, 5-core" (for protocol lines and model cards); "" when empty.
  std::string describe() const;
  Json toJson() const;
  /// Throws std::invalid_argument naming the key for a malformed recipe.
  static PrepareRecipe fromJson(const Json& j);
};

/// The counts after one step ("imported" first, then each step the recipe has).
struct PrepareStep
{
  std::string step;  // "imported", "dedupe exact", "rating >= 4", "5-core", ...
  int64_t users = 0;
  int64_t items = 0;
  int64_t interactions = 0;
};

Json prepareStepsToJson(const std::vector<PrepareStep>& steps);

struct PreparedDataset
{
  DatasetSnapshot snapshot;
  std::vector<PrepareStep> steps;
};

/// Checks the recipe against the dataset: "" or why it cannot apply (a rating threshold on a
/// dataset without ratings, a time window without times, from after to, negative counts).
std::string checkRecipe(const DatasetSnapshot& in, const PrepareRecipe& recipe);

/// Only the counts of each step (the GUI's live preview): no snapshot is built.
std::vector<PrepareStep> previewPreparation(const DatasetSnapshot& in, const PrepareRecipe& r);

/// Applies the recipe. Throws std::invalid_argument with checkRecipe's message when it cannot
/// apply; returns early with an empty snapshot when `cancel` becomes true.
PreparedDataset prepareDataset(const DatasetSnapshot& in, const PrepareRecipe& recipe,
                               const std::atomic<bool>* cancel = nullptr);

/// A copy of `in` whose interaction n is in's interaction order[n]: `order` is a permutation that
/// keeps every user's interactions inside the user's range (userStart unchanged). Everything else
/// (ids, entity fields, name, preparation) is copied as it is.
DatasetSnapshot reorderedInteractions(const DatasetSnapshot& in, const std::vector<int64_t>& order);

}  // namespace m6
