#include "model/core/demo_data.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "model/core/json.h"
#include "model/core/rng.h"

namespace m6
{

namespace
{

constexpr int kCategories = 12;
const char* const kCategoryNames[kCategories] = {
    "Drama", "Comedy", "Thriller", "Horror", "Documentary", "Animation",
    "Sci-Fi", "Romance", "Action", "Music", "Western", "Mystery"};

// +1: watched more at night, -1: more by day, 0: no preference.
const int kNightAffinity[kCategories] = {0, -1, 1, 1, -1, -1, 1, 0, 0, 0, 0, 1};

struct TriggerPair
{
  int trigger;
  int follow;
};
// Trigger categories are chosen among those with a neutral or day affinity so the context
// effect and the sequential effect can be told apart.
const TriggerPair kTriggerPairs[] = {{5, 9}, {10, 4}, {7, 11}};
constexpr int kTriggerPairCount = 3;

const char* const kTitleWords[kCategories][6] = {
    {"Silent", "Heart", "River", "Letters", "Winter", "Promise"},
    {"Crazy", "Weekend", "Uncle", "Party", "Lucky", "Chaos"},
    {"Shadow", "Edge", "Pursuit", "Hidden", "Pressure", "Trap"},
    {"Haunted", "Blood", "Cellar", "Whisper", "Curse", "Night"},
    {"Planet", "Ocean", "Origins", "Wild", "Frontier", "Inside"},
    {"Little", "Dragon", "Paper", "Magic", "Bunny", "Castle"},
    {"Star", "Quantum", "Robot", "Orbit", "Nova", "Galaxy"},
    {"Kiss", "Summer", "Forever", "Paris", "Moonlight", "Bride"},
    {"Fury", "Strike", "Steel", "Rogue", "Thunder", "Mission"},
    {"Rhythm", "Song", "Blues", "Stage", "Guitar", "Encore"},
    {"Dust", "Outlaw", "Sheriff", "Canyon", "Rider", "Gold"},
    {"Riddle", "Clue", "Fog", "Vanishing", "Locked", "Manor"}};
const char* const kTitleSuffix[8] = {"Story", "Returns", "Chronicles", "Legacy",
                                     "II",    "Diaries", "Rising",     "Road"};

// Four typical tags per category; items mostly take tags of their own category.
const char* const kTags[kCategories][4] = {
    {"tearjerker", "family", "based-on-book", "slow-burn"},
    {"feel-good", "satire", "parody", "family"},
    {"twist", "suspense", "heist", "conspiracy"},
    {"gore", "supernatural", "jump-scare", "cult"},
    {"true-story", "nature", "history", "science"},
    {"kids", "family", "talking-animals", "fantasy"},
    {"space", "dystopia", "time-travel", "aliens"},
    {"love-triangle", "wedding", "feel-good", "period"},
    {"explosions", "martial-arts", "car-chase", "heist"},
    {"concert", "biopic", "musical", "jazz"},
    {"frontier", "gunfight", "period", "cowboys"},
    {"detective", "whodunit", "twist", "noir"}};

const char* const kRegions[5] = {"north", "south", "east", "west", "central"};

// Samples an index from a non-empty cumulative weight table.
size_t sampleCumulative(const std::vector<double>& cumulative, DemoRng& rng)
{
  double r = rng.uniform() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), r);
  size_t i = static_cast<size_t>(it - cumulative.begin());
  return std::min(i, cumulative.size() - 1);
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
  const int64_t nU = o.users;
  const int64_t nI = o.items;
  const int K = o.clusters;

  DatasetSnapshot ds;
  ds.name = o.name;

  // ---- clusters: each prefers three categories ------------------------------------------------
  std::vector<std::vector<double>> clusterPref(static_cast<size_t>(K),
                                               std::vector<double>(kCategories, 0.0));
  std::vector<std::vector<int>> clusterTop(static_cast<size_t>(K));
  for (int k = 0; k < K; ++k)
  {
    std::vector<int> order(kCategories);
    std::iota(order.begin(), order.end(), 0);
    for (int i = kCategories - 1; i > 0; --i)
    {
      std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    }
    const double top[3] = {0.36, 0.24, 0.16};
    for (int c = 0; c < kCategories; ++c)
    {
      clusterPref[static_cast<size_t>(k)][static_cast<size_t>(c)] = 0.24 / (kCategories - 3);
    }
    for (int j = 0; j < 3; ++j)
    {
      clusterPref[static_cast<size_t>(k)][static_cast<size_t>(order[static_cast<size_t>(j)])] =
          top[j];
      clusterTop[static_cast<size_t>(k)].push_back(order[static_cast<size_t>(j)]);
    }
  }

