#include "storage/stats.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace m6
{

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d)
{
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string monthOf(int64_t t)
{
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t y;
  unsigned m, d;
  civilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u", static_cast<long long>(y), m);
  return buf;
}

Json computeDatasetStats(const DatasetSnapshot& ds)
{
  const int64_t nU = ds.numUsers();
  const int64_t nI = ds.numItems();
  const int64_t nX = ds.numInteractions();
  Json s = Json::object();
  s["users"] = nU;
  s["items"] = nI;
  s["interactions"] = nX;
  // Sparsity counts (user, item) pairs, not rows: a file that repeats reviews would otherwise
  // be "denser than full".
  int64_t pairs = 0;
  {
    std::vector<int32_t> items;
    for (int64_t u = 0; u < nU; ++u)
    {
      items.assign(ds.item.begin() + ds.userStart[static_cast<size_t>(u)],
                   ds.item.begin() + ds.userStart[static_cast<size_t>(u) + 1]);
      std::sort(items.begin(), items.end());
      pairs += std::unique(items.begin(), items.end()) - items.begin();
    }
  }
  s["distinct_pairs"] = pairs;
  if (ds.shuffledWithinUser)
  {
    s["interaction_order"] = "shuffled";  // read back by Workspace::loadSnapshot
  }
  s["repeated_pairs"] = nX - pairs;
  double cells = static_cast<double>(nU) * static_cast<double>(nI);
  s["sparsity"] = cells > 0 ? 1.0 - static_cast<double>(pairs) / cells : 1.0;

  // History lengths.
  std::vector<int64_t> len(static_cast<size_t>(nU));
  for (int64_t u = 0; u < nU; ++u)
  {
    len[static_cast<size_t>(u)] =
        ds.userStart[static_cast<size_t>(u) + 1] - ds.userStart[static_cast<size_t>(u)];
  }
  if (nU > 0)
  {
    std::vector<int64_t> sorted = len;
    std::sort(sorted.begin(), sorted.end());
    s["history_mean"] = static_cast<double>(nX) / static_cast<double>(nU);
    s["history_median"] = static_cast<double>(sorted[sorted.size() / 2]);
    s["history_min"] = sorted.front();
    s["history_max"] = sorted.back();
    s["users_under_5"] =
        static_cast<int64_t>(std::lower_bound(sorted.begin(), sorted.end(), 5) - sorted.begin());
    // Buckets: exact lengths up to 20, then log-spaced (about 8 per decade).
    Json buckets = Json::array();
    int64_t from = 0;
    while (from <= sorted.back())
    {
      int64_t to = from < 20 ? from : static_cast<int64_t>(std::floor(from * 1.33));
      auto lo = std::lower_bound(sorted.begin(), sorted.end(), from);
      auto hi = std::upper_bound(sorted.begin(), sorted.end(), to);
      if (hi > lo)
      {
        Json b = Json::object();
        b["from"] = from;
        b["to"] = to;
        b["users"] = static_cast<int64_t>(hi - lo);
        buckets.push_back(b);
      }
      from = to + 1;
    }
    s["history_lengths"] = buckets;
  }

  // Item popularity.
  std::vector<int64_t> count(static_cast<size_t>(nI), 0);
  for (int32_t i : ds.item)
  {
    ++count[static_cast<size_t>(i)];
  }
  std::sort(count.begin(), count.end(), std::greater<>());
  s["items_under_5"] = static_cast<int64_t>(
      std::count_if(count.begin(), count.end(), [](int64_t c) { return c < 5; }));
  s["items_without_interactions"] =
      static_cast<int64_t>(std::count(count.begin(), count.end(), int64_t(0)));
  Json pop = Json::array();
  int64_t lastRank = -1;
  for (double r = 1; r <= static_cast<double>(nI); r = std::max(r + 1, r * 1.03))
  {
    auto rank = static_cast<int64_t>(std::floor(r));
    if (rank == lastRank)
    {
      continue;
    }
    lastRank = rank;
    if (count[static_cast<size_t>(rank - 1)] == 0)
    {
      break;
    }
    Json p = Json::object();
    p["rank"] = rank;
    p["count"] = count[static_cast<size_t>(rank - 1)];
    pop.push_back(p);
  }
  s["popularity"] = pop;

  // Ratings.
  if (ds.hasRatings())
  {
    std::map<double, int64_t> hist;
    double sum = 0;
    int64_t n = 0;
    for (float r : ds.rating)
    {
      if (!std::isnan(r))
      {
        hist[std::round(static_cast<double>(r) * 2.0) / 2.0] += 1;  // half-star resolution
        sum += r;
        ++n;
      }
    }
    if (hist.size() > 40)
    {
      // Continuous ratings: 20 equal-width bins instead.
      double lo = hist.begin()->first;
      double hi = hist.rbegin()->first;
      std::map<double, int64_t> binned;
      double w = (hi - lo) / 20.0;
      for (const auto& [v, c] : hist)
      {
        double b = lo + w * std::min(19.0, std::floor((v - lo) / w));
        binned[b] += c;
      }
      hist.swap(binned);
    }
    Json h = Json::array();
    for (const auto& [v, c] : hist)
    {
      Json b = Json::object();
      b["value"] = v;
      b["count"] = c;
      h.push_back(b);
    }
    s["rating_histogram"] = h;
    s["rating_mean"] = n ? sum / static_cast<double>(n) : std::nan("");
    s["rated_interactions"] = n;
  }

  // Time.
  if (ds.hasTimestamps())
  {
    std::unordered_map<int64_t, int64_t> perDay;
    int64_t lo = INT64_MAX;
    int64_t hi = INT64_MIN;
    for (int64_t t : ds.ts)
    {
      if (t == DatasetSnapshot::kMissingTs)
      {
        continue;
      }
      lo = std::min(lo, t);
      hi = std::max(hi, t);
      ++perDay[t >= 0 ? t / 86400 : -((-t + 86399) / 86400)];
    }
    std::map<std::string, int64_t> months;
    for (const auto& [day, c] : perDay)
    {
      months[monthOf(day * 86400)] += c;
    }
    if (lo <= hi)
    {
      s["time_min"] = lo;
      s["time_max"] = hi;
      Json m = Json::array();
      for (const auto& [month, c] : months)
      {
        Json b = Json::object();
        b["month"] = month;
        b["count"] = c;
        m.push_back(b);
      }
      s["interactions_per_month"] = m;
    }
  }
  return s;
}

DatasetStatistics DatasetStatistics::fromJson(const Json& j)
{
  DatasetStatistics s;
  try
  {
    s.users = j.value("users", int64_t(0));
    s.items = j.value("items", int64_t(0));
    s.interactions = j.value("interactions", int64_t(0));
    s.repeatedPairs = j.value("repeated_pairs", int64_t(0));
    s.sparsity = j.value("sparsity", 1.0);
    s.historyMean = j.value("history_mean", 0.0);
    s.historyMedian = j.value("history_median", 0.0);
    s.usersUnder5 = j.value("users_under_5", int64_t(0));
    s.itemsUnder5 = j.value("items_under_5", int64_t(0));
    if (const Json* mean = j.find("rating_mean");
        mean && mean->isNumber() && !std::isnan(mean->asDouble()))
    {
      s.ratingMean = mean->asDouble();
    }
    if (j.contains("time_min") && j.contains("time_max"))
    {
      s.timeSpan = std::make_pair(j.at("time_min").asInt(), j.at("time_max").asInt());
    }
    if (const Json* h = j.find("rating_histogram"); h && h->isArray())
    {
      for (const Json& b : h->asArray())
      {
        s.ratingHistogram.emplace_back(b.at("value").asDouble(), b.at("count").asInt());
      }
    }
    if (const Json* m = j.find("interactions_per_month"); m && m->isArray())
    {
      for (const Json& b : m->asArray())
      {
        s.perMonth.emplace_back(b.at("month").asString(), b.at("count").asInt());
      }
    }
    if (const Json* p = j.find("popularity"); p && p->isArray())
    {
      for (const Json& b : p->asArray())
      {
        s.popularity.emplace_back(b.at("rank").asInt(), b.at("count").asInt());
      }
    }
    if (const Json* h = j.find("history_lengths"); h && h->isArray())
    {
      for (const Json& b : h->asArray())
      {
        s.historyLengths.push_back(
            {b.at("from").asInt(), b.at("to").asInt(), b.at("users").asInt()});
      }
    }
    if (const Json* prep = j.find("preparation"); prep && prep->isObject())
    {
      Preparation p;
      p.parent = prep->value("parent", "");
      p.description = prep->value("description", "");
      if (const Json* steps = prep->find("steps"); steps && steps->isArray())
      {
        for (const Json& st : steps->asArray())
        {
          p.steps.emplace_back(st.value("step", ""), st.value("interactions", int64_t(0)));
        }
      }
      s.preparation = std::move(p);
    }
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error(std::string("the dataset's statistics are unreadable: ") + e.what());
  }
  return s;
}

}  // namespace m6
