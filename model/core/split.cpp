#include "model/core/split.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>

#include "model/core/config.h"
#include "model/core/prepare.h"
#include "model/core/rng.h"

namespace m6
{

namespace
{

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

std::string withSplitName(const std::string& protocol, const Split& split)
{
  static const std::string kByTime = "leave-one-out by time";
  if (protocol.compare(0, kByTime.size(), kByTime) != 0)
  {
    return protocol;
  }
  return split.name + protocol.substr(kByTime.size());
}

std::string splitDescription(const Split& split)
{
  if (split.kind == SplitKind::GlobalRandom)
  {
    return split.name +
           ": a fixed random share of all interactions is validation, another test, the rest "
           "train; each user's history is their training interactions in time order";
  }
  if (!split.multiTarget())
  {
    return split.name + (split.randomDraw
                             ? ": two interactions of each user drawn at random are the test and "
                               "validation targets, the rest train"
                             : ": each user's last interaction is the test target, the "
                               "second-last the validation target, the rest train");
  }
  if (split.kind == SplitKind::GlobalTime)
  {
    return split.name +
           ": interactions from the validation cut on are validation targets, from the test cut "
           "on test targets, the earlier ones train";
  }
  return split.name + (split.randomDraw
                           ? ": a share of each user's interactions drawn at random is test, "
                             "another validation, the rest train"
                           : ": each user's last share of interactions is test, the share before "
                             "it validation, the rest train");
}

std::string splitProblem(SplitKind kind, bool hasTimestamps)
{
  const bool time =
      kind == SplitKind::LooTime || kind == SplitKind::RatioTime || kind == SplitKind::GlobalTime;
  if (time && !hasTimestamps)
  {
    return "split '" + wordOf(kind) +
           "' needs interaction times and this dataset has none (use auto, loo-random, "
           "ratio-random or global-random)";
  }
  return "";
}

namespace
{

void checkUserRanges(const DatasetSnapshot& s)
{
  const int64_t nU = s.numUsers();
  const int64_t nI = s.numInteractions();
  if (static_cast<int64_t>(s.userStart.size()) != nU + 1 || s.userStart.front() != 0 ||
      s.userStart.back() != nI || static_cast<int64_t>(s.item.size()) != nI ||
      static_cast<int64_t>(s.user.size()) != nI)
  {
    throw std::invalid_argument("split: the snapshot's userStart does not cover its " +
                                std::to_string(nI) + " interactions");
  }
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
  }
}

// Held-out counts of a user with n interactions under a ratio split: RecBole's rule
// (floor of each share; a share below one interaction still gets one while train keeps more
// than one), so 8:1:1 gives 1 -> 1/0/0, 2 -> 1/0/1, 3..19 -> n-2/1/1, 20 -> 16/2/2.
std::pair<int64_t, int64_t> ratioCounts(int64_t n, double validRatio, double testRatio)
{
  auto share = [&](double r) { return static_cast<int64_t>(std::floor(r * double(n))); };
  int64_t valid = share(validRatio);
  int64_t test = share(testRatio);
  int64_t train = n - valid - test;
  if (train > 1 && testRatio * double(n) > 0 && testRatio * double(n) < 1)
  {
    ++test;
    --train;
  }
  if (train > 1 && validRatio * double(n) > 0 && validRatio * double(n) < 1)
  {
    ++valid;
    --train;
  }
  return {valid, test};
}

std::string percent(double share)
{
  return std::to_string(static_cast<int>(std::lround(share * 100)));
}

std::string isoDate(int64_t t)
{
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

// The time at quantile q of all interaction times (the first time of the top 1 - q share).
int64_t timeQuantile(std::vector<int64_t> times, double q)
{
  if (times.empty())
  {
    return 0;
  }
  auto at = static_cast<size_t>(std::floor(q * double(times.size())));
  at = std::min(at, times.size() - 1);
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(at), times.end());
  return times[at];
}

SplitKind resolvedKind(const DatasetSnapshot& s, SplitKind kind)
{
  if (kind == SplitKind::Auto)
  {
    return s.hasTimestamps() ? SplitKind::LooTime : SplitKind::LooRandom;
  }
  return kind;
}

// The key that decides which interactions a random split holds out: a fixed hash of the user's
// external id (FNV-1a) and the interaction's position in the user's time order.
uint64_t drawKey(uint64_t userHash, int64_t position)
{
  return splitMix64(userHash ^ splitMix64(static_cast<uint64_t>(position) ^ 0x5EED5EED5EED5EEDULL));
}

// Every interaction's part under a random draw (loo-random and ratio-random on timed data,
// global-random), in the snapshot's own order.
std::vector<SplitPart> drawnParts(const DatasetSnapshot& s, SplitKind kind,
                                  const TrainConfig& train)
{
  const int64_t nI = s.numInteractions();
  std::vector<SplitPart> part(static_cast<size_t>(nI), SplitPart::Train);
  std::vector<uint64_t> key(static_cast<size_t>(nI));
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    const int64_t a = s.userStart[static_cast<size_t>(u)];
    const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
    const uint64_t userHash = fnv1a(s.userIds[static_cast<size_t>(u)]);
    for (int64_t n = a; n < b; ++n)
    {
      key[static_cast<size_t>(n)] = drawKey(userHash, n - a);
    }
  }
  if (kind == SplitKind::GlobalRandom)
  {
    // Exact counts: the interactions whose keys are the lowest test_ratio share are test, the
    // next valid_ratio share validation.
    const auto nTest = static_cast<size_t>(std::floor(train.testRatio * double(nI)));
    const auto nHeld = nTest + static_cast<size_t>(std::floor(train.validRatio * double(nI)));
    std::vector<uint64_t> sorted = key;
    auto cutAt = [&](size_t count)
    {
      if (count >= sorted.size())
      {
        return ~uint64_t(0);
      }
      std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(count),
                       sorted.end());
      return sorted[count];
    };
    const uint64_t testCut = cutAt(nTest);
    const uint64_t heldCut = cutAt(nHeld);
    for (size_t n = 0; n < key.size(); ++n)
    {
      part[n] = key[n] < testCut   ? SplitPart::Test
                : key[n] < heldCut ? SplitPart::Valid
                                   : SplitPart::Train;
    }
    return part;
  }
  std::vector<int64_t> order;
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    const int64_t a = s.userStart[static_cast<size_t>(u)];
    const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
    int64_t nValid = 0;
    int64_t nTest = 0;
    if (kind == SplitKind::LooRandom)
    {
      nValid = nTest = b - a >= kMinInteractionsForEval ? 1 : 0;
    }
    else
    {
      std::tie(nValid, nTest) = ratioCounts(b - a, train.validRatio, train.testRatio);
    }
    order.resize(static_cast<size_t>(b - a));
    std::iota(order.begin(), order.end(), a);
    std::sort(order.begin(), order.end(),
              [&](int64_t x, int64_t y)
              { return key[static_cast<size_t>(x)] < key[static_cast<size_t>(y)]; });
    for (int64_t j = 0; j < nTest + nValid; ++j)
    {
      part[static_cast<size_t>(order[static_cast<size_t>(j)])] =
          j < nTest ? SplitPart::Test : SplitPart::Valid;
    }
  }
  return part;
}

