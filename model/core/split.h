// The splits of DESIGN.md section 4 (train.split). Every split cuts each user's interactions into
// three consecutive blocks: train [userStart, trainEnd), validation [trainEnd, validEnd), test
// [validEnd, userEnd). The snapshot's order is (user, timestamp, file order); a dataset without
// timestamps is shuffled within each user at import, so there the "last" interactions are random
// ones (and the protocol says so).
//  - loo-time / loo-random (leave-one-out): the last interaction is the test target, the
//    second-last the validation target. Users with fewer than 3 interactions stay in train.
//  - ratio-time / ratio-random: per user, floor(valid_ratio * n) validation and floor(test_ratio
//    * n) test interactions, at least one each while the user keeps at least one in train
//    (RecBole's rule for 8:1:1), so 1 interaction: train only; 2: train + test; 3+: all three.
//  - global-time: one cut time for validation and one for test, the (1 - valid - test) and
//    (1 - test) quantiles of all interaction times, so nothing after a cut is trained on. A user
//    may then have held-out interactions and no training ones (evaluated with an empty history).
//  - global-random: a random share of all interactions (valid_ratio, test_ratio of the whole
//    dataset, exact counts), whoever they belong to: what CTR and rating papers call a random
//    8:1:1 split.
//
// Random draws on a dataset with timestamps (loo-random, ratio-random) and global-random hold out
// interactions that are not each user's last ones. They are drawn by a fixed hash of (user id,
// position in the user's time order), a property of the dataset and not of the run's seed, so
// runs with different seeds compare on the same held-out interactions. Such a split reads a copy
// of the snapshot whose interactions are reordered within each user (splitView): the training
// ones first, then the validation ones, then the test ones, each block in time order. Histories
// are then "the user's training interactions in time order", which for a held-out target may
// include later interactions: a random split does not respect time, as its name says.
//
// What the evaluation uses as the user's past (documented here because the GUI marks it):
//  - validation targets: history = the train block; candidates exclude the train items;
//  - test targets: history = train + validation blocks; candidates exclude their items.
// The targets themselves are never excluded, even when the user had interacted with them before.
// With several targets in a block the user is ranked once and every target is looked up in that
// one list (metrics.h: UserMetricRow::ranks); pointwise tasks score each target with the same
// history (the block's start).
//
// Thread affinity: none; pure functions over an immutable snapshot.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "model/core/config_values.h"
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
  std::vector<int64_t> validIndex;  // per user: first interaction of the validation block, or -1
  std::vector<int64_t> testIndex;   // per user: first interaction of the test block, or -1
  std::vector<int64_t> trainEnd;    // per user: train interactions are [userStart[u], trainEnd[u])
  std::vector<int64_t> validEnd;    // per user: validation is [trainEnd[u], validEnd[u])
  int64_t numTrain = 0;
  int64_t numValid = 0;  // validation interactions
  int64_t numTest = 0;   // test interactions
  /// The split really used (never SplitKind::Auto).
  SplitKind kind = SplitKind::LooTime;
  /// Its words for protocol lines: "leave-one-out by time", "ratio 8:1:1 per user by time", ...
  std::string name = "leave-one-out by time";
  /// Whether the held-out interactions were drawn at random from time-ordered data (the split
  /// then indexes a reordered snapshot: SplitView::reordered).
  bool randomDraw = false;
  /// global-time: the first times of the validation and test parts (seconds); 0 otherwise.
  int64_t validFrom = 0;
  int64_t testFrom = 0;

  /// Training interactions of user u.
  int64_t trainCount(const DatasetSnapshot& s, int64_t u) const
  {
    return trainEnd[static_cast<size_t>(u)] - s.userStart[static_cast<size_t>(u)];
  }
  /// The block [first, end) of `part` for user u (Valid or Test); empty when first == end.
  std::pair<int64_t, int64_t> block(const DatasetSnapshot& s, int64_t u, SplitPart p) const
  {
    const auto i = static_cast<size_t>(u);
    return p == SplitPart::Valid ? std::make_pair(trainEnd[i], validEnd[i])
                                 : std::make_pair(validEnd[i], s.userStart[i + 1]);
  }
  /// Whether some user has more than one target in a part (ranking then reports recall and
  /// NDCG over several relevant items).
  bool multiTarget() const { return kind != SplitKind::LooTime && kind != SplitKind::LooRandom; }
};

struct TrainConfig;

/// How splitLeaveOneOut really split this snapshot, for protocol lines: "leave-one-out by time";
/// without interaction times "leave-one-out at random (...)" for a dataset the importer shuffled
/// within each user (DatasetSnapshot::shuffledWithinUser), else "leave-one-out by file order".
std::string leaveOneOutName(const DatasetSnapshot& snapshot);

/// A protocol line as the metrics code writes it ("leave-one-out by time; ...") with the split's
/// real name for this snapshot in front.
std::string withSplitName(const std::string& protocol, const DatasetSnapshot& snapshot);
/// The same with the name of the split that was really used (Split::name).
std::string withSplitName(const std::string& protocol, const Split& split);

/// The split in a sentence for model cards: its name and what each part holds.
std::string splitDescription(const Split& split);

/// Why `kind` cannot split this dataset ("" when it can): the "-time" splits need timestamps;
/// the others work on every dataset.
std::string splitProblem(SplitKind kind, bool hasTimestamps);

/// Whether the split `train` asks for holds out interactions that are not each user's last ones
/// in this snapshot's order, and so reads a reordered copy (see the top of this file).
bool splitReorders(const DatasetSnapshot& snapshot, const TrainConfig& train);

/// A split and the snapshot it reads.
struct SplitView
{
  /// The reordered copy, or null when the split reads the snapshot as it is.
  std::shared_ptr<const DatasetSnapshot> reordered;
  Split split;

  /// The interactions `split` indexes: the reordered copy, else `original`.
  const DatasetSnapshot& data(const DatasetSnapshot& original) const
  {
    return reordered ? *reordered : original;
  }
};

/// The split train.split, train.valid_ratio and train.test_ratio ask for ("auto": leave-one-out
/// by time, or at random without timestamps), with the reordered snapshot it needs
/// (splitReorders). Throws std::invalid_argument with the reason when the kind does not fit the
/// dataset (splitProblem) or userStart does not describe the interaction arrays.
SplitView splitView(const DatasetSnapshot& snapshot, const TrainConfig& train);

/// The split of a snapshot read as it is: splitView's split when it does not reorder. Throws
/// std::logic_error for a split that reorders (use splitView), and like splitView otherwise.
Split makeSplit(const DatasetSnapshot& snapshot, const TrainConfig& train);

/// Users with at least this many interactions get a validation and a test target.
constexpr int64_t kMinInteractionsForEval = 3;

/// Leave-one-out in the snapshot's order (makeSplit with train.split = auto). Throws
/// std::invalid_argument when userStart does not describe the interaction arrays (wrong length,
/// not monotone, or a user index that disagrees).
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
