#include "model/core/demo_parts.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace m6::demo
{

const char* const kCategoryNames[kCategories] = {"Drama",       "Comedy",    "Thriller", "Horror",
                                                 "Documentary", "Animation", "Sci-Fi",   "Romance",
                                                 "Action",      "Music",     "Western",  "Mystery"};

const int kNightAffinity[kCategories] = {0, -1, 1, 1, -1, -1, 1, 0, 0, 0, 0, 1};

// Trigger categories are chosen among those with a neutral or day affinity so the context
// effect and the sequential effect can be told apart.
const TriggerPair kTriggerPairs[kTriggerPairCount] = {{5, 9}, {10, 4}, {7, 11}};

namespace
{

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
const char* const kTitleSuffix[2][8] = {
    {"Story", "Returns", "Chronicles", "Legacy", "II", "Diaries", "Rising", "Road"},
    // The second domain reads like a shelf of books: other suffixes, the same category words.
    {"Saga", "Vol. 1", "Collection", "Companion", "Trilogy", "Notebook", "Omnibus", "Sequel"}};

// Four typical tags per category; items mostly take tags of their own category.
const char* const kTags[kCategories][4] = {{"tearjerker", "family", "based-on-book", "slow-burn"},
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

Clusters makeClusters(DemoRng& rng, int K)
{
  Clusters cl;
  cl.pref.assign(static_cast<size_t>(K), std::vector<double>(kCategories, 0.0));
  cl.top.resize(static_cast<size_t>(K));
  for (int k = 0; k < K; ++k)
  {
    std::vector<int> order(kCategories);
    std::iota(order.begin(), order.end(), 0);
    for (int i = kCategories - 1; i > 0; --i)
    {
      std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i) + 1)]);
    }
    const double top[3] = {0.36, 0.24, 0.16};
    for (int c = 0; c < kCategories; ++c)
    {
      cl.pref[static_cast<size_t>(k)][static_cast<size_t>(c)] = 0.24 / (kCategories - 3);
    }
    for (int j = 0; j < 3; ++j)
    {
      cl.pref[static_cast<size_t>(k)][static_cast<size_t>(order[static_cast<size_t>(j)])] = top[j];
      cl.top[static_cast<size_t>(k)].push_back(order[static_cast<size_t>(j)]);
    }
  }
  return cl;
}

