// The M6 engine: training, evaluation, recommendation, explanation and baselines.
//
// This is the function API of model/ that app/ includes (with the few below); the value types
// it takes and returns are in model/engine_types.h, which is all ui/ may see (ui/ builds with
// M6_UI_LAYER defined, and this header then refuses to compile). It is torch-free on purpose
// (app/ includes it next to Qt, whose keywords break LibTorch headers): everything crosses as
// plain structs, std::function callbacks and atomics. The network
// itself lives in model/*.cpp and model/nn/ (DESIGN.md section 3); the split and metrics in
// model/core (section 4).
//
// Run folder: train() writes `runDir/best.pt` (the best epoch by the validation metric) and
// `runDir/last.pt` (the resume point: model, optimiser, epoch, global step, torch RNG state,
// best-so-far and patience). The folder must exist or be creatable. adapt() also writes
// `runDir/adapt.json` (options, report, zero-shot figures). An adapted run is an ordinary run
// afterwards: its config (with model.adapter_width when it has adapters) opens it in Predictor,
// evaluate() and exportModel().
//
// More of the engine, in torch-free headers of their own: model/adapt_report.h (adaptation
// options and report, used by adapt() below), model/inspection.h (embeddings, attention
// statistics), model/baseline_predictor.h (recommendations from the baselines) and
// model/package.h (the .m6model export file and ModelPackage, which loads one without a dataset).
//
// Thread affinity: every function runs on the calling thread (run them on a worker, never on the
// GUI thread) and sets that thread's torch intra-op thread count to config.train.threads.
// Callbacks are invoked on that same thread, synchronously; keep them cheap (copy the value and
// return; coalesce on the receiving side). Snapshots are only read. Several jobs may run at once
// on different threads, but torch's CPU random generator (initial weights, dropout) is process-
// wide: a run is only reproducible (same config + seed + data => same metrics) when no other
// engine job runs in the process at the same time.
#pragma once

#ifdef M6_UI_LAYER
#error "ui/ sees the engine's value types only: include model/engine_types.h, not model/engine.h"
#endif

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "model/adapt_report.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/engine_types.h"
#include "model/inspection.h"

namespace m6
{

/// Trains a model. Validates first and throws std::invalid_argument with the field-named
/// messages when the config is invalid for this dataset; throws std::runtime_error when the run
/// folder cannot be written or resume=true finds no usable last.pt. Splits leave-one-out by
/// time, trains with early stopping, writes the checkpoints, and evaluates best.pt on test.
/// resume=true continues from runDir/last.pt (the config must match the checkpoint's) and reaches
/// the same final metrics as an uninterrupted run; for an adapted run (runDir/adapt.json) it
/// resumes through adapt() with the recorded options, so a runner need not tell them apart.
/// A NaN/inf loss or gradient ends the run as "diverged" and leaves the last good checkpoint in
/// place.
/// With `distributed.active()`, one rank of a data-parallel job (see Distributed): every rank
/// must be given the same dataset and config (a fingerprint of both is compared at the start and
/// a mismatch refused on every rank), and resume is decided by rank 0 (the others receive its
/// checkpoint). Evaluation is split across the ranks and its rows gathered, so the metrics equal
/// a single process's on the same weights. A rank other than 0 learns from rank 0 when the job
/// trains an adapted run (adapt() below, or resuming one) and follows it: rank 0's carried
/// weights, frozen parameters and optimiser groups, without reading the parent itself.
TrainOutcome train(const DatasetSnapshot& snapshot, const RunConfig& config,
                   const std::string& runDir, const TrainCallbacks& callbacks = {},
                   bool resume = false, const Distributed& distributed = {});

/// Starts a new run on `target` from a parent run's weights: the parent's network is
/// rebuilt from parentSnapshot + parentConfig and parentCheckpoint (a file or run folder), then
/// every parameter of the new network (built from target + config, any task, scorer or fields) is
/// carried over as described in adapt_report.h, frozen as `options` say, and trained like train()
/// (same checkpoints, callbacks, early stopping and test evaluation; train.train_fraction and the
/// cold-item protocol apply). The outcome carries the AdaptReport and, unless
/// options.zeroShot is false, the zero-shot evaluation. runDir/adapt.json records the options,
/// report and zero-shot figures; resume=true continues from runDir/last.pt with them (the parent
/// arguments are then not read, and `options` must equal the recorded ones). Throws like train(),
/// and std::runtime_error when the parent checkpoint does not fit its snapshot and config.
/// With `distributed.active()`, rank 0 of a data-parallel job (the other ranks call train() with
/// the same dataset and config): rank 0 alone reads the parent, sends the carried weights and the
/// adaptation record to the others, and the zero-shot evaluation is split across the ranks.
TrainOutcome adapt(const DatasetSnapshot& target, const RunConfig& config,
                   const std::string& parentCheckpoint, const DatasetSnapshot& parentSnapshot,
                   const RunConfig& parentConfig, const AdaptOptions& options,
                   const std::string& runDir, const TrainCallbacks& callbacks = {},
                   bool resume = false, const Distributed& distributed = {});

/// The parent evaluated on the target dataset before any training, through the same carry-over
/// as adapt() (unmatched rows zero). Not available (available = false, note says why) when the
/// task or scorer changed, since the head would be random. Throws like adapt().
ZeroShotResult zeroShot(const DatasetSnapshot& target, const RunConfig& config,
                        const std::string& parentCheckpoint, const DatasetSnapshot& parentSnapshot,
                        const RunConfig& parentConfig);

/// What adapt() would carry, re-initialise, freeze and add, without training (for a preview).
AdaptReport previewAdaptation(const DatasetSnapshot& target, const RunConfig& config,
                              const std::string& parentCheckpoint,
                              const DatasetSnapshot& parentSnapshot, const RunConfig& parentConfig,
                              const AdaptOptions& options);

/// Evaluates a checkpoint (a file, or a run folder: its best.pt, else last.pt) on the
/// validation and test targets of the leave-one-out split. Throws std::runtime_error like
/// Predictor::open for a missing, corrupt or foreign checkpoint.
EvaluationOutcome evaluate(const DatasetSnapshot& snapshot, const RunConfig& config,
                           const std::string& checkpoint);

/// Parameter count and epoch size without training. Throws std::invalid_argument like train().
ParamEstimate estimate(const DatasetSnapshot& snapshot, const RunConfig& config);

/// A trained model loaded for inspection. What it predicts (documented for the GUI): the user's
/// next item after their TRAINING interactions. The history is the last L training items, the
/// context is the time (and context fields) of the user's held-out test interaction, or of their
/// last interaction when they have none. recommend() excludes the items of the user's training
/// part only, so the held-out validation and test items can appear and be marked as hits.
///
/// Thread affinity: not thread-safe; use one Predictor from one thread at a time (any thread).
class Predictor
{
 public:
  /// `path` is a checkpoint file or a run folder (its best.pt, else last.pt). The snapshot and
  /// config must be the ones the model was trained with (the snapshot is copied). Throws
  /// std::runtime_error with a message naming the file and the problem when it is missing,
  /// unreadable, truncated, not an M6 checkpoint, or for another architecture or dataset.
  static std::unique_ptr<Predictor> open(const std::string& path, const DatasetSnapshot& snapshot,
                                         const RunConfig& config);
  /// The same without a copy: the Predictor shares `snapshot` (an immutable snapshot the caller
  /// may share with others, such as the workbench's snapshot store) and keeps it alive.
  static std::unique_ptr<Predictor> open(const std::string& path,
                                         std::shared_ptr<const DatasetSnapshot> snapshot,
                                         const RunConfig& config);
  ~Predictor();
  Predictor(const Predictor&) = delete;
  Predictor& operator=(const Predictor&) = delete;

