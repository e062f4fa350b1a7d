// Dataset statistics, computed once when a dataset is written and stored with it as JSON.
//
// Keys: users, items, interactions, sparsity (1 - interactions / (users x items)),
// history_mean, history_median, history_min, history_max, users_under_5, items_under_5,
// items_without_interactions, rating_mean, rating_histogram [{value, count}] (ratings only),
// time_min, time_max, interactions_per_month [{month: "YYYY-MM", count}] (timestamps only),
// popularity [{rank, count}] (items by interaction count, log-spaced ranks for a log-log plot),
// history_lengths [{from, to, users}] (users per history length bucket).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/json.h"

namespace m6
{

Json computeDatasetStats(const DatasetSnapshot& ds);

/// The stored statistics as values, for the pages that show them (the JSON stays the stored
/// and printed form). Keys a workspace written before they existed read as absent or zero.
struct DatasetStatistics
{
  struct Bucket
  {
    int64_t from = 0;
    int64_t to = 0;
    int64_t users = 0;
  };
  struct Preparation
  {
    std::string parent;
    std::string description;
    std::vector<std::pair<std::string, int64_t>> steps;  // step, interactions after it
  };

  int64_t users = 0;
  int64_t items = 0;
  int64_t interactions = 0;
  int64_t repeatedPairs = 0;  // interactions that repeat a user-item pair
  double sparsity = 1.0;
  double historyMean = 0;
  double historyMedian = 0;
  int64_t usersUnder5 = 0;
  int64_t itemsUnder5 = 0;
  std::optional<double> ratingMean;                         // none: no ratings
  std::optional<std::pair<int64_t, int64_t>> timeSpan;      // first and last time; none: no times
  std::vector<std::pair<double, int64_t>> ratingHistogram;  // rating value, interactions
  std::vector<std::pair<std::string, int64_t>> perMonth;    // "YYYY-MM", interactions
  std::vector<std::pair<int64_t, int64_t>> popularity;      // item rank, interactions
  std::vector<Bucket> historyLengths;                       // users per history length
  std::optional<Preparation> preparation;                   // a prepared dataset's steps

  /// Reads computeDatasetStats()'s JSON (plus "preparation", which the workspace adds).
  /// Throws std::runtime_error naming the key for a value of the wrong type.
  static DatasetStatistics fromJson(const Json& j);
};

/// "YYYY-MM" of a Unix time in UTC.
std::string monthOf(int64_t unixSeconds);

/// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
void civilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace m6
