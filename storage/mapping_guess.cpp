#include "storage/mapping_guess.h"

#include <algorithm>
#include <cctype>

#include "model/core/text.h"

namespace m6
{

namespace
{

struct RoleRule
{
  const char* role;
  std::vector<const char*> exact;     // whole names, best
  std::vector<const char*> prefixes;  // name starts with one of these
};

const std::vector<RoleRule>& rules()
{
  static const std::vector<RoleRule> all = {
      {"user",
       {"user", "userid", "user_id", "uid", "reviewerid", "reviewer_id", "customer", "customerid",
        "customer_id", "member_id", "account_id", "visitorid", "visitor_id", "who"},
       {"user", "reviewer", "customer", "visitor", "member", "account", "listener"}},
      {"item",
       {"item",     "itemid",      "item_id",  "iid",        "parent_asin", "asin",     "movieid",
        "movie_id", "business_id", "book_id",  "product_id", "productid",   "track_id", "artist_id",
        "song_id",  "recipe_id",   "anime_id", "game_id",    "news_id",     "poi_id"},
       {"item", "movie", "product", "book", "business", "track", "artist", "song", "recipe"}},
      {"rating",
       {"rating", "ratings", "score", "stars", "overall", "rate", "plays", "play_count",
        "playcount", "weight", "count"},
       {"rating"}},
      {"timestamp",
       {"timestamp", "unixreviewtime", "time", "ts", "datetime", "date", "when", "created_at",
        "date_added", "unix_time", "time_stamp"},
       {"timestamp", "time", "date"}},
  };
  return all;
}

/// 3 for an exact name, 2 for the last part of a dotted JSON path, 1 for a prefix, 0 otherwise.
int nameScore(const RoleRule& rule, const std::string& rawName)
{
  const std::string n = lower(rawName);
  const auto dot = n.rfind('.');
  const std::string last = dot == std::string::npos ? n : n.substr(dot + 1);
  for (const char* e : rule.exact)
  {
    if (n == e)
    {
      return 3;
    }
    if (last == e)
    {
      return 2;
    }
  }
  for (const char* p : rule.prefixes)
  {
    if (n.rfind(p, 0) == 0)
    {
      return 1;
    }
  }
  return 0;
}

std::vector<std::string> columnSamples(const Preview& p, size_t c)
{
  std::vector<std::string> out;
  for (const auto& row : p.rows)
  {
    if (c < row.size() && !row[c].empty())
    {
      out.push_back(row[c]);
    }
  }
  return out;
}

// A column keeps its role when most of its sample values fit it: one bad value among the first
// rows is a row the import rejects, not a reason to guess another column.
bool mostly(size_t good, size_t all)
{
  return all > 0 && 2 * good > all;
}

bool mostlyNumeric(const std::vector<std::string>& samples)
{
  size_t good = 0;
  for (const auto& s : samples)
  {
    int64_t t = 0;
    good += parseTimestamp(s, TimeFormat::Unix, &t) ? 1 : 0;
  }
  return mostly(good, samples.size());
}

bool mostlyTimes(const std::vector<std::string>& samples)
{
  const TimeFormat f = guessTimeFormat(samples);
  size_t good = 0;
  for (const auto& s : samples)
  {
    int64_t t = 0;
    good += parseTimestamp(s, f, &t) && t >= kMinTimestamp && t < kMaxTimestamp ? 1 : 0;
  }
  return mostly(good, samples.size());
}

}  // namespace

TimeFormat guessTimeFormat(const std::vector<std::string>& samples)
{
  if (samples.empty())
  {
    return TimeFormat::Auto;
  }
  bool seconds = true;
  bool millis = true;
  bool iso = true;
  bool any = false;
  for (const auto& s : samples)
  {
    int64_t t = 0;
    if (!parseTimestamp(s, TimeFormat::Auto, &t))
    {
      continue;  // a bad value says nothing about the format of the good ones
    }
    any = true;
    if (parseTimestamp(s, TimeFormat::Unix, &t))
    {
      seconds = seconds && t >= kMinTimestamp && t < kMaxTimestamp;
      // Milliseconds: a count whose thousandth part is a date (seconds are tried first, so a
      // count that is a date in seconds stays seconds).
      millis = millis && t / 1000 >= kMinTimestamp && t / 1000 < kMaxTimestamp;
      iso = false;
    }
    else
    {
      seconds = millis = false;
      iso = iso && parseTimestamp(s, TimeFormat::Iso8601, &t);
    }
  }
  if (!any)
  {
    return TimeFormat::Auto;
  }
  if (seconds)
  {
    return TimeFormat::Unix;
  }
  if (millis)
  {
    return TimeFormat::UnixMillis;
  }
  return iso ? TimeFormat::Iso8601 : TimeFormat::Auto;
}

RoleGuess guessInteractionRoles(const Preview& p)
{
  RoleGuess g;
  const size_t n = !p.header.empty() ? p.header.size() : (p.rows.empty() ? 0 : p.rows[0].size());
  g.roles.assign(n, "");
  if (p.header.empty())
  {
    const char* byPos[] = {"user", "item", "rating", "timestamp"};
    for (size_t c = 0; c < n && c < 4; ++c)
    {
      const auto samples = columnSamples(p, c);
      if ((c == 2 && !mostlyNumeric(samples)) || (c == 3 && !mostlyTimes(samples)))
      {
        continue;
      }
      g.roles[c] = byPos[c];
    }
  }
  else
  {
    for (const auto& rule : rules())
    {
      int best = -1;
      int bestScore = 0;
      for (size_t c = 0; c < n; ++c)
      {
        if (!g.roles[c].empty())
        {
          continue;
        }
        const int score = nameScore(rule, p.header[c]);
        if (score <= bestScore)
        {
          continue;
        }
        const std::string role = rule.role;
        const auto samples = columnSamples(p, c);
        if ((role == "timestamp" && !mostlyTimes(samples)) ||
            (role == "rating" && !mostlyNumeric(samples)))
        {
          continue;
        }
        best = static_cast<int>(c);
        bestScore = score;
      }
      if (best >= 0)
      {
        g.roles[static_cast<size_t>(best)] = rule.role;
      }
    }
  }
  for (size_t c = 0; c < n; ++c)
  {
    if (g.roles[c] == "timestamp")
    {
      g.timeFormat = guessTimeFormat(columnSamples(p, c));
    }
  }
  return g;
}

}  // namespace m6
