#include "model/core/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace m6
{

std::string leaveOneOutName(const DatasetSnapshot& snapshot)
{
  if (snapshot.hasTimestamps())
  {
    return "leave-one-out by time";
  }
  return snapshot.shuffledWithinUser
             ? "leave-one-out at random (no timestamps: a fixed shuffle of each user's "
               "interactions at import)"
             : "leave-one-out by file order (the dataset has no timestamps)";
}

std::string withSplitName(const std::string& protocol, const DatasetSnapshot& snapshot)
{
  static const std::string kByTime = "leave-one-out by time";
  if (snapshot.hasTimestamps() || protocol.compare(0, kByTime.size(), kByTime) != 0)
  {
    return protocol;
  }
  return leaveOneOutName(snapshot) + protocol.substr(kByTime.size());
}

Split splitLeaveOneOut(const DatasetSnapshot& s)
{
  const int64_t nU = s.numUsers();
  const int64_t nI = s.numInteractions();
  if (static_cast<int64_t>(s.userStart.size()) != nU + 1 || s.userStart.front() != 0 ||
      s.userStart.back() != nI || static_cast<int64_t>(s.item.size()) != nI)
  {
    throw std::invalid_argument("split: the snapshot's userStart does not cover its " +
                                std::to_string(nI) + " interactions");
  }
  Split sp;
  sp.part.assign(static_cast<size_t>(nI), SplitPart::Train);
  sp.validIndex.assign(static_cast<size_t>(nU), -1);
  sp.testIndex.assign(static_cast<size_t>(nU), -1);
  sp.trainEnd.resize(static_cast<size_t>(nU));
  for (int64_t u = 0; u < nU; ++u)
  {
    const int64_t a = s.userStart[static_cast<size_t>(u)];
    const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
    if (b < a)
    {
      throw std::invalid_argument("split: userStart is not monotone at user " + std::to_string(u));
    }
    for (int64_t n = a; n < b; ++n)
    {
      if (s.user[static_cast<size_t>(n)] != u)
      {
        throw std::invalid_argument("split: interaction " + std::to_string(n) +
                                    " is not in its user's range");
      }
    }
    if (b - a >= kMinInteractionsForEval)
    {
      sp.testIndex[static_cast<size_t>(u)] = b - 1;
      sp.validIndex[static_cast<size_t>(u)] = b - 2;
      sp.part[static_cast<size_t>(b - 1)] = SplitPart::Test;
      sp.part[static_cast<size_t>(b - 2)] = SplitPart::Valid;
      sp.trainEnd[static_cast<size_t>(u)] = b - 2;
      ++sp.numValid;
      ++sp.numTest;
    }
    else
    {
      sp.trainEnd[static_cast<size_t>(u)] = b;
    }
    sp.numTrain += sp.trainEnd[static_cast<size_t>(u)] - a;
  }
  return sp;
}

namespace
{

uint64_t mix64(uint64_t z)
{
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t fnv1a(const std::string& s)
{
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s)
  {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

int64_t coldItemCount(int64_t numItems, double share)
{
  if (!(share > 0) || numItems <= 0)
  {
    return 0;
  }
  return std::min<int64_t>(numItems,
                           static_cast<int64_t>(std::floor(share * double(numItems) + 0.5)));
}

std::vector<uint8_t> coldItemMask(const DatasetSnapshot& s, double share)
{
  const int64_t n = s.numItems();
  std::vector<uint8_t> mask(static_cast<size_t>(n), 0);
  const int64_t count = coldItemCount(n, share);
  if (count == 0)
  {
    return mask;
  }
  // Salted so the cold set is not simply "the ids that sort first".
  std::vector<std::pair<uint64_t, int64_t>> keyed;
  keyed.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
  {
    keyed.emplace_back(mix64(fnv1a(s.itemIds[static_cast<size_t>(i)]) ^ 0xC01DC01DULL), i);
  }
  std::partial_sort(keyed.begin(), keyed.begin() + count, keyed.end());
  for (int64_t j = 0; j < count; ++j)
  {
    mask[static_cast<size_t>(keyed[static_cast<size_t>(j)].second)] = 1;
  }
  return mask;
}

bool inTrainFraction(int64_t n, double fraction)
{
  if (fraction >= 1.0)
  {
    return true;
  }
  const double u =
      static_cast<double>(mix64(static_cast<uint64_t>(n) ^ 0x7F4A7C159E3779B9ULL) >> 11) *
      (1.0 / 9007199254740992.0);
  return u < fraction;
}

}  // namespace m6