// Cuts each user's interactions of `s` into three consecutive blocks, `counts(u, first, end)`
// giving the user's (validation, test) sizes.
template <typename Counts>
Split cutBlocks(const DatasetSnapshot& s, Split sp, Counts counts)
{
  const int64_t nU = s.numUsers();
  sp.part.assign(static_cast<size_t>(s.numInteractions()), SplitPart::Train);
  sp.validIndex.assign(static_cast<size_t>(nU), -1);
  sp.testIndex.assign(static_cast<size_t>(nU), -1);
  sp.trainEnd.resize(static_cast<size_t>(nU));
  sp.validEnd.resize(static_cast<size_t>(nU));
  for (int64_t u = 0; u < nU; ++u)
  {
    const int64_t a = s.userStart[static_cast<size_t>(u)];
    const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
    const std::pair<int64_t, int64_t> held = counts(u, a, b);
    const int64_t nValid = held.first;
    const int64_t nTest = held.second;
    const int64_t trainEnd = b - nValid - nTest;
    const int64_t validEnd = b - nTest;
    sp.trainEnd[static_cast<size_t>(u)] = trainEnd;
    sp.validEnd[static_cast<size_t>(u)] = validEnd;
    for (int64_t n = trainEnd; n < b; ++n)
    {
      sp.part[static_cast<size_t>(n)] = n < validEnd ? SplitPart::Valid : SplitPart::Test;
    }
    sp.validIndex[static_cast<size_t>(u)] = nValid > 0 ? trainEnd : -1;
    sp.testIndex[static_cast<size_t>(u)] = nTest > 0 ? validEnd : -1;
    sp.numTrain += trainEnd - a;
    sp.numValid += nValid;
    sp.numTest += nTest;
  }
  return sp;
}

// A random draw: the parts, then the snapshot reordered so each user's training interactions
// come first, then the validation ones, then the test ones (each in the snapshot's order).
SplitView drawnSplit(const DatasetSnapshot& s, Split sp, const TrainConfig& train)
{
  const std::vector<SplitPart> part = drawnParts(s, sp.kind, train);
  const int64_t nU = s.numUsers();
  std::vector<int64_t> order;
  order.reserve(part.size());
  std::vector<std::pair<int64_t, int64_t>> held(static_cast<size_t>(nU), {0, 0});
  for (int64_t u = 0; u < nU; ++u)
  {
    const int64_t a = s.userStart[static_cast<size_t>(u)];
    const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
    for (SplitPart p : {SplitPart::Train, SplitPart::Valid, SplitPart::Test})
    {
      for (int64_t n = a; n < b; ++n)
      {
        if (part[static_cast<size_t>(n)] == p)
        {
          order.push_back(n);
          held[static_cast<size_t>(u)].first += p == SplitPart::Valid ? 1 : 0;
          held[static_cast<size_t>(u)].second += p == SplitPart::Test ? 1 : 0;
        }
      }
    }
  }
  SplitView view;
  view.reordered = std::make_shared<const DatasetSnapshot>(reorderedInteractions(s, order));
  sp.randomDraw = true;
  view.split = cutBlocks(*view.reordered, std::move(sp),
                         [&](int64_t u, int64_t, int64_t) { return held[static_cast<size_t>(u)]; });
  return view;
}

}  // namespace