  // ---- items ----------------------------------------------------------------------------------
  FieldColumn category{"category", FieldKind::Categorical, {}, {}, {}, {}, {}};
  FieldColumn tags{"tags", FieldKind::Multi, {}, {}, {}, {}, {}};
  FieldColumn year{"year", FieldKind::Numeric, {}, {}, {}, {}, {}};
  FieldColumn title{"title", FieldKind::Text, {}, {}, {}, {}, {}};
  for (int c = 0; c < kCategories; ++c)
  {
    category.vocab.emplace_back(kCategoryNames[c]);
  }
  std::vector<std::string> tagVocab;
  auto tagCode = [&tagVocab](const std::string& t) {
    auto it = std::find(tagVocab.begin(), tagVocab.end(), t);
    if (it != tagVocab.end())
    {
      return static_cast<int32_t>(it - tagVocab.begin());
    }
    tagVocab.push_back(t);
    return static_cast<int32_t>(tagVocab.size() - 1);
  };
  for (int c = 0; c < kCategories; ++c)
  {
    for (int j = 0; j < 4; ++j)
    {
      tagCode(kTags[c][j]);
    }
  }

  std::vector<int> itemCat(static_cast<size_t>(nI));
  tags.offsets.push_back(0);
  for (int64_t i = 0; i < nI; ++i)
  {
    int c = static_cast<int>(i % kCategories);  // balanced categories, shuffled by popularity below
    itemCat[static_cast<size_t>(i)] = c;
    ds.itemIds.push_back("i" + std::to_string(i + 1));
    category.codes.push_back(c);
    int y = 1950 + static_cast<int>(rng.below(75));
    year.values.push_back(y);
    std::string t = std::string(kTitleWords[c][rng.below(6)]) + " " + kTitleWords[c][rng.below(6)] +
                    " " + kTitleSuffix[rng.below(8)] + " (" + std::to_string(y) + ")";
    ds.itemTitles.push_back(t);
    title.texts.push_back(t);
    int nTags = 2 + static_cast<int>(rng.below(3));
    std::vector<int32_t> mine;
    for (int j = 0; j < nTags; ++j)
    {
      int32_t code;
      if (rng.uniform() < 0.8)
      {
        code = tagCode(kTags[c][rng.below(4)]);
      }
      else
      {
        int oc = static_cast<int>(rng.below(kCategories));
        code = tagCode(kTags[oc][rng.below(4)]);
      }
      if (std::find(mine.begin(), mine.end(), code) == mine.end())
      {
        mine.push_back(code);
      }
    }
    std::sort(mine.begin(), mine.end());
    tags.codes.insert(tags.codes.end(), mine.begin(), mine.end());
    tags.offsets.push_back(static_cast<int64_t>(tags.codes.size()));
  }
  tags.vocab = tagVocab;

  // Long-tailed popularity: Zipf over a random permutation of the items.
  std::vector<int64_t> perm(static_cast<size_t>(nI));
  std::iota(perm.begin(), perm.end(), 0);
  for (int64_t i = nI - 1; i > 0; --i)
  {
    std::swap(perm[static_cast<size_t>(i)], perm[rng.below(static_cast<uint64_t>(i + 1))]);
  }
  std::vector<double> pop(static_cast<size_t>(nI));
  for (int64_t r = 0; r < nI; ++r)
  {
    pop[static_cast<size_t>(perm[static_cast<size_t>(r)])] = 1.0 / std::pow(r + 1.0, 0.9);
  }
  // Per category: its items and their cumulative popularity.
  std::vector<std::vector<int64_t>> catItems(kCategories);
  std::vector<std::vector<double>> catCum(kCategories);
  for (int64_t i = 0; i < nI; ++i)
  {
    int c = itemCat[static_cast<size_t>(i)];
    catItems[static_cast<size_t>(c)].push_back(i);
    double prev = catCum[static_cast<size_t>(c)].empty() ? 0.0 : catCum[static_cast<size_t>(c)].back();
    catCum[static_cast<size_t>(c)].push_back(prev + pop[static_cast<size_t>(i)]);
  }

