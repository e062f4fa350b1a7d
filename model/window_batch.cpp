#include "model/window_batch.h"

#include <algorithm>

#include "model/features.h"

namespace m6
{

int64_t windowLength(int64_t historyLength)
{
  // A run of W targets reads W + L - 1 keys for W histories of L: at W = L each key table is
  // about twice one history, and longer runs add masked products faster than they save items.
  return std::clamp<int64_t>(historyLength, 4, 32);
}

WindowBatch makeWindowBatch(const DatasetSnapshot& data, int64_t length,
                            const std::vector<int64_t>& batch)
{
  const int64_t cap = windowLength(length);
  struct Run
  {
    size_t first = 0;  // position in `batch` of the run's first target
    int64_t count = 0;
    int64_t keyStart = 0;  // first interaction of the key table
    int64_t keyEnd = 0;    // one past its last (the last target)
  };
  std::vector<Run> runs;
  for (size_t i = 0; i < batch.size(); ++i)
  {
    const int64_t t = batch[i];
    const int32_t u = data.user[static_cast<size_t>(t)];
    if (!runs.empty())
    {
      Run& r = runs.back();
      const int64_t last = batch[r.first + static_cast<size_t>(r.count) - 1];
      const int64_t first = batch[r.first];
      if (data.user[static_cast<size_t>(last)] == u && t > last && t - first < 2 * cap &&
          r.count < cap)
      {
        ++r.count;
        r.keyEnd = t;
        continue;
      }
    }
    Run r;
    r.first = i;
    r.count = 1;
    r.keyStart = std::max(data.userStart[static_cast<size_t>(u)], t - length);
    r.keyEnd = t;
    runs.push_back(r);
  }

  WindowBatch w;
  w.runs = static_cast<int64_t>(runs.size());
  w.targets = static_cast<int64_t>(batch.size());
  for (const Run& r : runs)
  {
    w.queries = std::max(w.queries, r.count);
    w.keys = std::max(w.keys, r.keyEnd - r.keyStart);
  }
  const int64_t nr = w.runs;
  const int64_t nq = w.queries;
  const int64_t nk = w.keys;
  w.keyItems = torch::zeros({nr, nk}, torch::kInt64);
  w.position = torch::zeros({nr, nq, nk}, torch::kInt64);
  w.gaps = torch::zeros({nr, nq, nk}, torch::kInt64);
  w.blocked = torch::ones({nr, nq, nk}, torch::kBool);
  w.rowExample = torch::zeros({nr * nq}, torch::kInt64);
  w.queryRow = torch::empty({w.targets}, torch::kInt64);
  auto keyItems = w.keyItems.accessor<int64_t, 2>();
  auto position = w.position.accessor<int64_t, 3>();
  auto gaps = w.gaps.accessor<int64_t, 3>();
  auto blocked = w.blocked.accessor<bool, 3>();
  auto rowExample = w.rowExample.accessor<int64_t, 1>();
  auto queryRow = w.queryRow.accessor<int64_t, 1>();
  const bool times = data.hasTimestamps();
  for (int64_t r = 0; r < nr; ++r)
  {
    const Run& run = runs[static_cast<size_t>(r)];
    for (int64_t n = run.keyStart; n < run.keyEnd; ++n)
    {
      keyItems[r][n - run.keyStart] = data.item[static_cast<size_t>(n)];
    }
    for (int64_t q = 0; q < run.count; ++q)
    {
      const size_t example = run.first + static_cast<size_t>(q);
      const int64_t t = batch[example];
      rowExample[r * nq + q] = static_cast<int64_t>(example);
      queryRow[static_cast<int64_t>(example)] = r * nq + q;
      // The gaps' reference is the target's own time (its context row), as in makeUserBatch.
      const int64_t ref = times ? data.ts[static_cast<size_t>(t)] : DatasetSnapshot::kMissingTs;
      for (int64_t n = std::max(run.keyStart, t - length); n < t; ++n)
      {
        const int64_t k = n - run.keyStart;
        blocked[r][q][k] = false;
        position[r][q][k] = length - (t - n);
        if (ref != DatasetSnapshot::kMissingTs &&
            data.ts[static_cast<size_t>(n)] != DatasetSnapshot::kMissingTs &&
            data.ts[static_cast<size_t>(n)] <= ref)
        {
          gaps[r][q][k] = recencyBucket(ref - data.ts[static_cast<size_t>(n)]);
        }
      }
    }
  }
  return w;
}

std::vector<int64_t> windowOrder(const DatasetSnapshot& data, const std::vector<int64_t>& examples,
                                 int64_t historyLength, DemoRng& rng)
{
  const auto cap = static_cast<size_t>(windowLength(historyLength));
  std::vector<std::pair<size_t, size_t>> chunks;  // [begin, end) in `examples`
  size_t i = 0;
  while (i < examples.size())
  {
    const int32_t u = data.user[static_cast<size_t>(examples[i])];
    size_t end = i;
    while (end < examples.size() && data.user[static_cast<size_t>(examples[end])] == u)
    {
      ++end;
    }
    size_t first = 1 + static_cast<size_t>(rng.below(cap));
    for (size_t begin = i; begin < end;)
    {
      const size_t stop = std::min(end, begin + first);
      chunks.emplace_back(begin, stop);
      begin = stop;
      first = cap;
    }
    i = end;
  }
  for (size_t c = chunks.size(); c > 1; --c)
  {
    std::swap(chunks[c - 1], chunks[rng.below(c)]);
  }
  std::vector<int64_t> order;
  order.reserve(examples.size());
  for (const auto& c : chunks)
  {
    order.insert(order.end(), examples.begin() + static_cast<std::ptrdiff_t>(c.first),
                 examples.begin() + static_cast<std::ptrdiff_t>(c.second));
  }
  return order;
}

}  // namespace m6
