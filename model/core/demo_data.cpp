#include "model/core/demo_data.h"

#include <stdexcept>

#include "model/core/demo_parts.h"
#include "model/core/json.h"
#include "model/core/rng.h"

namespace m6
{

using namespace demo;

namespace
{

// The second domain's own generator: its items, histories (and users unless shared) are drawn
// from it, while the cluster tastes come from the seed's first stage, as in the first domain.
constexpr uint64_t kSecondDomainSalt = 0x5EC0DD0A1A5EED00ULL;

Json groundTruth(const DemoOptions& o, const Clusters& cl, const Users& users,
                 const InteractionStats& stats)
{
  const int K = o.clusters;
  Json gt = Json::object();
  gt["generator"] = "m6-demo";
  gt["version"] = 1;
  gt["seed"] = static_cast<int64_t>(o.seed);
  gt["clusters"] = K;
  Json prefs = Json::array();
  for (int k = 0; k < K; ++k)
  {
    Json names = Json::array();
    for (int c : cl.top[static_cast<size_t>(k)])
    {
      names.push_back(kCategoryNames[c]);
    }
    prefs.push_back(names);
  }
  gt["cluster_top_categories"] = prefs;
  Json night = Json::array();
  Json dayCats = Json::array();
  for (int c = 0; c < kCategories; ++c)
  {
    if (kNightAffinity[c] > 0)
    {
      night.push_back(kCategoryNames[c]);
    }
    else if (kNightAffinity[c] < 0)
    {
      dayCats.push_back(kCategoryNames[c]);
    }
  }
  gt["night_categories"] = night;
  gt["day_categories"] = dayCats;
  gt["night_hours"] = Json(JsonArray{22, 23, 0, 1, 2, 3});
  gt["hour_factor"] = 3.0;
  Json pairs = Json::array();
  for (const auto& pair : kTriggerPairs)
  {
    Json p = Json::object();
    p["trigger"] = kCategoryNames[pair.trigger];
    p["follow"] = kCategoryNames[pair.follow];
    pairs.push_back(p);
  }
  gt["trigger_pairs"] = pairs;
  gt["trigger_follow_probability"] = o.triggerFollowProbability;
  gt["trigger_steps"] = stats.triggerSteps;
  gt["trigger_followed"] = stats.followed;
  Json uc = Json::array();
  for (int k : users.cluster)
  {
    uc.push_back(k);
  }
  gt["user_cluster"] = uc;
  if (o.domain != 0)
  {
    // Only the second domain carries these keys: the first domain's record stays as it was.
    gt["domain"] = o.domain;
    gt["shared_users"] = o.sharedUsers;
  }
  return gt;
}

}  // namespace

const char* const* demoCategoryNames(int* count)
{
  *count = kCategories;
  return kCategoryNames;
}

std::string validateDemoOptions(const DemoOptions& o)
{
  if (o.users < 10 || o.users > 10000000)
  {
    return "users must be between 10 and 10,000,000";
  }
  if (o.items < 50 || o.items > 10000000)
  {
    return "items must be between 50 and 10,000,000";
  }
  if (o.interactions < 5 * o.users)
  {
    return "interactions must be at least 5 per user (" + std::to_string(5 * o.users) + ")";
  }
  if (o.interactions > 200000000)
  {
    return "interactions must be at most 200,000,000";
  }
  if (o.interactions > o.users * (o.items / 2))
  {
    return "interactions must be at most users x items / 2 so histories can stay unique";
  }
  if (o.clusters < 1 || o.clusters > 64)
  {
    return "clusters must be between 1 and 64";
  }
  if (!(o.triggerFollowProbability >= 0.0 && o.triggerFollowProbability <= 1.0))
  {
    return "trigger follow probability must be between 0 and 1";
  }
  if (o.name.empty())
  {
    return "the dataset name must not be empty";
  }
  if (o.domain != 0 && o.domain != 1)
  {
    return "domain must be 0 (the first domain) or 1 (the second)";
  }
  if (o.sharedUsers && o.domain == 0)
  {
    return "shared users only apply to the second domain (domain 1)";
  }
  return "";
}

DatasetSnapshot generateDemoDataset(const DemoOptions& o)
{
  std::string problem = validateDemoOptions(o);
  if (!problem.empty())
  {
    throw std::invalid_argument("demo data: " + problem);
  }
  DemoRng rng(o.seed);
  DatasetSnapshot ds;
  ds.name = o.name;

  // The first domain is one generator through every stage, in this order (its output is fixed).
  Clusters clusters = makeClusters(rng, o.clusters);
  Items items;
  Users users;
  std::vector<int64_t> lengths;
  InteractionStats stats;
  if (o.domain == 0)
  {
    items = makeItems(rng, o.items, 0);
    users = makeUsers(rng, o.users, o.clusters, "u");
    lengths = makeLengths(rng, o.users, o.items, o.interactions);
    stats = makeInteractions(rng, o, clusters, items, users, lengths, ds);
  }
  else
  {
    DemoRng other(o.seed ^ kSecondDomainSalt);
    if (o.sharedUsers)
    {
      // Replay the first domain's catalogue stage so the users stage sees the same generator
      // state: the same people (ids, features, clusters, habits) as the first domain.
      (void)makeItems(rng, o.items, 0);
      users = makeUsers(rng, o.users, o.clusters, "u");
    }
    items = makeItems(other, o.items, 1);
    if (!o.sharedUsers)
    {
      users = makeUsers(other, o.users, o.clusters, "v");
    }
    lengths = makeLengths(other, o.users, o.items, o.interactions);
    stats = makeInteractions(other, o, clusters, items, users, lengths, ds);
  }

  ds.itemIds = std::move(items.ids);
  ds.itemTitles = std::move(items.titles);
  ds.userIds = users.ids;
  ds.userFields = users.fields;
  ds.itemFields = std::move(items.fields);
  ds.groundTruthJson = groundTruth(o, clusters, users, stats).dump();
  return ds;
}

}  // namespace m6