bool splitReorders(const DatasetSnapshot& s, const TrainConfig& train)
{
  const SplitKind kind = resolvedKind(s, train.split);
  return kind == SplitKind::GlobalRandom ||
         (s.hasTimestamps() && (kind == SplitKind::LooRandom || kind == SplitKind::RatioRandom));
}

SplitView splitView(const DatasetSnapshot& s, const TrainConfig& train)
{
  if (const std::string why = splitProblem(train.split, s.hasTimestamps()); !why.empty())
  {
    throw std::invalid_argument("train.split: " + why);
  }
  const SplitKind kind = resolvedKind(s, train.split);
  checkUserRanges(s);
  Split sp;
  sp.kind = kind;
  const bool loo = kind == SplitKind::LooTime || kind == SplitKind::LooRandom;
  const bool ratio = kind == SplitKind::RatioTime || kind == SplitKind::RatioRandom;
  const std::string shares = percent(1 - train.validRatio - train.testRatio) + ":" +
                             percent(train.validRatio) + ":" + percent(train.testRatio);
  const bool drawn = splitReorders(s, train);
  if (kind == SplitKind::GlobalRandom)
  {
    sp.name = "random " + shares + " over all interactions (a fixed draw)";
  }
  else if (loo)
  {
    sp.name = drawn ? "leave-one-out at random (a fixed draw per user; the rest in time order)"
                    : leaveOneOutName(s);
  }
  else if (ratio)
  {
    sp.name = "ratio " + shares + " per user " +
              (drawn ? std::string("at random (a fixed draw per user; each part in time order)")
               : s.hasTimestamps()
                   ? std::string("by time")
                   : std::string("at random (no timestamps: a fixed shuffle of each user's "
                                 "interactions at import)"));
  }
  else
  {
    sp.validFrom = timeQuantile(s.ts, 1 - train.validRatio - train.testRatio);
    sp.testFrom = timeQuantile(s.ts, 1 - train.testRatio);
    sp.name = "global time split " + shares + " (validation from " + isoDate(sp.validFrom) +
              " UTC, test from " + isoDate(sp.testFrom) + " UTC)";
  }
  if (drawn)
  {
    return drawnSplit(s, std::move(sp), train);
  }
  const int64_t validFrom = sp.validFrom;
  const int64_t testFrom = sp.testFrom;
  SplitView view;
  view.split = cutBlocks(s, std::move(sp),
                         [&](int64_t, int64_t a, int64_t b) -> std::pair<int64_t, int64_t>
                         {
                           if (loo)
                           {
                             return b - a >= kMinInteractionsForEval
                                        ? std::make_pair(int64_t(1), int64_t(1))
                                        : std::make_pair(int64_t(0), int64_t(0));
                           }
                           if (ratio)
                           {
                             return ratioCounts(b - a, train.validRatio, train.testRatio);
                           }
                           // global-time: times are sorted within the user, so each part is a
                           // consecutive block.
                           std::pair<int64_t, int64_t> held{0, 0};
                           for (int64_t n = a; n < b; ++n)
                           {
                             const int64_t t = s.ts[static_cast<size_t>(n)];
                             held.second += t >= testFrom ? 1 : 0;
                             held.first += t >= validFrom && t < testFrom ? 1 : 0;
                           }
                           return held;
                         });
  return view;
}

Split makeSplit(const DatasetSnapshot& s, const TrainConfig& train)
{
  if (splitReorders(s, train))
  {
    throw std::logic_error("makeSplit: split '" + wordOf(train.split) +
                           "' reorders the snapshot's interactions; use splitView");
  }
  return splitView(s, train).split;
}

Split splitLeaveOneOut(const DatasetSnapshot& s)
{
  return makeSplit(s, TrainConfig{});
}

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
    keyed.emplace_back(splitMix64(fnv1a(s.itemIds[static_cast<size_t>(i)]) ^ 0xC01DC01DULL), i);
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
      static_cast<double>(splitMix64(static_cast<uint64_t>(n) ^ 0x7F4A7C159E3779B9ULL) >> 11) *
      (1.0 / 9007199254740992.0);
  return u < fraction;
}

}  // namespace m6
