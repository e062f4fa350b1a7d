#include "model/batch.h"

#include <algorithm>

namespace m6
{

UserBatch makeUserBatch(const DatasetSnapshot& data, const FeatureTables& features, int64_t length,
                        const std::vector<QuerySpec>& queries, const std::vector<uint8_t>* hidden)
{
  const int64_t b = static_cast<int64_t>(queries.size());
  const bool times = data.hasTimestamps();
  UserBatch batch;
  batch.users = torch::empty({b}, torch::kInt64);
  torch::Tensor contextRows = torch::empty({b}, torch::kInt64);
  batch.histItems = torch::zeros({b, length}, torch::kInt64);
  batch.histPad = torch::ones({b, length}, torch::kBool);
  batch.histGaps = torch::zeros({b, length}, torch::kInt64);
  auto users = batch.users.accessor<int64_t, 1>();
  auto rows = contextRows.accessor<int64_t, 1>();
  auto items = batch.histItems.accessor<int64_t, 2>();
  auto pad = batch.histPad.accessor<bool, 2>();
  auto gaps = batch.histGaps.accessor<int64_t, 2>();
  for (int64_t r = 0; r < b; ++r)
  {
    const QuerySpec& q = queries[static_cast<size_t>(r)];
    users[r] = q.user;
    rows[r] = q.contextRow >= 0 ? q.contextRow : features.context.rows;
    const int64_t start =
        std::max(data.userStart[static_cast<size_t>(q.user)], q.historyEnd - length);
    int64_t count = q.historyEnd - start;
    if (hidden)
    {
      for (int64_t n = start; n < q.historyEnd; ++n)
      {
        count -= (*hidden)[static_cast<size_t>(data.item[static_cast<size_t>(n)])] ? 1 : 0;
      }
    }
    // The reference time of the gaps: the query's own time, else its most recent history item.
    int64_t ref = DatasetSnapshot::kMissingTs;
    if (times && q.contextRow >= 0)
    {
      ref = data.ts[static_cast<size_t>(q.contextRow)];
    }
    else if (times && count > 0)
    {
      ref = data.ts[static_cast<size_t>(q.historyEnd - 1)];
    }
    int64_t slot = length - count;
    for (int64_t n = start; n < q.historyEnd; ++n)
    {
      if (hidden && (*hidden)[static_cast<size_t>(data.item[static_cast<size_t>(n)])])
      {
        continue;
      }
      items[r][slot] = data.item[static_cast<size_t>(n)];
      pad[r][slot] = false;
      // A history item after the query's time (a random split's history is every training
      // interaction) has no recency: bucket 0, like an unknown time.
      if (ref != DatasetSnapshot::kMissingTs &&
          data.ts[static_cast<size_t>(n)] != DatasetSnapshot::kMissingTs &&
          data.ts[static_cast<size_t>(n)] <= ref)
      {
        gaps[r][slot] = recencyBucket(ref - data.ts[static_cast<size_t>(n)]);
      }
      ++slot;
    }
  }
  batch.userColumns = features.users.gather(batch.users);
  batch.contextColumns = features.context.gather(contextRows);
  for (int64_t r = 0; r < b; ++r)
  {
    const QuerySpec& q = queries[static_cast<size_t>(r)];
    if (q.hourOverride >= 0 && features.hourColumn >= 0)
    {
      batch.contextColumns[static_cast<size_t>(features.hourColumn)][r] = q.hourOverride + 1;
    }
    if (q.dayOverride >= 0 && features.weekdayColumn >= 0)
    {
      batch.contextColumns[static_cast<size_t>(features.weekdayColumn)][r] = q.dayOverride + 1;
    }
  }
  return batch;
}

}  // namespace m6
