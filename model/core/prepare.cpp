// Over 500 lines: the preparation pipeline (dedupe, rating filter, k-core, row selection, rebuild)
// and its recipe's JSON, each step a short function.

#include "model/core/prepare.h"

#include <cmath>
#include <cstring>
#include <sstream>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

namespace m6
{

namespace
{

using Mask = std::vector<uint8_t>;

bool cancelled(const std::atomic<bool>* cancel)
{
  return cancel && cancel->load(std::memory_order_relaxed);
}

std::string number(double x)
{
  std::ostringstream os;
  os << x;
  return os.str();
}

std::string utcDate(int64_t t)
{
  // Days since the epoch to a civil date (Howard Hinnant's algorithm), no locale or time zone.
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y),
                static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

PrepareStep countKept(const DatasetSnapshot& s, const Mask& keep, std::string name)
{
  PrepareStep st;
  st.step = std::move(name);
  std::vector<uint8_t> itemSeen(static_cast<size_t>(s.numItems()), 0);
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    bool any = false;
    for (int64_t n = s.userStart[static_cast<size_t>(u)];
         n < s.userStart[static_cast<size_t>(u) + 1]; ++n)
    {
      if (keep[static_cast<size_t>(n)])
      {
        any = true;
        ++st.interactions;
        uint8_t& seen = itemSeen[static_cast<size_t>(s.item[static_cast<size_t>(n)])];
        st.items += seen ? 0 : 1;
        seen = 1;
      }
    }
    st.users += any ? 1 : 0;
  }
  return st;
}

/// The bytes that make two rows "the same row" for exact deduplication (user aside: rows are
/// compared within one user).
void rowKey(const DatasetSnapshot& s, int64_t n, std::string* key)
{
  key->clear();
  auto put = [key](const void* p, size_t len) { key->append(static_cast<const char*>(p), len); };
  const auto i = static_cast<size_t>(n);
  put(&s.item[i], sizeof(int32_t));
  if (s.hasRatings())
  {
    put(&s.rating[i], sizeof(float));
  }
  if (s.hasTimestamps())
  {
    put(&s.ts[i], sizeof(int64_t));
  }
  for (const auto& f : s.contextFields)
  {
    if (!f.offsets.empty())
    {
      const int64_t b = f.offsets[i];
      const int64_t e = f.offsets[i + 1];
      put(&e, sizeof e);  // lengths differ -> keys differ
      put(f.codes.data() + b, static_cast<size_t>(e - b) * sizeof(int32_t));
    }
    else if (!f.codes.empty())
    {
      put(&f.codes[i], sizeof(int32_t));
    }
    if (!f.values.empty())
    {
      put(&f.values[i], sizeof(double));
    }
    if (!f.texts.empty())
    {
      const uint64_t len = f.texts[i].size();
      put(&len, sizeof len);
      key->append(f.texts[i]);
    }
  }
}

void dedupe(const DatasetSnapshot& s, Dedupe how, Mask& keep)
{
  std::unordered_set<std::string> seen;
  std::unordered_map<int32_t, int64_t> byItem;
  std::string key;
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    const int64_t b = s.userStart[static_cast<size_t>(u)];
    const int64_t e = s.userStart[static_cast<size_t>(u) + 1];
    seen.clear();
    byItem.clear();
    for (int64_t n = b; n < e; ++n)
    {
      if (!keep[static_cast<size_t>(n)])
      {
        continue;
      }
      if (how == Dedupe::Exact)
      {
        rowKey(s, n, &key);
        if (!seen.insert(key).second)
        {
          keep[static_cast<size_t>(n)] = 0;
        }
        continue;
      }
      const int32_t item = s.item[static_cast<size_t>(n)];
      auto it = byItem.find(item);
      if (it == byItem.end())
      {
        byItem.emplace(item, n);
      }
      else if (how == Dedupe::KeepFirst)
      {
        keep[static_cast<size_t>(n)] = 0;
      }
      else
      {
        // Rows are in time order within a user: the later one wins.
        keep[static_cast<size_t>(it->second)] = 0;
        it->second = n;
      }
    }
  }
}

void kCore(const DatasetSnapshot& s, int64_t minUser, int64_t minItem, Mask& keep,
           const std::atomic<bool>* cancel)
{
  std::vector<int64_t> userCount(static_cast<size_t>(s.numUsers()));
  std::vector<int64_t> itemCount(static_cast<size_t>(s.numItems()));
  for (;;)
  {
    std::fill(userCount.begin(), userCount.end(), 0);
    std::fill(itemCount.begin(), itemCount.end(), 0);
    for (size_t n = 0; n < keep.size(); ++n)
    {
      if (keep[n])
      {
        ++userCount[static_cast<size_t>(s.user[n])];
        ++itemCount[static_cast<size_t>(s.item[n])];
      }
    }
    bool removed = false;
    for (size_t n = 0; n < keep.size(); ++n)
    {
      if (keep[n] && (userCount[static_cast<size_t>(s.user[n])] < minUser ||
                      itemCount[static_cast<size_t>(s.item[n])] < minItem))
      {
        keep[n] = 0;
        removed = true;
      }
    }
    if (!removed || cancelled(cancel))
    {
      return;
    }
  }
}

