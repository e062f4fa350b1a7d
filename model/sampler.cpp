#include "model/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace m6
{

NegativeSampler::NegativeSampler(const std::vector<int64_t>& counts, bool popularity,
                                 const std::vector<uint8_t>& blocked)
    : numItems_(static_cast<int64_t>(counts.size())), popularity_(popularity)
{
  auto isBlocked = [&blocked](size_t i) { return i < blocked.size() && blocked[i]; };
  if (popularity_)
  {
    double total = 0;
    cumulative_.reserve(counts.size());
    for (size_t i = 0; i < counts.size(); ++i)
    {
      total += isBlocked(i) ? 0.0 : static_cast<double>(counts[i]) + 1.0;
      cumulative_.push_back(total);
    }
    logProb_.reserve(counts.size());
    for (size_t i = 0; i < counts.size(); ++i)
    {
      logProb_.push_back(isBlocked(i) ? -std::numeric_limits<double>::infinity()
                                      : std::log((static_cast<double>(counts[i]) + 1.0) / total));
    }
  }
  else if (std::find(blocked.begin(), blocked.end(), uint8_t(1)) != blocked.end())
  {
    for (size_t i = 0; i < counts.size(); ++i)
    {
      if (!isBlocked(i))
      {
        allowed_.push_back(static_cast<int64_t>(i));
      }
    }
  }
}

int64_t NegativeSampler::draw(DemoRng& rng) const
{
  if (!allowed_.empty())
  {
    return allowed_[rng.below(static_cast<uint64_t>(allowed_.size()))];
  }
  if (!popularity_)
  {
    return static_cast<int64_t>(rng.below(static_cast<uint64_t>(numItems_)));
  }
  // upper_bound skips the zero-width ranges of blocked items.
  double r = rng.uniform() * cumulative_.back();
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), r);
  return std::min<int64_t>(static_cast<int64_t>(it - cumulative_.begin()), numItems_ - 1);
}

int64_t NegativeSampler::sample(DemoRng& rng, int64_t positive) const
{
  int64_t c = draw(rng);
  for (int attempt = 0; attempt < 8 && c == positive && numItems_ > 1; ++attempt)
  {
    c = draw(rng);
  }
  return c;
}

double NegativeSampler::logProbability(int64_t item) const
{
  if (popularity_)
  {
    return logProb_[static_cast<size_t>(item)];
  }
  return -std::log(
      static_cast<double>(allowed_.empty() ? numItems_ : static_cast<int64_t>(allowed_.size())));
}

}  // namespace m6
