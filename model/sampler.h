// Negative sampling for the sampled losses and BPR (private to model/; plain C++).
//
// Uniform over the catalogue, or in proportion to (training count + 1), so every item can be
// drawn. A negative equal to the positive is redrawn (a few times at most). Blocked items (the
// cold items of the cold-item protocol) are never drawn.
//
// Thread affinity: immutable after construction; the generator is the caller's.
#pragma once

#include <cstdint>
#include <vector>

#include "model/core/rng.h"

namespace m6
{

class NegativeSampler
{
 public:
  /// counts: training interactions per item; popularity=false ignores them. blocked: per item,
  /// 1 = never draw (may be empty; must leave at least one item).
  NegativeSampler(const std::vector<int64_t>& counts, bool popularity,
                  const std::vector<uint8_t>& blocked = {});

  int64_t sample(DemoRng& rng, int64_t positive) const;
  /// log of the probability of drawing `item` (for the logQ correction of sampled softmax).
  double logProbability(int64_t item) const;
  bool popularity() const { return popularity_; }

 private:
  int64_t draw(DemoRng& rng) const;

  int64_t numItems_;
  bool popularity_;
  std::vector<double> cumulative_;
  std::vector<double> logProb_;
  std::vector<int64_t> allowed_;  // uniform sampling with blocked items: the items to draw from
};

}  // namespace m6