std::string kCoreName(const PrepareRecipe& r)
{
  if (r.minUser == r.minItem)
  {
    return std::to_string(r.minUser) + "-core";
  }
  if (r.minItem <= 1)
  {
    return "users with >= " + std::to_string(r.minUser) + " interactions";
  }
  if (r.minUser <= 1)
  {
    return "items with >= " + std::to_string(r.minItem) + " interactions";
  }
  return "users >= " + std::to_string(r.minUser) + ", items >= " + std::to_string(r.minItem) +
         " interactions (iterated)";
}

/// Runs the steps on a mask; the counts after each step.
std::vector<PrepareStep> runSteps(const DatasetSnapshot& s, const PrepareRecipe& r, Mask& keep,
                                  const std::atomic<bool>* cancel)
{
  if (std::string why = checkRecipe(s, r); !why.empty())
  {
    throw std::invalid_argument(why);
  }
  keep.assign(static_cast<size_t>(s.numInteractions()), 1);
  std::vector<PrepareStep> steps;
  steps.push_back(countKept(s, keep, "imported"));
  if (r.dedupe != Dedupe::None)
  {
    dedupe(s, r.dedupe, keep);
    steps.push_back(countKept(s, keep, std::string("dedupe ") + dedupeName(r.dedupe)));
  }
  if (r.hasMinRating)
  {
    for (size_t n = 0; n < keep.size(); ++n)
    {
      // NaN (no rating) fails the comparison and goes.
      keep[n] = keep[n] && s.rating[n] >= r.minRating;
    }
    steps.push_back(countKept(s, keep, "rating >= " + number(r.minRating)));
  }
  if (r.hasFrom || r.hasTo)
  {
    for (size_t n = 0; n < keep.size(); ++n)
    {
      const int64_t t = s.ts[n];
      const bool in =
          t != DatasetSnapshot::kMissingTs && (!r.hasFrom || t >= r.from) && (!r.hasTo || t < r.to);
      keep[n] = keep[n] && in;
    }
    steps.push_back(countKept(s, keep,
                              "time " + (r.hasFrom ? "from " + utcDate(r.from) : std::string()) +
                                  (r.hasFrom && r.hasTo ? " " : "") +
                                  (r.hasTo ? "before " + utcDate(r.to) : "")));
  }
  if (r.maxPerUser > 0)
  {
    for (int64_t u = 0; u < s.numUsers(); ++u)
    {
      int64_t left = r.maxPerUser;
      for (int64_t n = s.userStart[static_cast<size_t>(u) + 1] - 1;
           n >= s.userStart[static_cast<size_t>(u)]; --n)
      {
        if (keep[static_cast<size_t>(n)])
        {
          keep[static_cast<size_t>(n)] = left > 0 ? 1 : 0;
          --left;
        }
      }
    }
    steps.push_back(countKept(s, keep, "last " + std::to_string(r.maxPerUser) + " per user"));
  }
  if (r.minUser > 1 || r.minItem > 1)
  {
    kCore(s, r.minUser, r.minItem, keep, cancel);
    steps.push_back(countKept(s, keep, kCoreName(r)));
  }
  return steps;
}

FieldColumn selectRows(const FieldColumn& f, const std::vector<int64_t>& rows)
{
  FieldColumn out;
  out.name = f.name;
  out.kind = f.kind;
  out.vocab = f.vocab;
  if (!f.offsets.empty())
  {
    out.offsets.reserve(rows.size() + 1);
    out.offsets.push_back(0);
    for (int64_t r : rows)
    {
      const auto i = static_cast<size_t>(r);
      out.codes.insert(out.codes.end(), f.codes.begin() + f.offsets[i],
                       f.codes.begin() + f.offsets[i + 1]);
      out.offsets.push_back(static_cast<int64_t>(out.codes.size()));
    }
  }
  else if (!f.codes.empty())
  {
    out.codes.reserve(rows.size());
    for (int64_t r : rows)
    {
      out.codes.push_back(f.codes[static_cast<size_t>(r)]);
    }
  }
  if (!f.values.empty())
  {
    out.values.reserve(rows.size());
    for (int64_t r : rows)
    {
      out.values.push_back(f.values[static_cast<size_t>(r)]);
    }
  }
  if (!f.texts.empty())
  {
    out.texts.reserve(rows.size());
    for (int64_t r : rows)
    {
      out.texts.push_back(f.texts[static_cast<size_t>(r)]);
    }
  }
  return out;
}

