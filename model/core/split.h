// Leave-one-out by time (DESIGN.md section 4): each user's last interaction is the test target,
// the second-last the validation target, the rest train. Users with fewer than 3 interactions keep
// all of them in train and are not evaluated.
//
// "Last" is the snapshot's order: interactions are sorted by (user, timestamp, file order); a
// dataset without timestamps is shuffled within each user at import, so its split is at random.
//
// What the evaluation uses as the user's past (documented here because the GUI marks it):
//  - validation target: history = the train interactions; candidates exclude the train items;
//  - test target: history = train + the validation interaction; candidates exclude both.
// The target itself is never excluded, even when the user had interacted with it before.
//
// Thread affinity: none; pure function over an immutable snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/dataset.h"

namespace m6
{

enum class SplitPart : uint8_t
{
  Train = 0,
  Valid = 1,
  Test = 2
};

struct Split
{
  std::vector<SplitPart> part;      // per interaction
  std::vector<int64_t> validIndex;  // per user: interaction index of the validation target, or -1
  std::vector<int64_t> testIndex;   // per user: interaction index of the test target, or -1
  std::vector<int64_t> trainEnd;    // per user: train interactions are [userStart[u], trainEnd[u])
  int64_t numTrain = 0;
  int64_t numValid = 0;
  int64_t numTest = 0;

  /// Training interactions of user u.
  int64_t trainCount(const DatasetSnapshot& s, int64_t u) const
  {
    return trainEnd[static_cast<size_t>(u)] - s.userStart[static_cast<size_t>(u)];
  }
};

/// How splitLeaveOneOut really split this snapshot, for protocol lines: "leave-one-out by time";
/// without interaction times "leave-one-out at random (...)" for a dataset the importer shuffled
/// within each user (DatasetSnapshot::shuffledWithinUser), else "leave-one-out by file order".
std::string leaveOneOutName(const DatasetSnapshot& snapshot);

/// A protocol line as the metrics code writes it ("leave-one-out by time; ...") with the split's
/// real name for this snapshot in front.
std::string withSplitName(const std::string& protocol, const DatasetSnapshot& snapshot);

/// Users with at least this many interactions get a validation and a test target.
constexpr int64_t kMinInteractionsForEval = 3;

/// Splits a snapshot. Throws std::invalid_argument when userStart does not describe the
/// interaction arrays (wrong length, not monotone, or a user index that disagrees).
Split splitLeaveOneOut(const DatasetSnapshot& snapshot);

// ---- protocol variants (train.train_fraction, train.cold_item_share) ---------------------------
// Both subsets are properties of the dataset, not of the run's seed: every run on the same data
// with the same share sees the same subset, so adapted and from-scratch runs, or runs with
// different seeds, compare on the same examples and the same cold items.

/// Number of cold items for a share of the catalogue: round(share * items).
int64_t coldItemCount(int64_t numItems, double share);

/// Per item, 1 for the cold (held-out) items: the coldItemCount() items whose external ids hash
/// lowest (FNV-1a, fixed on every platform). All zeros when share <= 0.
std::vector<uint8_t> coldItemMask(const DatasetSnapshot& snapshot, double share);

/// Whether training interaction `n` belongs to the train_fraction subset: a fixed hash of the
/// interaction's position in the snapshot below `fraction`, so the 10% subset lies inside the 25%
/// subset. Always true for fraction >= 1.
bool inTrainFraction(int64_t n, double fraction);

}  // namespace m6
