// Workspace::loadSnapshot: a dataset read back into the contiguous arrays of a DatasetSnapshot,
// with progress and cancellation.
#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_map>

#include "storage/sqlite.h"
#include "storage/workspace.h"
#include "storage/workspace_db.h"
#include "storage/workspace_internal.h"

namespace m6
{

namespace
{

using workspace_detail::Cancelled;
using workspace_detail::cancelled;

/// Progress of the interactions' read (phase, done, total); throws Cancelled when asked to stop.
using Tick = std::function<void(const char* phase, int64_t done, int64_t total)>;

// What the datasets row keeps beside the counts: ground truth, order, preparation.
void readDescription(sql::Db& db, int64_t datasetId, DatasetSnapshot& ds)
{
  const std::string where = " FROM datasets WHERE id = " + std::to_string(datasetId);
  ds.groundTruthJson = db.queryText("SELECT ground_truth_json" + where);
  ds.shuffledWithinUser =
      db.queryText("SELECT coalesce(json_extract(stats_json, '$.interaction_order'), '')" +
                   where) == "shuffled";
  ds.preparation = db.queryText(
      "SELECT coalesce(json_extract(stats_json, '$.preparation.description'), '')" + where);
}

Status readUsers(sql::Db& db, const DatasetInfo& info, DatasetSnapshot& ds)
{
  ds.userIds.resize(static_cast<size_t>(info.users));
  ds.userStart.assign(static_cast<size_t>(info.users) + 1, 0);
  auto s = db.prepare(
      "SELECT idx, external_id, first_seq, n_interactions FROM users WHERE dataset_id = ? "
      "ORDER BY idx");
  s.bind(1, info.id);
  while (s.step())
  {
    auto u = static_cast<size_t>(s.columnInt(0));
    if (u >= ds.userIds.size())
    {
      return makeError("workspace is inconsistent: user index out of range");
    }
    ds.userIds[u] = s.columnText(1);
    ds.userStart[u] = s.columnInt(2);
    ds.userStart[u + 1] = s.columnInt(2) + s.columnInt(3);
  }
  return {};
}

Status readItems(sql::Db& db, const DatasetInfo& info, DatasetSnapshot& ds)
{
  ds.itemIds.resize(static_cast<size_t>(info.items));
  ds.itemTitles.resize(static_cast<size_t>(info.items));
  auto s =
      db.prepare("SELECT idx, external_id, title FROM items WHERE dataset_id = ? ORDER BY idx");
  s.bind(1, info.id);
  while (s.step())
  {
    auto i = static_cast<size_t>(s.columnInt(0));
    if (i >= ds.itemIds.size())
    {
      return makeError("workspace is inconsistent: item index out of range");
    }
    ds.itemIds[i] = s.columnText(1);
    ds.itemTitles[i] = s.columnText(2);
  }
  return {};
}

Status readInteractions(sql::Db& db, const DatasetInfo& info, DatasetSnapshot& ds, const Tick& tick)
{
  const int64_t nX = info.interactions;
  ds.user.resize(static_cast<size_t>(nX));
  ds.item.resize(static_cast<size_t>(nX));
  if (info.hasRatings)
  {
    ds.rating.resize(static_cast<size_t>(nX));
  }
  if (info.hasTimestamps)
  {
    ds.ts.resize(static_cast<size_t>(nX));
  }
  auto s = db.prepare(
      "SELECT seq, user_idx, item_idx, rating, ts FROM interactions WHERE dataset_id = ? "
      "ORDER BY seq");
  s.bind(1, info.id);
  int64_t n = 0;
  while (s.step())
  {
    auto k = static_cast<size_t>(s.columnInt(0));
    if (k >= ds.user.size())
    {
      return makeError("workspace is inconsistent: interaction sequence out of range");
    }
    ds.user[k] = static_cast<int32_t>(s.columnInt(1));
    ds.item[k] = static_cast<int32_t>(s.columnInt(2));
    if (info.hasRatings)
    {
      ds.rating[k] = static_cast<float>(s.columnDouble(3));
    }
    if (info.hasTimestamps)
    {
      ds.ts[k] = s.isNull(4) ? DatasetSnapshot::kMissingTs : s.columnInt(4);
    }
    if ((++n & 0xFFFF) == 0)
    {
      tick("Reading interactions", n, nX);
    }
  }
  if (n != nX)
  {
    return makeError("workspace is inconsistent: expected " + std::to_string(nX) +
                     " interactions, found " + std::to_string(n));
  }
  return {};
}

// Vocabularies come back in first-use order; sorted, codes are stable and readable.
void sortVocabulary(FieldColumn& col)
{
  std::vector<int32_t> order(col.vocab.size());
  for (size_t v = 0; v < order.size(); ++v)
  {
    order[v] = static_cast<int32_t>(v);
  }
  std::sort(order.begin(), order.end(),
            [&](int32_t a, int32_t b)
            { return col.vocab[static_cast<size_t>(a)] < col.vocab[static_cast<size_t>(b)]; });
  std::vector<int32_t> remap(col.vocab.size());
  std::vector<std::string> sorted(col.vocab.size());
  for (size_t r = 0; r < order.size(); ++r)
  {
    remap[static_cast<size_t>(order[r])] = static_cast<int32_t>(r);
    sorted[r] = col.vocab[static_cast<size_t>(order[r])];
  }
  for (auto& c : col.codes)
  {
    if (c >= 0)
    {
      c = remap[static_cast<size_t>(c)];
    }
  }
  col.vocab = std::move(sorted);
}

// One field's values for its `n` entities, through the shared `values` statement.
FieldColumn readField(sql::Stmt& values, const FieldInfo& fi, int64_t n)
{
  FieldColumn col;
  col.name = fi.name;
  col.kind = fi.kind;
  values.bind(1, fi.id);
  std::unordered_map<std::string, int32_t> vocab;
  auto code = [&](const std::string& v)
  {
    auto [it, added] = vocab.emplace(v, static_cast<int32_t>(col.vocab.size()));
    if (added)
    {
      col.vocab.push_back(v);
    }
    return it->second;
  };
  switch (fi.kind)
  {
    case FieldKind::Categorical:
      col.codes.assign(static_cast<size_t>(n), -1);
      while (values.step())
      {
        col.codes[static_cast<size_t>(values.columnInt(0))] = code(values.columnText(2));
      }
      break;
    case FieldKind::Multi:
      col.offsets.assign(static_cast<size_t>(n) + 1, 0);
      while (values.step())
      {
        col.codes.push_back(code(values.columnText(2)));
        ++col.offsets[static_cast<size_t>(values.columnInt(0)) + 1];
      }
      for (size_t e = 1; e < col.offsets.size(); ++e)
      {
        col.offsets[e] += col.offsets[e - 1];
      }
      break;
    case FieldKind::Numeric:
    case FieldKind::Timestamp:
      col.values.assign(static_cast<size_t>(n), std::nan(""));
      while (values.step())
      {
        col.values[static_cast<size_t>(values.columnInt(0))] = values.columnDouble(2);
      }
      break;
    case FieldKind::Text:
      col.texts.assign(static_cast<size_t>(n), std::string());
      while (values.step())
      {
        col.texts[static_cast<size_t>(values.columnInt(0))] = values.columnText(2);
      }
      break;
  }
  values.reset();
  if (fi.kind == FieldKind::Categorical || fi.kind == FieldKind::Multi)
  {
    sortVocabulary(col);
  }
  return col;
}

}  // namespace

Result<DatasetSnapshot> Workspace::loadSnapshot(int64_t datasetId, const ProgressFn& progress,
                                                const std::atomic<bool>* cancel)
{
  auto info = datasetById(datasetId);
  if (!info)
  {
    return errorOf(info);
  }
  const Tick tick = [&](const char* phase, int64_t done, int64_t total)
  {
    if (progress)
    {
      StorageProgress p;
      p.phase = phase;
      p.done = done;
      p.total = total;
      progress(p);
    }
    if (cancelled(cancel))
    {
      throw Cancelled{};
    }
  };
  try
  {
    DatasetSnapshot ds;
    ds.name = info->name;
    ds.datasetId = datasetId;
    readDescription(*db_, datasetId, ds);
    for (auto* step : {&readUsers, &readItems})
    {
      if (auto ok = step(*db_, *info, ds); !ok)
      {
        return errorOf(ok);
      }
    }
    if (auto ok = readInteractions(*db_, *info, ds, tick); !ok)
    {
      return errorOf(ok);
    }
    auto fieldList = fields(datasetId);
    if (!fieldList)
    {
      return errorOf(fieldList);
    }
    auto values = db_->prepare(
        "SELECT entity_idx, ord, value FROM field_values WHERE field_id = ? "
        "ORDER BY entity_idx, ord");
    for (const auto& fi : *fieldList)
    {
      const int64_t n = fi.entity == FieldEntity::User   ? info->users
                        : fi.entity == FieldEntity::Item ? info->items
                                                         : info->interactions;
      (fi.entity == FieldEntity::User   ? ds.userFields
       : fi.entity == FieldEntity::Item ? ds.itemFields
                                        : ds.contextFields)
          .push_back(readField(values, fi, n));
      tick("Reading features", 0, 0);
    }
    return ds;
  }
  catch (const Cancelled&)
  {
    return cancelledError();
  }
  catch (const sql::SqliteError& e)
  {
    return makeError(std::string("cannot read dataset: ") + e.what());
  }
}

}  // namespace m6