Items makeItems(DemoRng& rng, int64_t nI, int domain)
{
  Items it;
  FieldColumn category{"category", FieldKind::Categorical, {}, {}, {}, {}, {}};
  FieldColumn tags{"tags", FieldKind::Multi, {}, {}, {}, {}, {}};
  FieldColumn year{"year", FieldKind::Numeric, {}, {}, {}, {}, {}};
  FieldColumn title{"title", FieldKind::Text, {}, {}, {}, {}, {}};
  for (const char* name : kCategoryNames)
  {
    category.vocab.emplace_back(name);
  }
  std::vector<std::string> tagVocab;
  auto tagCode = [&tagVocab](const std::string& t)
  {
    auto found = std::find(tagVocab.begin(), tagVocab.end(), t);
    if (found != tagVocab.end())
    {
      return static_cast<int32_t>(found - tagVocab.begin());
    }
    tagVocab.push_back(t);
    return static_cast<int32_t>(tagVocab.size() - 1);
  };
  for (const auto& tags : kTags)
  {
    for (const char* tag : tags)
    {
      tagCode(tag);
    }
  }

  const char* idPrefix = domain == 0 ? "i" : "b";
  const auto& suffixes = kTitleSuffix[domain == 0 ? 0 : 1];
  it.category.resize(static_cast<size_t>(nI));
  tags.offsets.push_back(0);
  for (int64_t i = 0; i < nI; ++i)
  {
    int c = static_cast<int>(i % kCategories);  // balanced categories, shuffled by popularity below
    it.category[static_cast<size_t>(i)] = c;
    it.ids.push_back(idPrefix + std::to_string(i + 1));
    category.codes.push_back(c);
    int y = 1950 + static_cast<int>(rng.below(75));
    year.values.push_back(y);
    std::string t = std::string(kTitleWords[c][rng.below(6)]) + " " + kTitleWords[c][rng.below(6)] +
                    " " + suffixes[rng.below(8)] + " (" + std::to_string(y) + ")";
    it.titles.push_back(t);
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
  it.catItems.resize(kCategories);
  it.catCum.resize(kCategories);
  for (int64_t i = 0; i < nI; ++i)
  {
    const auto c = static_cast<size_t>(it.category[static_cast<size_t>(i)]);
    double prev = it.catCum[c].empty() ? 0.0 : it.catCum[c].back();
    it.catItems[c].push_back(i);
    it.catCum[c].push_back(prev + pop[static_cast<size_t>(i)]);
  }
  it.fields = {std::move(category), std::move(tags), std::move(year), std::move(title)};
  return it;
}

Users makeUsers(DemoRng& rng, int64_t nU, int K, const std::string& idPrefix)
{
  Users us;
  FieldColumn region{"region", FieldKind::Categorical, {}, {}, {}, {}, {}};
  FieldColumn gender{"gender", FieldKind::Categorical, {}, {}, {}, {}, {}};
  FieldColumn age{"age", FieldKind::Numeric, {}, {}, {}, {}, {}};
  for (const char* r : kRegions)
  {
    region.vocab.emplace_back(r);
  }
  gender.vocab = {"F", "M"};
  us.cluster.resize(static_cast<size_t>(nU));
  us.night.resize(static_cast<size_t>(nU));
  for (int64_t u = 0; u < nU; ++u)
  {
    int k = static_cast<int>(rng.below(static_cast<uint64_t>(K)));
    us.cluster[static_cast<size_t>(u)] = k;
    us.night[static_cast<size_t>(u)] = 0.1 + 0.8 * rng.uniform();
    us.ids.push_back(idPrefix + std::to_string(u + 1));
    region.codes.push_back(rng.uniform() < 0.7 ? k % 5 : static_cast<int32_t>(rng.below(5)));
    gender.codes.push_back(static_cast<int32_t>(rng.below(2)));
    double a = 20.0 + 6.0 * (k % 8) + 5.0 * rng.normal();
    age.values.push_back(std::round(std::clamp(a, 16.0, 80.0)));
  }
  us.fields = {std::move(region), std::move(age), std::move(gender)};
  return us;
}

std::vector<int64_t> makeLengths(DemoRng& rng, int64_t nU, int64_t nI, int64_t interactions)
{
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
  const double spare = static_cast<double>(interactions - 5 * nU);
  for (int64_t u = 0; u < nU; ++u)
  {
    int64_t l = 5 + static_cast<int64_t>(spare * raw[static_cast<size_t>(u)] / rawSum);
    len[static_cast<size_t>(u)] = std::min(l, maxLen);
    total += len[static_cast<size_t>(u)];
  }
  for (int64_t u = 0; total < interactions; u = (u + 1) % nU)
  {
    if (len[static_cast<size_t>(u)] < maxLen)
    {
      ++len[static_cast<size_t>(u)];
      ++total;
    }
  }
  return len;
}

InteractionStats makeInteractions(DemoRng& rng, const DemoOptions& o, const Clusters& cl,
                                  const Items& items, const Users& users,
                                  const std::vector<int64_t>& len, DatasetSnapshot& ds)
{
  const int64_t nU = static_cast<int64_t>(users.ids.size());
  const int64_t nI = static_cast<int64_t>(items.ids.size());
  const int64_t kStart = 1704067200;  // 2024-01-01T00:00:00Z
  const int nightHours[6] = {22, 23, 0, 1, 2, 3};
  ds.user.reserve(static_cast<size_t>(o.interactions));
  ds.item.reserve(static_cast<size_t>(o.interactions));
  ds.rating.reserve(static_cast<size_t>(o.interactions));
  ds.ts.reserve(static_cast<size_t>(o.interactions));
  ds.userStart.push_back(0);
  InteractionStats stats;
  std::vector<uint8_t> seen(static_cast<size_t>(nI), 0);
  std::vector<int64_t> mineItems;
  std::vector<double> catW(kCategories);
  std::vector<double> catCumW(kCategories);
  for (int64_t u = 0; u < nU; ++u)
  {
    const int k = users.cluster[static_cast<size_t>(u)];
    int64_t day = static_cast<int64_t>(rng.below(270));
    const double gapDays = std::min(1.2, 300.0 / static_cast<double>(len[static_cast<size_t>(u)]));
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
      bool night = rng.uniform() < users.night[static_cast<size_t>(u)];
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
        ++stats.triggerSteps;
        if (cat >= 0)
        {
          ++stats.followed;
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
          catW[static_cast<size_t>(c)] =
              cl.pref[static_cast<size_t>(k)][static_cast<size_t>(c)] * f;
          acc += catW[static_cast<size_t>(c)];
          catCumW[static_cast<size_t>(c)] = acc;
        }
        cat = static_cast<int>(sampleCumulative(catCumW, rng));
      }
      // Which item of that category: by popularity, never one the user already has.
      int64_t item = -1;
      const auto& pool = items.catItems[static_cast<size_t>(cat)];
      for (int attempt = 0; attempt < 64 && item < 0; ++attempt)
      {
        int64_t cand = pool[sampleCumulative(items.catCum[static_cast<size_t>(cat)], rng)];
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
      prevCat = items.category[static_cast<size_t>(item)];

      const auto& top = cl.top[static_cast<size_t>(k)];
      bool liked = std::find(top.begin(), top.end(), prevCat) != top.end();
      double r = 3.0 + (liked ? 1.1 : -0.4) + 0.8 * rng.normal();
      ds.user.push_back(static_cast<int32_t>(u));
      ds.item.push_back(static_cast<int32_t>(item));
      ds.rating.push_back(static_cast<float>(std::clamp(std::round(r), 1.0, 5.0)));
      ds.ts.push_back(t);
    }
    for (int64_t i : mineItems)
    {
      seen[static_cast<size_t>(i)] = 0;
    }
    ds.userStart.push_back(static_cast<int64_t>(ds.user.size()));
  }
  return stats;
}

}  // namespace m6::demo