  // ---- users ----------------------------------------------------------------------------------
  FieldColumn region{"region", FieldKind::Categorical, {}, {}, {}, {}, {}};
  FieldColumn gender{"gender", FieldKind::Categorical, {}, {}, {}, {}, {}};
  FieldColumn age{"age", FieldKind::Numeric, {}, {}, {}, {}, {}};
  for (const char* r : kRegions)
  {
    region.vocab.emplace_back(r);
  }
  gender.vocab = {"F", "M"};
  std::vector<int> userCluster(static_cast<size_t>(nU));
  std::vector<double> userNight(static_cast<size_t>(nU));
  for (int64_t u = 0; u < nU; ++u)
  {
    int k = static_cast<int>(rng.below(static_cast<uint64_t>(K)));
    userCluster[static_cast<size_t>(u)] = k;
    userNight[static_cast<size_t>(u)] = 0.1 + 0.8 * rng.uniform();
    ds.userIds.push_back("u" + std::to_string(u + 1));
    region.codes.push_back(rng.uniform() < 0.7 ? k % 5 : static_cast<int32_t>(rng.below(5)));
    gender.codes.push_back(static_cast<int32_t>(rng.below(2)));
    double a = 20.0 + 6.0 * (k % 8) + 5.0 * rng.normal();
    age.values.push_back(std::round(std::clamp(a, 16.0, 80.0)));
  }

  // History lengths: log-normal, at least 5, scaled to the requested total.
  std::vector<double> raw(static_cast<size_t>(nU));
  double rawSum = 0;
  for (auto& r : raw)
  {
    r = std::exp(0.8 * rng.normal());
    rawSum += r;
  }
  const int64_t maxLen = std::max<int64_t>(5, nI / 2);
  std::vector<int64_t> len(static_cast<size_t>(nU));
  int64_t total = 0;
  const double spare = static_cast<double>(o.interactions - 5 * nU);
  for (int64_t u = 0; u < nU; ++u)
  {
    int64_t l = 5 + static_cast<int64_t>(spare * raw[static_cast<size_t>(u)] / rawSum);
    len[static_cast<size_t>(u)] = std::min(l, maxLen);
    total += len[static_cast<size_t>(u)];
  }
  for (int64_t u = 0; total < o.interactions; u = (u + 1) % nU)
  {
    if (len[static_cast<size_t>(u)] < maxLen)
    {
      ++len[static_cast<size_t>(u)];
      ++total;
    }
  }

