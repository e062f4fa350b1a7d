// What the inspection pages read a model through: an InspectSource (the model: recommend,
// scoreAll, explain, embeddings, attention statistics) and an InspectCatalog (the data around
// it: ids, titles, categories, popularity, each user's training part and held-out items).
//
// Three sources share one interface, so the per-user view, the heatmap and the embedding map
// work the same for each: a trained run's Predictor, a baseline run's BaselinePredictor (no
// attention, no context, no embeddings: it says why), and a .m6model file's ModelPackage
// (its catalog comes from the file: no features, ratings or dates, no held-out items).
//
// Thread affinity: one thread at a time (the InspectWorker's); the model inside is not
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/split.h"
#include "model/engine.h"

namespace m6
{

class BaselinePredictor;
class ModelPackage;

struct InspectCatalog
{
  const DatasetSnapshot* data = nullptr;  // the dataset (or owned, for a model file)
  std::shared_ptr<DatasetSnapshot> owned;
  std::vector<int64_t> trainEnd;    // per user: [userStart[u], trainEnd[u]) is the training part
  std::vector<int64_t> validEnd;    // per user: [trainEnd[u], validEnd[u]) is validation, the rest
                                    // of the user's interactions test (model/core/split.h)
  std::vector<int64_t> validIndex;  // per user: first validation interaction, or -1
  std::vector<int64_t> testIndex;   // per user: first test interaction, or -1
  std::string splitName;            // the run's split in words ("" for a model file)
  std::vector<int32_t> itemCategory;  // per item, a code of categoryNames or -1
  std::vector<std::string> categoryNames;
  std::string categoryField;                   // "" when the dataset has none
  const FieldColumn* categoryMulti = nullptr;  // the category field when multi-valued (genres):
                                               // itemCategory holds its first value only
  const FieldColumn* tags = nullptr;  // a multi-valued item field shown beside the category
  std::vector<int64_t> popularity;    // training interactions per item (0 for cold items)
  bool hasProfiles = true;            // features, ratings and dates are real
  int historyLength = 0;              // L: the model reads the last L training items

  int64_t numUsers() const { return data->numUsers(); }
  int64_t numItems() const { return data->numItems(); }
  int64_t trainCount(int32_t user) const
  {
    return trainEnd[static_cast<size_t>(user)] - data->userStart[static_cast<size_t>(user)];
  }
  /// Whether the item is one of the user's validation (Valid) or test (Test) targets.
  bool isTarget(int32_t user, int32_t item, SplitPart part) const;
  /// Whether the item has category `code` (any of its values for a multi-valued field).
  bool hasCategory(int32_t item, int32_t code) const;
  /// "category · tag, tag" ("" when neither is known; every value of a multi-valued category).
  std::string itemLabel(int32_t item) const;
  /// Index of an external id, or -1 (linear for users and items: called once per request).
  int32_t userIndex(const std::string& id) const;
  int32_t itemIndex(const std::string& id) const;
};

/// The catalog of a dataset the run was trained on (leave-one-out split, as the engine's).
InspectCatalog catalogFromSnapshot(const DatasetSnapshot& snapshot, const RunConfig& config);

class InspectSource
{
 public:
  virtual ~InspectSource() = default;

  /// Top k, best first, the user's training items excluded, among allowed (null = all).
  virtual std::vector<Recommendation> recommend(int32_t user, int k, const ContextOverride& c,
                                                const std::vector<uint8_t>* allowed) = 0;
  /// Every item's score, nothing excluded.
  virtual std::vector<float> scoreAll(int32_t user, const ContextOverride& c) = 0;
  /// Throws std::logic_error(noAttentionReason()) when hasAttention() is false.
  virtual Explanation explain(int32_t user, int32_t item, const ContextOverride& c) = 0;
  virtual bool hasAttention() const { return true; }
  virtual std::string noAttentionReason() const { return {}; }
  virtual bool usesContext() const { return true; }
  /// Throws std::logic_error naming why when there are none.
  virtual Embeddings embeddings(const EmbeddingOptions& options) = 0;
  virtual bool hasEmbeddings() const { return true; }
  /// Throws std::logic_error naming why when there are none.
  virtual AttentionStats attentionStats(const AttentionStatsOptions& options,
                                        const std::atomic<bool>* cancel) = 0;
  /// The file the model was read from.
  virtual std::string loadedFrom() const = 0;
};

/// `usesContext`: the model reads the time context (model.time_context on a dataset with
/// timestamps); otherwise hour and day overrides cannot move its list.
std::unique_ptr<InspectSource> predictorSource(std::unique_ptr<Predictor> predictor,
                                               bool usesContext = true);
std::unique_ptr<InspectSource> baselineSource(std::unique_ptr<BaselinePredictor> baseline);

/// A model file and the catalog read from it (hasProfiles false; no held-out items).
std::unique_ptr<InspectSource> packageSource(std::unique_ptr<ModelPackage> package,
                                             InspectCatalog* catalog);

}  // namespace m6
