// What the inspection pages read a model through: an InspectSource (the model: recommend,
// scoreAll, explain, embeddings, attention statistics) and an InspectCatalog (the data around
// it: ids, titles, categories, popularity, each user's training part and held-out items).
//
// Three sources share one interface, so the per-user view, the heatmap and the embedding map
// work the same for each: a trained run's Predictor, a baseline run's BaselinePredictor (no
// attention, no context, no embeddings: it says why), and a .m6model file's ModelPackage
// (its catalog comes from the file: no features, ratings or dates, no held-out items).
//
// A run's source is made by a RunSourceOpener: openRunSource (a Predictor for a model run, a
// BaselinePredictor for a baseline) unless the InspectWorker was given another (tests give a
// fake that needs no trained model).
//
// Thread affinity: one thread at a time (the InspectWorker's); the model inside is not
// thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/bridge/inspect_types.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/split.h"
#include "model/engine.h"

namespace m6
{

class BaselinePredictor;
class ModelPackage;

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
  /// Something the page should say about how the model was opened ("" when nothing).
  virtual std::string openNote() const { return {}; }
};

struct LoadedDataset;
struct RunRecord;

/// What opening a run's model needs: the run, its configuration, its dataset (loaded), its
/// folder, a phase reporter and a stop flag for long fits.
struct RunSourceRequest
{
  const RunRecord& run;
  const RunConfig& config;
  const LoadedDataset& data;
  std::string runFolder;  // RunStore::runFolder(run.id): where a baseline keeps its files
  std::function<void(const std::string&)> phase;
  const std::atomic<bool>* stop = nullptr;
};

/// The workbench's opener: throws std::runtime_error naming what is missing.
std::unique_ptr<InspectSource> openRunSource(const RunSourceRequest& request);

/// `usesContext`: the model reads the time context (model.time_context on a dataset with
/// timestamps); otherwise hour and day overrides cannot move its list.
std::unique_ptr<InspectSource> predictorSource(std::unique_ptr<Predictor> predictor,
                                               bool usesContext = true);
std::unique_ptr<InspectSource> baselineSource(std::unique_ptr<BaselinePredictor> baseline);

/// A model file and the catalog read from it (hasProfiles false; no held-out items).
std::unique_ptr<InspectSource> packageSource(std::unique_ptr<ModelPackage> package,
                                             InspectCatalog* catalog);

}  // namespace m6
