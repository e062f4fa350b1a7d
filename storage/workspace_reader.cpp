// Workspace::loadSnapshot: a dataset read back into the contiguous arrays of a DatasetSnapshot,
// with progress and cancellation.
#include <algorithm>
#include <cmath>
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

}  // namespace

Result<DatasetSnapshot> Workspace::loadSnapshot(int64_t datasetId, const ProgressFn& progress,
                                                const std::atomic<bool>* cancel)
{
  auto info = datasetById(datasetId);
  if (!info)
  {
    return errorOf(info);
  }
  try
  {
    DatasetSnapshot ds;
    ds.name = info->name;
    ds.datasetId = datasetId;
    const int64_t nU = info->users;
    const int64_t nI = info->items;
    const int64_t nX = info->interactions;
    ds.groundTruthJson = db_->queryText("SELECT ground_truth_json FROM datasets WHERE id = " +
                                        std::to_string(datasetId));
    ds.shuffledWithinUser =
        db_->queryText(
            "SELECT coalesce(json_extract(stats_json, '$.interaction_order'), '') "
            "FROM datasets WHERE id = " +
            std::to_string(datasetId)) == "shuffled";
    ds.preparation = db_->queryText(
        "SELECT coalesce(json_extract(stats_json, '$.preparation.description'), '') FROM "
        "datasets WHERE id = " +
        std::to_string(datasetId));
    auto tick = [&](const char* phase, int64_t done, int64_t total)
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

    ds.userIds.resize(static_cast<size_t>(nU));
    ds.userStart.assign(static_cast<size_t>(nU) + 1, 0);
    {
      auto s = db_->prepare(
          "SELECT idx, external_id, first_seq, n_interactions FROM users WHERE dataset_id = ? "
          "ORDER BY idx");
      s.bind(1, datasetId);
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
    }
    ds.itemIds.resize(static_cast<size_t>(nI));
    ds.itemTitles.resize(static_cast<size_t>(nI));
    {
      auto s = db_->prepare(
          "SELECT idx, external_id, title FROM items WHERE dataset_id = ? ORDER BY idx");
      s.bind(1, datasetId);
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
    }
    ds.user.resize(static_cast<size_t>(nX));
    ds.item.resize(static_cast<size_t>(nX));
    if (info->hasRatings)
    {
      ds.rating.resize(static_cast<size_t>(nX));
    }
    if (info->hasTimestamps)
    {
      ds.ts.resize(static_cast<size_t>(nX));
    }
    {
      auto s = db_->prepare(
          "SELECT seq, user_idx, item_idx, rating, ts FROM interactions WHERE dataset_id = ? "
          "ORDER BY seq");
      s.bind(1, datasetId);
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
        if (info->hasRatings)
        {
          ds.rating[k] = static_cast<float>(s.columnDouble(3));
        }
        if (info->hasTimestamps)
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
      int64_t n = fi.entity == FieldEntity::User ? nU : fi.entity == FieldEntity::Item ? nI : nX;
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
        {
          col.offsets.assign(static_cast<size_t>(n) + 1, 0);
          int64_t last = -1;
          while (values.step())
          {
            int64_t e = values.columnInt(0);
            col.codes.push_back(code(values.columnText(2)));
            ++col.offsets[static_cast<size_t>(e) + 1];
            last = e;
          }
          (void)last;
          for (size_t e = 1; e < col.offsets.size(); ++e)
          {
            col.offsets[e] += col.offsets[e - 1];
          }
          break;
        }
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
      // Vocabularies come back in first-use order; sort them so codes are stable and readable.
      if (fi.kind == FieldKind::Categorical || fi.kind == FieldKind::Multi)
      {
        std::vector<int32_t> order(col.vocab.size());
        for (size_t v = 0; v < order.size(); ++v)
        {
          order[v] = static_cast<int32_t>(v);
        }
        std::sort(order.begin(), order.end(),
                  [&](int32_t a, int32_t b) {
                    return col.vocab[static_cast<size_t>(a)] < col.vocab[static_cast<size_t>(b)];
                  });
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
      (fi.entity == FieldEntity::User   ? ds.userFields
       : fi.entity == FieldEntity::Item ? ds.itemFields
                                        : ds.contextFields)
          .push_back(std::move(col));
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
