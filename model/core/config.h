// The model and training configuration of one run, with defaults, JSON, presets and validation.
//
// Plain data, no torch: the CLI builds it from --preset / --config / --set, the GUI generates its
// form from configFields() and checks it with validate(), and model/ consumes it. Enumerated knobs
// are enums (config_values.h); JSON, the command line and the form see their lower-case words
// (the choices listed in configFields()).
//
// Every knob is described once, in the table behind configFields() (config_fields.cpp): its
// dotted key ("model.heads"), group, type, range, choices, default and tooltip. toJson, fromJson,
// applySetting, getValue and setValue all go through that table, so a knob cannot exist in one of
// them and be missing from another.
//
// Thread affinity: none; plain values and pure functions. configFields() returns a static table
// that is built on first use (thread-safe static initialisation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/config_values.h"
#include "model/core/dataset.h"
#include "model/core/json.h"

namespace m6
{

struct DatasetSchema;

/// The network: encoders, history, attention fusion, scorer and task.
struct ModelConfig
{
  // Field encoders
  int dim = 64;                  // embedding width d of every token
  Merge merge = Merge::Sum;      // sum | concat (concat + linear)
  bool idEmbeddings = true;      // false: users and items by their content fields only
  double idDropout = 0.0;        // training: share of examples whose ids are dropped
  bool popularityPrior = false;  // item feature: log training interactions, standardised
  bool sideFeatures = true;      // false: no user, item or context field (ids and history only)
  std::vector<std::string> userFields;     // user fields to use; empty = all
  std::vector<std::string> itemFields;     // item fields to use; empty = all
  std::vector<std::string> contextFields;  // interaction (context) fields to use; empty = all
  std::vector<std::string>
      excludeFields;        // fields to drop: "name" or "user.name" / "item.name" ...
  bool timeContext = true;  // hour of day, day of week, recency (needs timestamps)
  int textBuckets = 16384;  // hash buckets of text n-grams
  int textWordNgrams = 2;   // word n-grams of length 1..n (0 = none)
  int textCharNgrams = 3;   // character n-grams of this length (0 = none)

  // History encoder
  int historyLength = 20;  // L: last L items before the interaction
  HistoryKind historyEncoder = HistoryKind::Transformer;
  int historyLayers = 1;
  bool positional = true;  // position-from-end and time-gap embeddings
  // Where the fusion normalises a bag history's tokens: "item" = LN(item) + position + gap (each
  // fusion layer then projects each distinct item once per step), "sum" = LN(item + position +
  // gap), the layout of every model before this knob existed (see fromJson).
  TokenNorm tokenNorm = TokenNorm::Item;

  // Attention fusion
  int heads = 2;
  int attentionLayers = 1;
  double attentionDropout = 0.1;
  int adapterWidth = 0;  // bottleneck adapters after the encoders and each fusion layer; 0 = none

  // Decoder
  Scorer scorer = Scorer::Dot;  // dot (retrieval) | mlp (ranking)
  int mlpLayers = 2;
  int mlpWidth = 128;
  double mlpDropout = 0.1;
  Activation mlpActivation = Activation::Relu;

  // Task
  Task task = Task::Ranking;
};

/// train.sampled_softmax_from's default: from this many items on, "auto" trains the dot scorer
/// with the sampled softmax.
constexpr int kSampledSoftmaxFromItems = 10000;

/// Losses, optimisation, evaluation protocol and run mechanics.
struct TrainConfig
{
  // Task and loss
  Loss loss = Loss::Auto;  // auto | dot: softmax, sampled_softmax | mlp: bce, bpr
  int negatives = 8;       // sampled negatives per positive (bce, bpr)
  // From this many items on, "auto" trains the dot scorer with the sampled softmax: a full
  // softmax's cost grows with the catalogue, the sampled one's with the batch.
  int sampledSoftmaxFrom = kSampledSoftmaxFromItems;
  // Sampled softmax: negatives drawn per step, shared by the batch. 1,024 lost nothing against
  // 4,096 on a 20,000-item catalogue (3 seeds), nor the same share of ml-latest-small's within
  // its seed spread, and trains 1.8x as fast at 25M (README, "Large catalogues").
  int sharedNegatives = 1024;
  Sampling sampling = Sampling::Uniform;
  double ctrThreshold = 4.0;  // ctr label = rating >= threshold