template <typename T>
std::vector<T> gather(const std::vector<T>& v, const std::vector<int64_t>& rows)
{
  std::vector<T> out;
  if (v.empty())
  {
    return out;
  }
  out.reserve(rows.size());
  for (int64_t r : rows)
  {
    out.push_back(v[static_cast<size_t>(r)]);
  }
  return out;
}

DatasetSnapshot build(const DatasetSnapshot& s, const Mask& keep)
{
  std::vector<int32_t> newUser(static_cast<size_t>(s.numUsers()), -1);
  std::vector<int32_t> newItem(static_cast<size_t>(s.numItems()), -1);
  std::vector<int64_t> rows;
  for (size_t n = 0; n < keep.size(); ++n)
  {
    if (keep[n])
    {
      rows.push_back(static_cast<int64_t>(n));
      newUser[static_cast<size_t>(s.user[n])] = 0;
      newItem[static_cast<size_t>(s.item[n])] = 0;
    }
  }
  std::vector<int64_t> users, items;
  for (size_t u = 0; u < newUser.size(); ++u)
  {
    if (newUser[u] == 0)
    {
      newUser[u] = static_cast<int32_t>(users.size());
      users.push_back(static_cast<int64_t>(u));
    }
  }
  for (size_t i = 0; i < newItem.size(); ++i)
  {
    if (newItem[i] == 0)
    {
      newItem[i] = static_cast<int32_t>(items.size());
      items.push_back(static_cast<int64_t>(i));
    }
  }
  DatasetSnapshot out;
  out.name = s.name;
  out.shuffledWithinUser = s.shuffledWithinUser;
  out.userIds = gather(s.userIds, users);
  out.itemIds = gather(s.itemIds, items);
  out.itemTitles = gather(s.itemTitles, items);
  out.rating = gather(s.rating, rows);
  out.ts = gather(s.ts, rows);
  out.user.reserve(rows.size());
  out.item.reserve(rows.size());
  out.userStart.assign(users.size() + 1, 0);
  for (int64_t r : rows)
  {
    const int32_t u = newUser[static_cast<size_t>(s.user[static_cast<size_t>(r)])];
    out.user.push_back(u);
    out.item.push_back(newItem[static_cast<size_t>(s.item[static_cast<size_t>(r)])]);
    ++out.userStart[static_cast<size_t>(u) + 1];
  }
  for (size_t u = 0; u < users.size(); ++u)
  {
    out.userStart[u + 1] += out.userStart[u];
  }
  for (const auto& f : s.userFields)
  {
    out.userFields.push_back(selectRows(f, users));
  }
  for (const auto& f : s.itemFields)
  {
    out.itemFields.push_back(selectRows(f, items));
  }
  for (const auto& f : s.contextFields)
  {
    out.contextFields.push_back(selectRows(f, rows));
  }
  return out;
}

}  // namespace

DatasetSnapshot reorderedInteractions(const DatasetSnapshot& s, const std::vector<int64_t>& order)
{
  if (static_cast<int64_t>(order.size()) != s.numInteractions())
  {
    throw std::invalid_argument("reorderedInteractions: the order has " +
                                std::to_string(order.size()) + " entries for " +
                                std::to_string(s.numInteractions()) + " interactions");
  }
  DatasetSnapshot out;
  out.name = s.name;
  out.datasetId = s.datasetId;
  out.userIds = s.userIds;
  out.itemIds = s.itemIds;
  out.itemTitles = s.itemTitles;
  out.userStart = s.userStart;
  out.userFields = s.userFields;
  out.itemFields = s.itemFields;
  out.groundTruthJson = s.groundTruthJson;
  out.preparation = s.preparation;
  out.shuffledWithinUser = s.shuffledWithinUser;
  out.user = gather(s.user, order);
  out.item = gather(s.item, order);
  out.rating = gather(s.rating, order);
  out.ts = gather(s.ts, order);
  for (const auto& f : s.contextFields)
  {
    out.contextFields.push_back(selectRows(f, order));
  }
  for (size_t n = 0; n < order.size(); ++n)
  {
    if (out.user[n] != s.user[n])
    {
      throw std::invalid_argument("reorderedInteractions: position " + std::to_string(n) +
                                  " moves an interaction to another user's range");
    }
  }
  return out;
}

const char* dedupeName(Dedupe d)
{
  switch (d)
  {
    case Dedupe::Exact:
      return "exact";
    case Dedupe::KeepFirst:
      return "keep-first";
    case Dedupe::KeepLast:
      return "keep-last";
    case Dedupe::None:
      break;
  }
  return "none";
}

