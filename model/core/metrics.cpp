#include "model/core/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>

namespace m6
{

namespace
{

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

int64_t targetRank(const float* scores, int64_t n, int64_t target, const uint8_t* excluded)
{
  if (target < 0 || target >= n)
  {
    throw std::out_of_range("targetRank: target " + std::to_string(target) +
                            " outside the catalogue of " + std::to_string(n));
  }
  const float t = scores[target];
  int64_t above = 0;
  int64_t candidates = 0;
  for (int64_t i = 0; i < n; ++i)
  {
    if (i == target || (excluded && excluded[i]))
    {
      continue;
    }
    ++candidates;
    // Ties count against the target (see the header); NaN others never beat it.
    if (scores[i] >= t)
    {
      ++above;
    }
  }
  return std::isnan(t) ? candidates : above;
}

namespace
{

// The order of recommendation lists, a total one: higher score first, NaN last, ties by index.
bool listsBefore(const float* scores, int64_t a, int64_t b)
{
  const float sa = scores[a];
  const float sb = scores[b];
  const bool na = std::isnan(sa);
  const bool nb = std::isnan(sb);
  if (na != nb)
  {
    return nb;
  }
  if (!na && sa != sb)
  {
    return sa > sb;
  }
  return a < b;
}

}  // namespace

int64_t listPosition(const float* scores, int64_t n, int64_t item, const uint8_t* excluded)
{
  if (item < 0 || item >= n)
  {
    throw std::out_of_range("listPosition: item " + std::to_string(item) +
                            " outside the catalogue of " + std::to_string(n));
  }
  int64_t before = 0;
  for (int64_t i = 0; i < n; ++i)
  {
    if (i != item && !(excluded && excluded[i]) && listsBefore(scores, i, item))
    {
      ++before;
    }
  }
  return before;
}

std::vector<int32_t> topK(const float* scores, int64_t n, int k, const uint8_t* excluded)
{
  auto better = [scores](int32_t a, int32_t b) { return listsBefore(scores, a, b); };
  // A bounded heap of the k best so far (its front the worst of them): O(n log k) time and O(k)
  // memory, never a sort or a copy of the catalogue. Evaluation keeps one list per user, so the
  // list must not carry the catalogue's size as capacity either.
  const auto take = static_cast<size_t>(std::max(k, 0));
  std::vector<int32_t> heap;
  heap.reserve(std::min<size_t>(take, static_cast<size_t>(std::max<int64_t>(n, 0))));
  if (take == 0)
  {
    return heap;
  }
  for (int64_t i = 0; i < n; ++i)
  {
    if (excluded && excluded[i])
    {
      continue;
    }
    const auto item = static_cast<int32_t>(i);
    if (heap.size() < take)
    {
      heap.push_back(item);
      std::push_heap(heap.begin(), heap.end(), better);
    }
    else if (better(item, heap.front()))
    {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = item;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

double hitAtK(int64_t rank, int k)
{
  return rank >= 0 && rank < k ? 1.0 : 0.0;
}

double ndcgAtK(int64_t rank, int k)
{
  return rank >= 0 && rank < k ? 1.0 / std::log2(static_cast<double>(rank) + 2.0) : 0.0;
}

double mrrAtK(int64_t rank, int k)
{
  return rank >= 0 && rank < k ? 1.0 / (static_cast<double>(rank) + 1.0) : 0.0;
}

double recallAtK(const std::vector<int64_t>& targetRanks, int k)
{
  if (targetRanks.empty())
  {
    return kNaN;
  }
  double hits = 0;
  for (int64_t r : targetRanks)
  {
    hits += hitAtK(r, k);
  }
  return hits / static_cast<double>(targetRanks.size());
}

double ndcgAtK(const std::vector<int64_t>& targetRanks, int k)
{
  if (targetRanks.empty())
  {
    return kNaN;
  }
  double dcg = 0;
  for (int64_t r : targetRanks)
  {
    dcg += ndcgAtK(r, k);
  }
  double ideal = 0;
  int64_t n = std::min<int64_t>(static_cast<int64_t>(targetRanks.size()), k);
  for (int64_t i = 0; i < n; ++i)
  {
    ideal += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  }
  return dcg / ideal;
}

double coverage(const std::vector<std::vector<int32_t>>& lists, int64_t numItems)
{
  if (numItems <= 0)
  {
    return kNaN;
  }
  std::vector<uint8_t> seen(static_cast<size_t>(numItems), 0);
  int64_t distinct = 0;
  for (const auto& l : lists)
  {
    for (int32_t i : l)
    {
      if (i >= 0 && i < numItems && !seen[static_cast<size_t>(i)])
      {
        seen[static_cast<size_t>(i)] = 1;
        ++distinct;
      }
    }
  }
  return static_cast<double>(distinct) / static_cast<double>(numItems);
}

double intraListDiversity(const std::vector<int32_t>& list,
                          const std::vector<int32_t>& itemCategory)
{
  std::vector<int32_t> cats;
  for (int32_t i : list)
  {
    if (i >= 0 && static_cast<size_t>(i) < itemCategory.size() &&
        itemCategory[static_cast<size_t>(i)] >= 0)
    {
      cats.push_back(itemCategory[static_cast<size_t>(i)]);
    }
  }
  if (cats.size() < 2)
  {
    return kNaN;
  }
  int64_t differ = 0;
  int64_t pairs = 0;
  for (size_t a = 0; a < cats.size(); ++a)
  {
    for (size_t b = a + 1; b < cats.size(); ++b)
    {
      ++pairs;
      differ += cats[a] != cats[b] ? 1 : 0;
    }
  }
  return static_cast<double>(differ) / static_cast<double>(pairs);
}

double auc(const std::vector<double>& scores, const std::vector<int>& labels)
{
  const size_t n = std::min(scores.size(), labels.size());
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t(0));
  // NaN scores (a damaged model) rank lowest and tie with each other: a strict weak ordering,
  // where a plain < would make std::sort's behaviour undefined.
  auto less = [&](size_t a, size_t b)
  {
    const bool na = std::isnan(scores[a]);
    const bool nb = std::isnan(scores[b]);
    return na || nb ? (na && !nb) : scores[a] < scores[b];
  };
  auto same = [&](size_t a, size_t b) { return !less(a, b) && !less(b, a); };
  std::sort(order.begin(), order.end(), less);
  // Mann-Whitney U with mid-ranks for ties.
  double positiveRankSum = 0;
  double positives = 0;
  size_t i = 0;
  while (i < n)
  {
    size_t j = i;
    while (j + 1 < n && same(order[j + 1], order[i]))
    {
      ++j;
    }
    double midRank = (static_cast<double>(i) + static_cast<double>(j)) / 2.0 + 1.0;
    for (size_t t = i; t <= j; ++t)
    {
      if (labels[order[t]] != 0)
      {
        positiveRankSum += midRank;
        positives += 1;
      }
    }
    i = j + 1;
  }
  double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0)
  {
    return kNaN;
  }
  return (positiveRankSum - positives * (positives + 1) / 2.0) / (positives * negatives);
}

double logLoss(const std::vector<double>& p, const std::vector<int>& labels)
{
  const size_t n = std::min(p.size(), labels.size());
  if (n == 0)
  {
    return kNaN;
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
  {
    double q = std::clamp(p[i], 1e-7, 1.0 - 1e-7);
    sum -= labels[i] != 0 ? std::log(q) : std::log(1.0 - q);
  }
  return sum / static_cast<double>(n);
}

double rmse(const std::vector<double>& pred, const std::vector<double>& truth)
{
  const size_t n = std::min(pred.size(), truth.size());
  if (n == 0)
  {
    return kNaN;
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
  {
    sum += (pred[i] - truth[i]) * (pred[i] - truth[i]);
  }
  return std::sqrt(sum / static_cast<double>(n));
}

double mae(const std::vector<double>& pred, const std::vector<double>& truth)
{
  const size_t n = std::min(pred.size(), truth.size());
  if (n == 0)
  {
    return kNaN;
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i)
  {
    sum += std::fabs(pred[i] - truth[i]);
  }
  return sum / static_cast<double>(n);
}

}  // namespace m6