  // ---- interactions ---------------------------------------------------------------------------
  const int64_t kStart = 1704067200;  // 2024-01-01T00:00:00Z
  const int nightHours[6] = {22, 23, 0, 1, 2, 3};
  ds.user.reserve(static_cast<size_t>(o.interactions));
  ds.item.reserve(static_cast<size_t>(o.interactions));
  ds.rating.reserve(static_cast<size_t>(o.interactions));
  ds.ts.reserve(static_cast<size_t>(o.interactions));
  ds.userStart.push_back(0);
  int64_t followed = 0;
  int64_t triggerSteps = 0;
  std::vector<uint8_t> seen(static_cast<size_t>(nI), 0);
  std::vector<int64_t> mineItems;
  std::vector<double> catW(kCategories);
  std::vector<double> catCumW(kCategories);
  for (int64_t u = 0; u < nU; ++u)
  {
    const int k = userCluster[static_cast<size_t>(u)];
    int64_t day = static_cast<int64_t>(rng.below(270));
    const double gapDays =
        std::min(1.2, 300.0 / static_cast<double>(len[static_cast<size_t>(u)]));
    int lastHourSlot = -1;
    int prevCat = -1;
    mineItems.clear();
    for (int64_t n = 0; n < len[static_cast<size_t>(u)]; ++n)
    {
      // When: the next day or later, at a day or night hour depending on the user's habit.
      if (n > 0)
      {
        // Heavy users interact more often, so every history spans about a year at most.
        day += static_cast<int64_t>(std::floor(rng.exponential(gapDays)));
      }
      bool night = rng.uniform() < userNight[static_cast<size_t>(u)];
      int hour = night ? nightHours[rng.below(6)] : 8 + static_cast<int>(rng.below(13));
      // Hours 0-3 belong to the night that started the previous evening; keep a monotone order.
      int slot = hour < 4 ? hour + 24 : hour;
      if (n > 0 && slot <= lastHourSlot)
      {
        day += 1;
      }
      lastHourSlot = slot;
      int64_t t = kStart + day * 86400 + static_cast<int64_t>(slot) * 3600 +
                  static_cast<int64_t>(rng.below(3600));

      // What: the trigger rule first, otherwise the user's tastes shifted by the hour.
      int cat = -1;
      bool prevIsTrigger = false;
      for (const auto& tp : kTriggerPairs)
      {
        if (prevCat == tp.trigger)
        {
          prevIsTrigger = true;
          if (rng.uniform() < o.triggerFollowProbability)
          {
            cat = tp.follow;
          }
        }
      }
      if (prevIsTrigger)
      {
        ++triggerSteps;
        if (cat >= 0)
        {
          ++followed;
        }
      }
      if (cat < 0)
      {
        double acc = 0;
        for (int c = 0; c < kCategories; ++c)
        {
          double f = 1.0;
          if (kNightAffinity[c] != 0)
          {
            f = (kNightAffinity[c] > 0) == night ? 3.0 : 1.0 / 3.0;
          }
          catW[static_cast<size_t>(c)] = clusterPref[static_cast<size_t>(k)][static_cast<size_t>(c)] * f;
          acc += catW[static_cast<size_t>(c)];
          catCumW[static_cast<size_t>(c)] = acc;
        }
        cat = static_cast<int>(sampleCumulative(catCumW, rng));
      }
      // Which item of that category: by popularity, never one the user already has.
      int64_t item = -1;
      const auto& items = catItems[static_cast<size_t>(cat)];
      for (int attempt = 0; attempt < 64 && item < 0; ++attempt)
      {
        int64_t cand = items[sampleCumulative(catCum[static_cast<size_t>(cat)], rng)];
        if (!seen[static_cast<size_t>(cand)])
        {
          item = cand;
        }
      }
      if (item < 0)
      {
        // The category's popular items are exhausted for this user: take any unseen item.
        for (int64_t step = 0; step < nI && item < 0; ++step)
        {
          int64_t cand = static_cast<int64_t>(rng.below(static_cast<uint64_t>(nI)));
          if (!seen[static_cast<size_t>(cand)])
          {
            item = cand;
          }
        }
        for (int64_t cand = 0; cand < nI && item < 0; ++cand)
        {
          if (!seen[static_cast<size_t>(cand)])
          {
            item = cand;
          }
        }
      }
      seen[static_cast<size_t>(item)] = 1;
      mineItems.push_back(item);
      prevCat = itemCat[static_cast<size_t>(item)];

      bool liked = std::find(clusterTop[static_cast<size_t>(k)].begin(),
                             clusterTop[static_cast<size_t>(k)].end(),
                             prevCat) != clusterTop[static_cast<size_t>(k)].end();
      double r = 3.0 + (liked ? 1.1 : -0.4) + 0.8 * rng.normal();
      ds.user.push_back(static_cast<int32_t>(u));
      ds.item.push_back(static_cast<int32_t>(item));
      ds.rating.push_back(static_cast<float>(std::clamp(std::round(r), 1.0, 5.0)));
      ds.ts.push_back(t);
    }
    for (int64_t it : mineItems)
    {
      seen[static_cast<size_t>(it)] = 0;
    }
    ds.userStart.push_back(static_cast<int64_t>(ds.user.size()));
  }

  ds.userFields = {std::move(region), std::move(age), std::move(gender)};
  ds.itemFields = {std::move(category), std::move(tags), std::move(year), std::move(title)};

  // ---- ground truth ---------------------------------------------------------------------------
  Json gt = Json::object();
  gt["generator"] = "m6-demo";
  gt["version"] = 1;
  gt["seed"] = static_cast<int64_t>(o.seed);
  gt["clusters"] = K;
  Json prefs = Json::array();
  for (int k = 0; k < K; ++k)
  {
    Json names = Json::array();
    for (int c : clusterTop[static_cast<size_t>(k)])
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
  for (int i = 0; i < kTriggerPairCount; ++i)
  {
    Json p = Json::object();
    p["trigger"] = kCategoryNames[kTriggerPairs[i].trigger];
    p["follow"] = kCategoryNames[kTriggerPairs[i].follow];
    pairs.push_back(p);
  }
  gt["trigger_pairs"] = pairs;
  gt["trigger_follow_probability"] = o.triggerFollowProbability;
  gt["trigger_steps"] = triggerSteps;
  gt["trigger_followed"] = followed;
  Json uc = Json::array();
  for (int k : userCluster)
  {
    uc.push_back(k);
  }
  gt["user_cluster"] = uc;
  ds.groundTruthJson = gt.dump();
  return ds;
}

}  // namespace m6