bool parseDedupe(const std::string& s, Dedupe* out)
{
  for (Dedupe d : {Dedupe::None, Dedupe::Exact, Dedupe::KeepFirst, Dedupe::KeepLast})
  {
    if (s == dedupeName(d))
    {
      *out = d;
      return true;
    }
  }
  return false;
}

bool PrepareRecipe::empty() const
{
  return dedupe == Dedupe::None && !hasMinRating && !hasFrom && !hasTo && maxPerUser <= 0 &&
         minUser <= 1 && minItem <= 1;
}

std::string PrepareRecipe::describe() const
{
  std::vector<std::string> parts;
  if (dedupe != Dedupe::None)
  {
    parts.push_back(std::string("dedupe ") + dedupeName(dedupe));
  }
  if (hasMinRating)
  {
    parts.push_back("rating >= " + number(minRating));
  }
  if (hasFrom)
  {
    parts.push_back("from " + utcDate(from));
  }
  if (hasTo)
  {
    parts.push_back("before " + utcDate(to));
  }
  if (maxPerUser > 0)
  {
    parts.push_back("last " + std::to_string(maxPerUser) + " per user");
  }
  if (minUser > 1 || minItem > 1)
  {
    parts.push_back(kCoreName(*this));
  }
  std::string out;
  for (const auto& p : parts)
  {
    out += (out.empty() ? "" : ", ") + p;
  }
  return out;
}

Json PrepareRecipe::toJson() const
{
  Json j = Json::object();
  j["dedupe"] = dedupeName(dedupe);
  if (hasMinRating)
  {
    j["min_rating"] = minRating;
  }
  if (hasFrom)
  {
    j["from"] = from;
  }
  if (hasTo)
  {
    j["to"] = to;
  }
  j["max_per_user"] = maxPerUser;
  j["min_user"] = minUser;
  j["min_item"] = minItem;
  return j;
}

PrepareRecipe PrepareRecipe::fromJson(const Json& j)
{
  if (!j.isObject())
  {
    throw std::invalid_argument("a preparation recipe is a JSON object");
  }
  PrepareRecipe r;
  const std::string d = j.value("dedupe", "none");
  if (!parseDedupe(d, &r.dedupe))
  {
    throw std::invalid_argument("dedupe: \"" + d +
                                "\" is not none, exact, keep-first or keep-last");
  }
  if (const Json* m = j.find("min_rating"))
  {
    r.hasMinRating = true;
    r.minRating = m->asDouble();
  }
  if (const Json* f = j.find("from"))
  {
    r.hasFrom = true;
    r.from = f->asInt();
  }
  if (const Json* t = j.find("to"))
  {
    r.hasTo = true;
    r.to = t->asInt();
  }
  r.maxPerUser = j.value("max_per_user", int64_t(0));
  r.minUser = j.value("min_user", int64_t(0));
  r.minItem = j.value("min_item", int64_t(0));
  return r;
}

Json prepareStepsToJson(const std::vector<PrepareStep>& steps)
{
  Json a = Json::array();
  for (const auto& s : steps)
  {
    Json j = Json::object();
    j["step"] = s.step;
    j["users"] = s.users;
    j["items"] = s.items;
    j["interactions"] = s.interactions;
    a.push_back(j);
  }
  return a;
}

std::string checkRecipe(const DatasetSnapshot& in, const PrepareRecipe& r)
{
  if (r.hasMinRating && !in.hasRatings())
  {
    return "min-rating: the dataset has no ratings";
  }
  if (r.hasMinRating && !std::isfinite(r.minRating))
  {
    return "min-rating: not a number";
  }
  if ((r.hasFrom || r.hasTo) && !in.hasTimestamps())
  {
    return "from/to: the dataset has no interaction times";
  }
  if (r.hasFrom && r.hasTo && r.from >= r.to)
  {
    return "from/to: the window is empty (from is not before to)";
  }
  if (r.maxPerUser < 0)
  {
    return "max-per-user: must be 0 (no cap) or more";
  }
  if (r.minUser < 0 || r.minItem < 0)
  {
    return "k-core: the minimum counts must be 0 or more";
  }
  return "";
}

std::vector<PrepareStep> previewPreparation(const DatasetSnapshot& in, const PrepareRecipe& r)
{
  Mask keep;
  return runSteps(in, r, keep, nullptr);
}

PreparedDataset prepareDataset(const DatasetSnapshot& in, const PrepareRecipe& recipe,
                               const std::atomic<bool>* cancel)
{
  PreparedDataset out;
  Mask keep;
  out.steps = runSteps(in, recipe, keep, cancel);
  if (cancelled(cancel))
  {
    return out;
  }
  out.snapshot = build(in, keep);
  return out;
}

}  // namespace m6
