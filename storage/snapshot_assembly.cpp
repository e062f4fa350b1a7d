#include "storage/snapshot_assembly.h"

#include <algorithm>

#include "model/core/rng.h"

namespace m6::import_detail
{

namespace
{

// Puts row perm[n] of every per-interaction column at row n, one cycle of the permutation at a
// time, marking finished rows in `perm` (which it uses up): the import never holds a column
// twice, 300 MB less at its peak at 25M rows than gathering into new arrays.
void permuteInPlace(std::vector<int32_t>& perm, ImportColumns& cols)
{
  const bool hasR = cols.hasRatings;
  const bool hasT = cols.hasTimes;
  for (size_t start = 0; start < perm.size(); ++start)
  {
    if (perm[start] < 0)
    {
      continue;
    }
    const int32_t user = cols.user[start];
    const int32_t item = cols.item[start];
    const float rating = hasR ? cols.rating[start] : 0.0f;
    const int64_t ts = hasT ? cols.ts[start] : 0;
    size_t to = start;
    for (;;)
    {
      const auto from = static_cast<size_t>(perm[to]);
      perm[to] = -1;
      if (from == start)
      {
        cols.user[to] = user;
        cols.item[to] = item;
        if (hasR)
        {
          cols.rating[to] = rating;
        }
        if (hasT)
        {
          cols.ts[to] = ts;
        }
        break;
      }
      cols.user[to] = cols.user[from];
      cols.item[to] = cols.item[from];
      if (hasR)
      {
        cols.rating[to] = cols.rating[from];
      }
      if (hasT)
      {
        cols.ts[to] = cols.ts[from];
      }
      to = from;
    }
  }
}

}  // namespace

DatasetSnapshot assembleSnapshot(const std::string& name, ImportColumns& cols)
{
  DatasetSnapshot ds;
  ds.name = name;
  const int32_t nU = cols.users.size();
  const int32_t nI = cols.items.size();
  const auto nX = static_cast<int64_t>(cols.user.size());
  std::vector<int32_t> userOrder = naturalOrder(cols.users);  // new -> old
  std::vector<int32_t> itemOrder = naturalOrder(cols.items);
  std::vector<int32_t> userNew(static_cast<size_t>(nU));
  std::vector<int32_t> itemNew(static_cast<size_t>(nI));
  for (int32_t k = 0; k < nU; ++k)
  {
    userNew[static_cast<size_t>(userOrder[static_cast<size_t>(k)])] = k;
    ds.userIds.push_back(cols.users.at(userOrder[static_cast<size_t>(k)]));
  }
  for (int32_t k = 0; k < nI; ++k)
  {
    itemNew[static_cast<size_t>(itemOrder[static_cast<size_t>(k)])] = k;
    ds.itemIds.push_back(cols.items.at(itemOrder[static_cast<size_t>(k)]));
  }
  if (!cols.titles.empty())
  {
    ds.itemTitles.resize(static_cast<size_t>(nI));
    for (int32_t k = 0; k < nI; ++k)
    {
      auto old = static_cast<size_t>(itemOrder[static_cast<size_t>(k)]);
      if (old < cols.titles.size())
      {
        ds.itemTitles[static_cast<size_t>(k)] = cols.titles[old];
      }
    }
  }

  // Counting sort by user (stable, keeps file order), then by time within each user (without
  // times: a fixed shuffle within each user, see DatasetSnapshot::shuffledWithinUser).
  ds.userStart.assign(static_cast<size_t>(nU) + 1, 0);
  for (int64_t n = 0; n < nX; ++n)
  {
    ++ds.userStart[static_cast<size_t>(
                       userNew[static_cast<size_t>(cols.user[static_cast<size_t>(n)])]) +
                   1];
  }
  for (size_t u = 1; u < ds.userStart.size(); ++u)
  {
    ds.userStart[u] += ds.userStart[u - 1];
  }
  // perm[newRow] = oldRow, 32 bits (the importer refuses more rows): at 25M rows that is 100 MB
  // less at the import's peak, and it is also the context fields' row order as it stands.
  std::vector<int32_t> perm(static_cast<size_t>(nX));
  {
    std::vector<int64_t> cursor(ds.userStart.begin(), ds.userStart.end() - 1);
    for (int64_t n = 0; n < nX; ++n)
    {
      auto u = static_cast<size_t>(userNew[static_cast<size_t>(cols.user[static_cast<size_t>(n)])]);
      perm[static_cast<size_t>(cursor[u]++)] = static_cast<int32_t>(n);
    }
  }
  if (cols.hasTimes)
  {
    for (int32_t u = 0; u < nU; ++u)
    {
      auto b = perm.begin() + ds.userStart[static_cast<size_t>(u)];
      auto e = perm.begin() + ds.userStart[static_cast<size_t>(u) + 1];
      std::stable_sort(b, e,
                       [&](int32_t a, int32_t c) {
                         return cols.ts[static_cast<size_t>(a)] < cols.ts[static_cast<size_t>(c)];
                       });
    }
  }
  else
  {
    // No times: a fixed pseudo-random order per user (a hash of the file position, the same
    // for the same file on every machine), so leave-one-out holds out a random interaction.
    auto key = [](int64_t n) { return splitMix64(static_cast<uint64_t>(n)); };
    for (int32_t u = 0; u < nU; ++u)
    {
      auto b = perm.begin() + ds.userStart[static_cast<size_t>(u)];
      auto e = perm.begin() + ds.userStart[static_cast<size_t>(u) + 1];
      std::sort(b, e, [&](int32_t a, int32_t c) { return key(a) < key(c); });
    }
    ds.shuffledWithinUser = true;
  }
  for (auto& b : cols.userFields)
  {
    ds.userFields.push_back(b->finish(nU, userOrder));
  }
  for (auto& b : cols.itemFields)
  {
    ds.itemFields.push_back(b->finish(nI, itemOrder));
  }
  // The context fields first: they take the row order as it is, and the step below uses it up.
  for (auto& b : cols.contextFields)
  {
    ds.contextFields.push_back(b->finish(nX, perm));
  }
  permuteInPlace(perm, cols);
  std::vector<int32_t>().swap(perm);
  for (int64_t n = 0; n < nX; ++n)
  {
    auto& u = cols.user[static_cast<size_t>(n)];
    auto& i = cols.item[static_cast<size_t>(n)];
    u = userNew[static_cast<size_t>(u)];
    i = itemNew[static_cast<size_t>(i)];
  }
  ds.user = std::move(cols.user);
  ds.item = std::move(cols.item);
  if (cols.hasRatings)
  {
    ds.rating = std::move(cols.rating);
  }
  if (cols.hasTimes)
  {
    ds.ts = std::move(cols.ts);
  }

  // Titles are also a text feature the model can read.
  if (!ds.itemTitles.empty())
  {
    bool named = std::any_of(ds.itemFields.begin(), ds.itemFields.end(),
                             [](const FieldColumn& c) { return c.name == "title"; });
    if (!named)
    {
      FieldColumn t;
      t.name = "title";
      t.kind = FieldKind::Text;
      t.texts = ds.itemTitles;
      ds.itemFields.push_back(std::move(t));
    }
  }
  return ds;
}

}  // namespace m6::import_detail
