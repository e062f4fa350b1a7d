// The built-in demo dataset: synthetic interactions with planted, documented structure.
//
// What is planted (and recorded in DatasetSnapshot::groundTruthJson so tests can check that a
// trained model recovers it):
//  - Taste clusters. Every user belongs to one of `clusters` clusters; each cluster prefers a few
//    item categories. The user features `region` and `age` are correlated with the cluster.
//  - Items have a `category`, 2-4 `tags` (each category has its own likely tags), a generated
//    `title` made of category words, a `year`, and a long-tailed (Zipf) popularity.
//  - Context matters: every category has an hour-of-day affinity (day or night); at night the
//    night categories are picked more often and vice versa. Interaction times are Unix seconds
//    (UTC), so the hour of day is the context.
//  - A sequential rule: after an item of a "trigger" category, the next item comes from its paired
//    category with probability `triggerFollowProbability` (instead of from the user's tastes).
//  - Ratings 1-5: higher when the category is one the user's cluster prefers.
//
// A second domain (domain = 1) for task adaptation: the same seed gives the same cluster tastes
// (each cluster prefers the same categories, with the same context and trigger rules), and its
// items share the first domain's categories, tag vocabulary and title words (other title
// suffixes), but have their own ids ("b1".. instead of "i1.."), popularity and histories. So id
// embeddings cannot carry from one domain to the other, and content must. Its users are new people
// ("v1"..) unless sharedUsers: then they are the first domain's users with the same seed, users and
// items (ids "u1".., the same features and clusters), in new histories.
//
// Deterministic: the same options give byte-identical output on every machine (own RNG and
// distributions, no std:: distributions whose algorithms differ between libraries).
#pragma once

#include <cstdint>
#include <string>

#include "model/core/dataset.h"

namespace m6
{

struct DemoOptions
{
  std::string name = "demo";
  uint64_t seed = 42;
  int64_t users = 1000;
  int64_t items = 1500;
  int64_t interactions = 100000;
  int clusters = 6;
  double triggerFollowProbability = 0.6;
  int domain = 0;            // 0: the first domain; 1: the second (see above)
  bool sharedUsers = false;  // second domain only: the first domain's users (same ids)
};

/// Returns an error message for options that cannot produce a dataset, or "" when valid.
std::string validateDemoOptions(const DemoOptions& options);

/// Generates the dataset. Throws std::invalid_argument for invalid options.
DatasetSnapshot generateDemoDataset(const DemoOptions& options);

/// Names of the demo's item categories, in code order (the `category` field's vocabulary).
const char* const* demoCategoryNames(int* count);

}  // namespace m6
