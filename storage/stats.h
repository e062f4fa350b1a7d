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
#include <string>

#include "model/core/dataset.h"
#include "model/core/json.h"

namespace m6
{

Json computeDatasetStats(const DatasetSnapshot& ds);

/// "YYYY-MM" of a Unix time in UTC.
std::string monthOf(int64_t unixSeconds);

/// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's algorithms).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
void civilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d);

}  // namespace m6