  /// Top k items for a user index, best first, training items excluded.
  /// Throws std::out_of_range for a user index outside the dataset.
  std::vector<Recommendation> recommend(int32_t user, int k, ContextOverride context = {});

  /// The same, among the items whose flag in allowedItems (one per item) is non-zero, e.g. a
  /// category filter; null allows every item. Throws std::invalid_argument for a wrong size.
  std::vector<Recommendation> recommend(int32_t user, int k, ContextOverride context,
                                        const std::vector<uint8_t>* allowedItems);

  /// Attention weights behind the score of `item` for `user` (indices).
  Explanation explain(int32_t user, int32_t item, ContextOverride context = {});

  /// The score of every item (index order), nothing excluded.
  std::vector<float> scoreAll(int32_t user, ContextOverride context = {});

  /// Item tokens of every item and user vectors of every user, with their 2-D PCA maps
  /// (see inspection.h). A few hundred milliseconds on the demo; call it off the GUI thread.
  Embeddings embeddings(const EmbeddingOptions& options = {});

  /// Attention across users: per layer and head the shares of the user, context and history
  /// tokens by recency, the entropy distribution, and the planted trigger categories' weight when
  /// the dataset's ground truth names them (see inspection.h). cancel is read between batches.
  AttentionStats attentionStats(const AttentionStatsOptions& options = {},
                                const std::atomic<bool>* cancel = nullptr);

  /// Per item, 1 for the cold items of the cold-item protocol; all zeros without it.
  const std::vector<uint8_t>& coldItems() const;

  /// The checkpoint file that was loaded.
  const std::string& checkpointPath() const;
  int64_t parameterCount() const;

  struct Impl;

 private:
  explicit Predictor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The baselines runBaselines() knows, in the order it runs them: "pop" (most popular in
/// train), "bpr" (BPR matrix factorisation), "itemknn" (item-based cosine neighbours with
/// shrinkage), "ease" (EASE^R, closed-form item-item regression). See bpr.h and
/// item_baselines.h for the recipes and what each tunes on validation.
const std::vector<std::string>& baselineNames();
/// The display name: "most popular", "BPR-MF", "ItemKNN", "EASE^R"; the name itself otherwise.
std::string baselineTitle(const std::string& name);
/// Parses "pop,ease" into baseline names (order as in baselineNames()); throws
/// std::invalid_argument naming an unknown one. Empty text: every baseline.
std::vector<std::string> parseBaselineList(const std::string& text);

/// The baselines on the same split and ranking protocol as train() (evalK, sampledEval, seed,
/// threads and model.dim of `config` apply; the baselines always rank, even when the config's
/// task is ctr or rating). Honours cancel and pause; reports through onLog, onProgress and
/// onEpoch (BPR's epochs). `only` (empty: all) selects baselines by name.
BaselineOutcome runBaselines(const DatasetSnapshot& snapshot, const RunConfig& config,
                             const TrainCallbacks& callbacks = {});

/// The same, and saves BPR-MF's best factors to factorsDir/bpr.pt (the folder is created), so
/// BaselinePredictor (baseline_predictor.h) can recommend from them without training again.
/// train.train_fraction applies to every baseline's training data; under the cold-item protocol
/// they never see the cold items, and coldTest says how they rank them.
BaselineOutcome runBaselines(const DatasetSnapshot& snapshot, const RunConfig& config,
                             const TrainCallbacks& callbacks, const std::string& factorsDir,
                             const std::vector<std::string>& only = {});

}  // namespace m6
