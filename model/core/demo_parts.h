// The pieces of the demo generator (private to m6_core): the fixed vocabularies and one function
// per stage (clusters, items, users, history lengths, interactions).
//
// Every stage draws from the generator it is given, in a fixed order, so the first domain is one
// generator running through the stages exactly as before the stages were split out (its output
// must stay byte-identical), and the second domain can reuse a stage's generator state (the same
// cluster tastes, optionally the same users) while drawing its own items and interactions.
//
// Thread affinity: none; pure functions of their inputs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/demo_data.h"
#include "model/core/rng.h"

namespace m6::demo
{

constexpr int kCategories = 12;
extern const char* const kCategoryNames[kCategories];
// +1: watched more at night, -1: more by day, 0: no preference.
extern const int kNightAffinity[kCategories];

struct TriggerPair
{
  int trigger;
  int follow;
};
constexpr int kTriggerPairCount = 3;
extern const TriggerPair kTriggerPairs[kTriggerPairCount];

/// Each cluster prefers three categories.
struct Clusters
{
  std::vector<std::vector<double>> pref;  // [cluster][category] choice weight
  std::vector<std::vector<int>> top;      // [cluster] its three preferred categories
};
Clusters makeClusters(DemoRng& rng, int clusters);

/// The catalogue: fields, ids, titles and long-tailed popularity per category.
struct Items
{
  std::vector<std::string> ids;
  std::vector<std::string> titles;
  std::vector<FieldColumn> fields;             // category, tags, year, title
  std::vector<int> category;                   // per item
  std::vector<std::vector<int64_t>> catItems;  // per category: its items
  std::vector<std::vector<double>> catCum;     // per category: cumulative popularity
};
/// domain 0: ids "i1".., the first domain's title suffixes; domain 1: ids "b1".., other suffixes
/// (the same categories, tags and title words).
Items makeItems(DemoRng& rng, int64_t items, int domain);

/// The users: fields, ids, taste cluster and night-owl habit.
struct Users
{
  std::vector<std::string> ids;
  std::vector<FieldColumn> fields;  // region, age, gender
  std::vector<int> cluster;
  std::vector<double> night;
};
Users makeUsers(DemoRng& rng, int64_t users, int clusters, const std::string& idPrefix);

/// History lengths: log-normal, at least 5, scaled to the requested total.
std::vector<int64_t> makeLengths(DemoRng& rng, int64_t users, int64_t items, int64_t total);

/// Interactions in (user, time) order, appended to `ds` (user, item, rating, ts, userStart).
struct InteractionStats
{
  int64_t triggerSteps = 0;
  int64_t followed = 0;
};
InteractionStats makeInteractions(DemoRng& rng, const DemoOptions& o, const Clusters& clusters,
                                  const Items& items, const Users& users,
                                  const std::vector<int64_t>& lengths, DatasetSnapshot& ds);

}  // namespace m6::demo
