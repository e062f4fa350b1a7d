// The engine's value types: what crosses from model/ to the other layers (progress and epoch
// figures, outcomes of training, evaluation and baselines, recommendations and explanations,
// the data-parallel rendezvous). Plain structs, torch-free and Qt-free, so app/ can carry them
// through queued signals and ui/ can show them. The functions that produce them are in
// model/engine.h, which ui/ never includes (the build refuses it: see ui/CMakeLists.txt).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "model/adapt_report.h"
#include "model/core/config.h"
#include "model/core/dataset.h"
#include "model/core/json.h"
#include "model/core/metrics.h"
#include "model/core/run_values.h"
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
  RunStatus status = RunStatus::Finished;  // or Stopped (cancelled), Diverged (NaN/inf loss)
  std::string message;                     // one line for the user; names the step when diverged
  int bestEpoch = 0;                       // 0 when no epoch finished
  int epochsRun = 0;                       // epochs completed, over resumes
  MetricSet valid;                         // validation metrics of the best epoch (empty when none)
  MetricSet test;                          // test metrics of best.pt (empty when no epoch finished)
  std::vector<UserMetricRow> testRows;     // one per evaluated user
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

struct ParamEstimate
{
  int64_t parameters = 0;        // trainable parameters
  int64_t examplesPerEpoch = 0;  // training examples per epoch
  int64_t stepsPerEpoch = 0;
  int64_t evalUsers = 0;                                          // users with validation targets
  std::vector<std::pair<std::string, int64_t>> parametersByPart;  // "item_encoder" -> count, ...
};

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
  RunStatus status = RunStatus::Finished;  // or Stopped
  std::string protocol;                    // the ranking protocol shared by every result
  std::vector<BaselineResult> baselines;
  std::string bprFactors;  // the saved BPR-MF factors (runBaselines with a folder), or ""
  MetricSet coldRandom;    // cold-item protocol: a random ranking's expected cold metrics
  /// Baselines asked for that could not run here, with the reason (the item-item ones on a
  /// catalogue too large for their items x items matrices).
  std::vector<std::pair<std::string, std::string>> skipped;
};

}  // namespace m6
