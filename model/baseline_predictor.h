// Recommendations from the baselines, for the per-user view of a baseline run.
//
// Most-popular is recomputed from the training split (cheap); ItemKNN and EASE^R are fitted
// again from it with the parameters their run recorded (summary "params"; tuned again when not
// given: the same grid and data give the same choice); BPR-MF reads the factors that
// runBaselines(..., factorsDir) saved (factorsDir/bpr.pt), or, when that file is missing,
// trains them again: the recipe is deterministic for a seed, so the factors are those of the
// recorded run (tens of seconds on the demo dataset; they are saved to factorsDir then).
// Baselines have no attention: explain() throws std::logic_error with the reason, and
// explainUnavailableReason() gives it to show in place of the heatmap.
//
// Thread affinity: not thread-safe; one thread at a time (never the GUI thread for open()).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/engine.h"

namespace m6
{

class BaselinePredictor
{
 public:
  /// kind: one of baselineNames(). The snapshot and config are those runBaselines() ran with (a
  /// copy of the snapshot is kept). Throws std::invalid_argument for an unknown kind or an invalid
  /// config, std::runtime_error for an unreadable factors file. cb (pause, cancel, progress)
  /// applies when BPR-MF has to be trained again; a cancel then throws std::runtime_error.
  static std::unique_ptr<BaselinePredictor> open(const std::string& kind,
                                                 const DatasetSnapshot& snapshot,
                                                 const RunConfig& config,
                                                 const std::string& factorsDir = "",
                                                 const TrainCallbacks& cb = {},
                                                 const Json& params = Json::object());
  /// The same without a copy: the predictor shares `snapshot` (the workbench's snapshot store
  /// hands out one per dataset) and keeps it alive.
  static std::unique_ptr<BaselinePredictor> open(const std::string& kind,
                                                 std::shared_ptr<const DatasetSnapshot> snapshot,
                                                 const RunConfig& config,
                                                 const std::string& factorsDir = "",
                                                 const TrainCallbacks& cb = {},
                                                 const Json& params = Json::object());
  ~BaselinePredictor();
  BaselinePredictor(const BaselinePredictor&) = delete;
  BaselinePredictor& operator=(const BaselinePredictor&) = delete;

  /// Top k items, best first, the user's training items excluded (like Predictor::recommend),
  /// among allowedItems (one flag per item) when given. Throws std::out_of_range for a bad user.
  std::vector<Recommendation> recommend(int32_t user, int k,
                                        const std::vector<uint8_t>* allowedItems = nullptr);

  /// Every item's score (pop: training count; bpr: user . item factors + item bias; itemknn and
  /// ease: the sum of the item-item weights from the user's training items).
  std::vector<float> scoreAll(int32_t user);

  /// Always throws std::logic_error(explainUnavailableReason()).
  Explanation explain(int32_t user, int32_t item);
  std::string explainUnavailableReason() const;

  const std::string& kind() const;
  /// Where the BPR factors came from ("" for pop): the file read, or the file written after
  /// training them again ("(not saved)" without a folder).
  const std::string& factorsFile() const;
  /// True when open() had to train BPR-MF again.
  bool retrained() const;

  struct Impl;

 private:
  explicit BaselinePredictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace m6
