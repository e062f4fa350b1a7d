// The M6 engine: training, evaluation, recommendation, explanation and baselines.
//
// This is the main header of model/ that other layers include (with the few below). It is
// torch-free on purpose (app/ and ui/ include it next to Qt, whose keywords break LibTorch
// headers): everything crosses as plain structs, std::function callbacks and atomics. The network
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

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/adapt_report.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/metrics.h"
#include "model/inspection.h"

namespace m6
{

struct StepStats
{
  int64_t step = 0;  // global optimisation step, 1-based
  int epoch = 0;     // 1-based
  double loss = 0;   // this step's training loss
  double lr = 0;     // learning rate used for this step
};

struct EpochStats
{
  int epoch = 0;                 // 1-based
  double trainLoss = 0;          // mean over the epoch's steps
  MetricSet valid;               // validation metrics (with protocol)
  double seconds = 0;            // wall time of the epoch, evaluation included
  double examplesPerSecond = 0;  // training examples per second of training (evaluation excluded)
  bool isBest = false;           // best validation metric so far (best.pt was written)
};

struct Progress
{
  int epoch = 0;  // 1-based epoch in progress
  int epochs = 0;
  int64_t step = 0;  // step within the epoch, 1-based
  int64_t stepsPerEpoch = 0;
  int64_t examplesDone = 0;  // over the whole run, earlier epochs of a resumed run included
  int64_t examplesTotal = 0;
  double examplesPerSecond = 0;
  double elapsedSeconds = 0;
  double etaSeconds = 0;  // to the end of the last epoch, without early stopping
  std::string phase;      // empty while training epochs; else what runs, e.g. "EASE^R grid"
};

/// Hooks into a running job. All optional. cancel and pause are read between steps: cancel ends
/// the job (train() returns status "stopped"); pause blocks between steps, sleeping in 20 ms
/// slices, until pause is false again or cancel is set.
struct TrainCallbacks
{
  std::function<void(const StepStats&)> onStep;
  std::function<void(const EpochStats&)> onEpoch;
  std::function<void(const Progress&)> onProgress;
  std::function<void(const std::string&)> onLog;
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* pause = nullptr;
};

struct TrainOutcome
{
  std::string status;   // "finished" | "stopped" (cancelled) | "diverged" (NaN/inf loss)
  std::string message;  // one line for the user; names the step when diverged
  int bestEpoch = 0;    // 0 when no epoch finished
  int epochsRun = 0;    // epochs completed, over resumes
  MetricSet valid;      // validation metrics of the best epoch (empty when none)
  MetricSet test;       // test metrics of best.pt (empty when no epoch finished)
  std::vector<UserMetricRow> testRows;        // one per evaluated user
  std::vector<BucketMetrics> testByActivity;  // cold / medium / heavy users
  std::vector<EpochStats> history;            // every completed epoch, over resumes
  double examplesPerSecond = 0;               // training throughput of this call
  double secondsPerEpoch = 0;                 // mean wall time per epoch of this call
  int64_t parameters = 0;
  std::string bestCheckpoint;  // runDir/best.pt, or "" when it was never written
  std::string lastCheckpoint;  // runDir/last.pt
  int64_t trainExamples = 0;   // examples per epoch (train.train_fraction, cold items left out)

  // Cold-item protocol (train.cold_item_share > 0; empty otherwise). `valid` and `test` above are
  // then the warm targets ranked among the warm items; coldTest ranks the test targets that are
  // cold items among the cold items, by content only (their id rows are zero, never trained), and
  // coldRandom holds a random ranking's expected metrics over the same candidates.
  MetricSet coldTest;
  MetricSet coldRandom;
  int64_t coldItems = 0;

  // How it was trained: ranks of the job (1 = one process), examples per rank and step, and
  // the collective backend ("gloo"; empty for one process).
  int worldSize = 1;
  int64_t perRankBatch = 0;
  std::string backend;
  /// Checksum of the weights as the last epoch left them (before best.pt is reloaded for the
  /// test): equal on every rank of a data-parallel job.
  std::string weightsChecksum;