  // Optimisation
  Optimizer optimizer = Optimizer::Adam;
  SparseRows sparseRows = SparseRows::Auto;          // id tables updated per touched row (adam*)
  SharedHistory sharedHistory = SharedHistory::Off;  // windows of one user's targets per step
  double lr = 1e-3;
  double momentum = 0.9;  // sgd only
  double weightDecay = 0.0;
  int batchSize = 256;
  int epochs = 10;
  double gradClip = 5.0;     // max gradient norm; 0 = off
  int warmupSteps = 0;       // linear warm-up steps
  bool cosineDecay = false;  // cosine decay to 0 over all steps
  std::string earlyStopMetric =
      "auto";                        // auto | ndcg | hr | mrr | recall | auc | logloss | rmse | mae
  int patience = 3;                  // epochs without improvement before stopping; 0 = never
  int threads = 1;                   // torch intra-op threads of the training thread
  bool checkpointEveryEpoch = true;  // write last.pt after every epoch (resume point)

  // Data and split
  // auto | loo-time | loo-random | ratio-time | ratio-random | global-time | global-random
  SplitKind split = SplitKind::Auto;
  double validRatio = 0.1;  // ratio and global splits: share held out for validation
  double testRatio = 0.1;   // ... and for test
  int evalK = 10;
  bool sampledEval = false;  // 100 sampled negatives instead of full ranking
  int validUsers = 0;        // per-epoch validation on a seeded sample of this many users; 0 = all
  int64_t seed = 42;
  double trainFraction = 1.0;  // share of the training examples used (deterministic subset)
  double coldItemShare = 0.0;  // share of items held out of training (cold-item protocol)
};

struct RunConfig
{
  ModelConfig model;
  TrainConfig train;
};

/// One problem found by validate(): the dotted key of the offending field and why.
struct ConfigIssue
{
  std::string field;    // e.g. "model.heads"
  std::string message;  // starts with the field, says why and what is allowed
};

/// {"model": {...}, "train": {...}} with every knob, in table order.
Json toJson(const RunConfig& config);

/// Reads a config; absent knobs keep their defaults. Throws std::invalid_argument naming the key
/// for an unknown key or a value of the wrong type or outside the choices.
/// One exception: a "model" object that holds every knob of the first config format but no
/// "token_norm" was written by toJson before that knob existed (run records, checkpoints, model
/// files), so it reads as token_norm "sum", the layout those models were trained with.
RunConfig fromJson(const Json& json);

/// Preset names in menu order: quick, balanced, thorough, sasrec-like (not "auto": preset_choice.h)
std::vector<std::string> presetNames();

/// A preset. Throws std::invalid_argument for an unknown name (listing the known ones).
RunConfig preset(const std::string& name);

/// Applies "key=value" (the CLI's --set). The key is dotted ("model.heads") or a bare leaf name
/// when unambiguous ("heads"). Values: integers, numbers, true/false (also 1/0, yes/no, on/off),
/// enum names, comma-separated string lists. Throws std::invalid_argument naming the key and why.
/// Ranges are checked by validate(), not here.
void applySetting(RunConfig& config, const std::string& assignment);

/// Problems of a config, each naming its field. Dataset-dependent rules (field names, ratings,
/// catalogue size) are checked only when `schema` is given. Empty when the config is usable.
std::vector<ConfigIssue> validate(const RunConfig& config, const DatasetSchema* schema = nullptr);

/// All issues joined into one message, one per line ("" when none).
std::string formatIssues(const std::vector<ConfigIssue>& issues);

/// Indices into schema.fields(entity) of the fields the model encodes: the include list of that
/// entity (empty = all) minus model.excludeFields ("name" matches any entity, "item.name" only
/// items). Unknown names are ignored here; validate() reports them.
std::vector<int> selectedFields(const ModelConfig& model, const DatasetSchema& schema,
                                FieldEntity entity);

/// The validation metric that early stopping uses: earlyStopMetric, or for "auto" ndcg (ranking),
/// auc (ctr) or rmse (rating). Bare name, without "@K".
std::string effectiveStopMetric(const RunConfig& config);

/// The loss training uses: for ranking train.loss, with Auto meaning Bce (mlp) or, for dot,
/// Softmax below train.sampledSoftmaxFrom items and SampledSoftmax from there on (numItems 0:
/// the catalogue is not known, Auto means Softmax); Bce for ctr; Mse for rating. Never Auto.
Loss effectiveLoss(const RunConfig& config, int64_t numItems = 0);

/// A note on how a ranking model was trained, for its protocol line: "trained with sampled
/// softmax (...)" when the effective loss is sampled_softmax, "" otherwise.
std::string trainingLossNote(const RunConfig& config, int64_t numItems);

/// Whether a larger value of the metric (bare name) is better: false for logloss, rmse, mae.
bool higherIsBetter(const std::string& metric);

}  // namespace m6
