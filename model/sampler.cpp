#include "model/sampler.h"

#include <algorithm>
#include <cmath>

namespace m6
{

NegativeSampler::NegativeSampler(const std::vector<int64_t>& counts, bool popularity)
    : numItems_(static_cast<int64_t>(counts.size())), popularity_(popularity)
{
  if (popularity_)
  {
    double total = 0;
    cumulative_.reserve(counts.size());
    for (int64_t c : counts)
    {
      total += static_cast<double>(c) + 1.0;
      cumulative_.push_back(total);
    }
    logProb_.reserve(counts.size());
    for (int64_t c : counts)
    {
      logProb_.push_back(std::log((static_cast<double>(c) + 1.0) / total));
    }
  }
}

int64_t NegativeSampler::draw(DemoRng& rng) const
{
  if (!popularity_)
  {
    return static_cast<int64_t>(rng.below(static_cast<uint64_t>(numItems_)));
  }
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
  return popularity_ ? logProb_[static_cast<size_t>(item)]
                     : -std::log(static_cast<double>(numItems_));
}

}  // namespace m6