  // adapt() only (empty for train()).
  AdaptReport adaptation;
  ZeroShotResult zeroShot;
};

/// Where a data-parallel job's ranks meet (DESIGN.md section 3, "Beyond one process"). Rank 0
/// serves the rendezvous (c10d's TCPStore) at host:port; every rank trains on its shard of each
/// global batch (train.batch_size examples per rank, so the global batch is batch_size x
/// worldSize, at the configured learning rate), gradients are averaged over the ranks with Gloo
/// all-reduce, and every rank takes the same optimiser step. Only rank 0 writes the run folder
/// (checkpoints) and calls onStep/onEpoch/onProgress; the others write nothing and may pass an
/// empty runDir. A rank that dies or stops answering for timeoutSeconds ends the job on every
/// rank with std::runtime_error naming it.
struct Distributed
{
  int rank = 0;
  int worldSize = 1;  // 1: an ordinary single-process run (the fields below are not used)
  std::string host = "127.0.0.1";
  int port = 29500;
  int timeoutSeconds = 60;
  bool active() const { return worldSize > 1; }
};

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
/// a single process's on the same weights. An adapted run cannot be trained data-parallel.
TrainOutcome train(const DatasetSnapshot& snapshot, const RunConfig& config,
                   const std::string& runDir, const TrainCallbacks& callbacks = {},
                   bool resume = false, const Distributed& distributed = {});

struct EvaluationOutcome
{
  MetricSet valid;
  MetricSet test;
  std::vector<UserMetricRow> validRows;
  std::vector<UserMetricRow> testRows;
  std::vector<BucketMetrics> testByActivity;
  MetricSet coldTest;  // cold-item protocol only, as in TrainOutcome
  MetricSet coldRandom;
  int64_t coldItems = 0;
};

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
TrainOutcome adapt(const DatasetSnapshot& target, const RunConfig& config,
                   const std::string& parentCheckpoint, const DatasetSnapshot& parentSnapshot,
                   const RunConfig& parentConfig, const AdaptOptions& options,
                   const std::string& runDir, const TrainCallbacks& callbacks = {},
                   bool resume = false);

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

/// A starting config for an adapted run: the parent's, with model.adapter_width set (8, unless
/// already set) in parameter-efficient mode. The caller then changes the task and the rest.
RunConfig adaptedConfig(const RunConfig& parentConfig, const AdaptOptions& options);

/// Evaluates a checkpoint (a file, or a run folder: its best.pt, else last.pt) on the
/// validation and test targets of the leave-one-out split. Throws std::runtime_error like
/// Predictor::open for a missing, corrupt or foreign checkpoint.
EvaluationOutcome evaluate(const DatasetSnapshot& snapshot, const RunConfig& config,
                           const std::string& checkpoint);

struct ParamEstimate
{
  int64_t parameters = 0;        // trainable parameters
  int64_t examplesPerEpoch = 0;  // training examples per epoch
  int64_t stepsPerEpoch = 0;
  int64_t evalUsers = 0;                                          // users with validation targets
  std::vector<std::pair<std::string, int64_t>> parametersByPart;  // "item_encoder" -> count, ...
};

/// Parameter count and epoch size without training. Throws std::invalid_argument like train().
ParamEstimate estimate(const DatasetSnapshot& snapshot, const RunConfig& config);

/// Context a caller may impose on recommend/explain/scoreAll (-1 keeps the default).
struct ContextOverride
{
  int hourOfDay = -1;  // 0..23 (UTC, like the timestamps)
  int dayOfWeek = -1;  // 0 = Sunday .. 6 = Saturday
};

struct Recommendation
{
  int32_t item = -1;  // item index; snapshot.itemIds[item] is the external id
  float score = 0;    // model score (logit or predicted rating); higher is better
  bool cold = false;  // a cold item of the cold-item protocol (never trained on)
};

/// The attention behind one (user, item) score.
struct Explanation
{
  std::vector<std::string> tokens;  // "user", "context", then "<external id> <title>" per
                                    // history item, oldest first
  std::vector<int32_t> tokenItem;   // item index per token; -1 for user and context
  std::vector<std::vector<std::vector<float>>> weights;  // [layer][head][token]; rows sum to 1
  float score = 0;                                       // the model's score of the item
};

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

struct BaselineResult
{
  std::string name;  // one of baselineNames()
  MetricSet valid;
  MetricSet test;
  double seconds = 0;
  MetricSet coldTest;    // cold-item protocol only: the cold test targets among the cold items
  std::string coldNote;  // how the baseline treats cold items
  std::vector<UserMetricRow> testRows;  // one per evaluated user (significance between runs)
  Json params = Json::object();         // what validation chose: itemknn {"neighbours", "shrink"},
                                        // ease {"lambda"}, bpr {"lr", "l2"}; {} for pop
  std::vector<std::string> tuning;      // one line per configuration tried on validation
};

struct BaselineOutcome
{
  std::string status;    // "finished" | "stopped"
  std::string protocol;  // the ranking protocol shared by every result
  std::vector<BaselineResult> baselines;
  std::string bprFactors;  // the saved BPR-MF factors (runBaselines with a folder), or ""
  MetricSet coldRandom;    // cold-item protocol: a random ranking's expected cold metrics
  /// Baselines asked for that could not run here, with the reason (the item-item ones on a
  /// catalogue too large for their items x items matrices).
  std::vector<std::pair<std::string, std::string>> skipped;
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
