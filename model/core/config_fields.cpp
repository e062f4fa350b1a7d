#include "model/core/config_fields.h"

#include <stdexcept>

#include "model/core/config_field_defs.h"
#include "model/core/split.h"

namespace m6
{

namespace
{

const char* const kData = "Data and split";
const char* const kFields = "Field encoders";
const char* const kHistory = "History encoder";
const char* const kAttention = "Attention";
const char* const kDecoder = "Decoder";
const char* const kTask = "Task and loss";
const char* const kOptim = "Optimisation";

using namespace config_detail;

std::vector<FieldDef> buildTable()
{
  using R = RunConfig;
  const auto M = &R::model;
  const auto T = &R::train;
  std::vector<FieldDef> t;

  // ---- Data and split ------------------------------------------------------------------------
  t.push_back(enumField(
      "train.split", kData, "Split", T, &TrainConfig::split,
      "How interactions become train, validation and test: auto (leave-one-out by time, or at "
      "random without timestamps), loo-time / loo-random (one test and one validation "
      "interaction per user: the last two, or two drawn at random), ratio-time / ratio-random "
      "(per user, by the ratios below, RecBole's 8:1:1: the last shares, or shares drawn at "
      "random), global-time (one cut time for validation and one for test, so nothing after a "
      "cut is trained on), global-random (the ratios of all interactions drawn at random, what "
      "CTR and rating papers use). The -time splits need timestamps. Random draws are fixed per "
      "dataset, not per seed, so runs compare on the same held-out interactions. Named in every "
      "protocol line."));
  {
    FieldDef f = doubleField(
        "train.valid_ratio", kData, "Validation share", T, &TrainConfig::validRatio, 0, 0.45, true,
        "Share of each user's interactions (ratio splits), of all interaction times "
        "(global-time) or of all interactions (global-random) held out for validation (0-0.45, "
        "default 0.1).");
    t.push_back(appliesWhen(f, "train.split=ratio-time,ratio-random,global-time,global-random"));
  }
  {
    FieldDef f = doubleField(
        "train.test_ratio", kData, "Test share", T, &TrainConfig::testRatio, 0, 0.45, true,
        "Share held out for test, like the validation share (0-0.45, default 0.1).");
    t.push_back(appliesWhen(f, "train.split=ratio-time,ratio-random,global-time,global-random"));
  }
  t.push_back(
      intField("train.eval_k", kData, "Evaluation K", T, &TrainConfig::evalK, 1, 1000,
               "Length K of the ranked list that HR, NDCG, MRR, Recall, coverage and diversity are "
               "measured on (1-1000, default 10)."));
  t.push_back(boolField(
      "train.sampled_eval", kData, "Sampled-negatives protocol", T, &TrainConfig::sampledEval,
      "Rank the held-out item against 100 sampled unseen items instead of the whole catalogue "
      "(inflates figures; labelled in every report; on/off)."));
  {
    FieldDef f = intField(
        "train.valid_users", kData, "Validation users per epoch", T, &TrainConfig::validUsers, 0,
        2147483647,
        "Validate each epoch (early stopping, best epoch) on a fixed, seeded sample of this many "
        "users instead of all of them, for large datasets; labelled in the protocol. The final "
        "test always covers every user (0 = every user, the default).");
    t.push_back(appliesWhen(f, "model.task=ranking"));
  }
  t.push_back(int64Field(
      "train.seed", kData, "Seed", &TrainConfig::seed, 0, 9007199254740991.0,
      "Seed of initialisation, shuffling, sampling and dropout; the same seed, config and data "
      "give the same metrics (0 to 2^53-1)."));
  t.push_back(doubleField(
      "train.train_fraction", kData, "Training fraction", T, &TrainConfig::trainFraction, 0, 1,
      true,
      "Share of the training examples the model learns from (a fixed subset per dataset, the "
      "smaller nested in the larger; histories, validation and test unchanged; 0-1, 1 = all)."));
  {
    FieldDef f = doubleField(
        "train.cold_item_share", kData, "Cold-item share", T, &TrainConfig::coldItemShare, 0, 0.5,
        false,
        "Share of the items held out of training entirely (a fixed subset per dataset); their "
        "held-out interactions are ranked by content only in a separate cold-item report (0-0.5, "
        "0 = off; ranking only).");
    t.push_back(appliesWhen(f, "model.task=ranking"));
  }

  // ---- Field encoders ------------------------------------------------------------------------
  t.push_back(intField("model.dim", kFields, "Embedding width", M, &ModelConfig::dim, 4, 1024,
                       "Width d of every field embedding and token; must be divisible by the "
                       "attention heads (4-1024)."));
  t.push_back(enumField("model.merge", kFields, "Field merge", M, &ModelConfig::merge,
                        "How the fields of one modality become one token: sum of embeddings, or "
                        "concatenation followed by a linear layer (sum | concat)."));
  t.push_back(boolField("model.id_embeddings", kFields, "Id embeddings", M,
                        &ModelConfig::idEmbeddings,
                        "Learn an embedding per user and item id; off gives a content-only model "
                        "that generalises to new items (on/off)."));
  {
    FieldDef f = doubleField(
        "model.id_dropout", kFields, "Id dropout", M, &ModelConfig::idDropout, 0, 0.9, false,
        "Share of training examples whose user and item id embeddings are dropped (zero, as for "
        "ids the model never saw), so the content fields learn to stand alone: helps a model "
        "that will recommend on another catalogue (0-0.9, 0 = off).");
    t.push_back(appliesWhen(f, "model.id_embeddings=true"));
  }
  t.push_back(boolField(
      "model.popularity_prior", kFields, "Popularity prior", M, &ModelConfig::popularityPrior,
      "Give every item a feature: the log of its interactions in this dataset's training split "
      "(standardised), so a model carried to another catalogue knows that catalogue's popular "
      "items; never computed from held-out interactions (on/off)."));
  t.push_back(boolField(
      "model.side_features", kFields, "Side features", M, &ModelConfig::sideFeatures,
      "Encode the users', items' and interactions' own fields (genres, titles, age, ...); off "
      "leaves ids, the history and the time context, as in id-only sequential models such as "
      "SASRec (on/off)."));
  {
    // The field lists only matter while side features are on.
    FieldDef fields[] = {
        listField("model.user_fields", kFields, "User fields", &ModelConfig::userFields,
                  "User fields to encode, by name; empty uses every user field."),
        listField("model.item_fields", kFields, "Item fields", &ModelConfig::itemFields,
                  "Item fields to encode, by name; empty uses every item field."),
        listField("model.context_fields", kFields, "Context fields", &ModelConfig::contextFields,
                  "Interaction (context) fields to encode, by name; empty uses every one."),
        listField("model.exclude_fields", kFields, "Excluded fields", &ModelConfig::excludeFields,
                  "Fields to leave out, as name or entity.name (user.age, item.title); empty "
                  "excludes nothing.")};
    for (FieldDef& f : fields)
    {
      t.push_back(appliesWhen(f, "model.side_features=true"));
    }
  }
  t.push_back(boolField("model.time_context", kFields, "Time context", M, &ModelConfig::timeContext,
                        "Encode hour of day, day of week and the gap since the previous "
                        "interaction as context when the data has timestamps (on/off)."));
  t.push_back(intField("model.text_buckets", kFields, "Text hash buckets", M,
                       &ModelConfig::textBuckets, 16, 4194304,
                       "Number of hash buckets that text n-grams share (16-4194304)."));
  t.push_back(intField("model.text_word_ngrams", kFields, "Word n-grams", M,
                       &ModelConfig::textWordNgrams, 0, 3,
                       "Text is hashed into word n-grams of length 1 up to this (0-3, 0 = none)."));
  t.push_back(intField("model.text_char_ngrams", kFields, "Character n-grams", M,
                       &ModelConfig::textCharNgrams, 0, 6,
                       "Length of the character n-grams hashed from each word (0-6, 0 = none)."));

  // ---- History encoder -----------------------------------------------------------------------
  t.push_back(intField("model.history_length", kHistory, "History length", M,
                       &ModelConfig::historyLength, 0, 512,
                       "Number L of most recent items before an interaction that form the "
                       "history (0-512; 0 = no history: the model sees the user, the context "
                       "and the target only)."));
  t.push_back(enumField("model.history_encoder", kHistory, "History encoder", M,
                        &ModelConfig::historyEncoder,
                        "How the history item tokens are contextualised before attention: none "
                        "(bag), GRU, 1-D CNN or Transformer self-attention."));
  {
    FieldDef f =
        intField("model.history_layers", kHistory, "History layers", M, &ModelConfig::historyLayers,
                 1, 8, "Layers of the GRU, CNN or Transformer history encoder (1-8).");
    t.push_back(appliesWhen(f, "model.history_encoder!=none"));
  }
  t.push_back(boolField("model.positional", kHistory, "Positional / recency embedding", M,
                        &ModelConfig::positional,
                        "Add an embedding of each history item's position from the end and of its "
                        "time gap to the interaction (on/off)."));
  {
    FieldDef f = enumField(
        "model.token_norm", kHistory, "History token norm", M, &ModelConfig::tokenNorm,
        "Where the attention normalises a bag history's tokens: item = normalise the item token, "
        "then add position and time gap (each attention layer projects each item once per step: "
        "faster at long histories); sum = normalise item + position + gap (models trained before "
        "this setting existed).");
    t.push_back(appliesWhen(f, "model.history_encoder=none"));
  }

  // ---- Attention -----------------------------------------------------------------------------
  t.push_back(intField("model.heads", kAttention, "Attention heads", M, &ModelConfig::heads, 1, 32,
                       "Heads of the fusion attention; must divide the embedding width (1-32)."));
  t.push_back(intField("model.attention_layers", kAttention, "Attention layers", M,
                       &ModelConfig::attentionLayers, 1, 8,
                       "Stacked attention layers over [user, context, history] (1-8)."));
  t.push_back(doubleField("model.attention_dropout", kAttention, "Attention dropout", M,
                          &ModelConfig::attentionDropout, 0, 0.9, false,
                          "Dropout on attention weights and residual branches (0-0.9)."));
  t.push_back(intField("model.adapter_width", kAttention, "Adapter width", M,
                       &ModelConfig::adapterWidth, 0, 256,
                       "Width of the bottleneck adapters after each encoder and attention layer, "
                       "for parameter-efficient adaptation (0-256, 0 = none)."));

  // ---- Decoder -------------------------------------------------------------------------------
  t.push_back(enumField("model.scorer", kDecoder, "Scorer", M, &ModelConfig::scorer,
                        "dot: user vector . item token, whole catalogue in one product "
                        "(retrieval); mlp: target attention and an MLP decoder (ranking)."));
  {
    FieldDef f = intField("model.mlp_layers", kDecoder, "MLP layers", M, &ModelConfig::mlpLayers, 1,
                          8, "Hidden layers of the MLP decoder (1-8; mlp scorer only).");
    t.push_back(appliesWhen(f, "model.scorer=mlp"));
  }
  {
    FieldDef f = intField("model.mlp_width", kDecoder, "MLP width", M, &ModelConfig::mlpWidth, 4,
                          4096, "Units per hidden layer of the MLP decoder (4-4096; mlp only).");
    t.push_back(appliesWhen(f, "model.scorer=mlp"));
  }
  {
    FieldDef f = doubleField(
        "model.mlp_dropout", kDecoder, "MLP dropout", M, &ModelConfig::mlpDropout, 0, 0.9, false,
        "Dropout after each hidden layer of the MLP decoder (0-0.9; mlp only).");
    t.push_back(appliesWhen(f, "model.scorer=mlp"));
  }
  {
    FieldDef f = enumField("model.mlp_activation", kDecoder, "MLP activation", M,
                           &ModelConfig::mlpActivation,
                           "Activation of the MLP decoder's hidden layers (relu | gelu | tanh; "
                           "mlp only).");
    t.push_back(appliesWhen(f, "model.scorer=mlp"));
  }

  // ---- Task and loss -------------------------------------------------------------------------
  t.push_back(enumField("model.task", kTask, "Task", M, &ModelConfig::task,
                        "ranking: next-item retrieval from implicit feedback; ctr: click "
                        "probability with label rating >= threshold; rating: predict the rating."));
  {
    FieldDef f = enumField("train.loss", kTask, "Ranking loss", T, &TrainConfig::loss,
                           "Ranking loss: softmax over the catalogue or sampled softmax (dot), BCE "
                           "or BPR with sampled negatives (mlp); auto picks bce for mlp, and for "
                           "dot softmax below train.sampled_softmax_from items (10,000 unless a "
                           "preset says otherwise) and sampled softmax from there on.",
                           {Loss::Auto, Loss::Softmax, Loss::SampledSoftmax, Loss::Bce, Loss::Bpr});
    t.push_back(appliesWhen(f, "model.task=ranking"));
  }
  {
    FieldDef f = intField(
        "train.sampled_softmax_from", kTask, "Sampled softmax from (items)", T,
        &TrainConfig::sampledSoftmaxFrom, 0, 1000000000,
        "With the auto loss, the dot scorer trains with the sampled softmax from this many items "
        "on and with the full softmax below (0-1000000000, default 10000; the thorough preset "
        "1000). The full softmax's cost grows with the catalogue, the sampled one's with the "
        "batch and train.shared_negatives.");
    t.push_back(appliesWhen(f, "model.scorer=dot"));
  }
  t.push_back(intField("train.negatives", kTask, "Negatives per positive", T,
                       &TrainConfig::negatives, 1, 10000,
                       "Sampled negative items per positive for BCE and BPR (1-10000)."));
  {
    FieldDef f = intField(
        "train.shared_negatives", kTask, "Shared negatives per step", T,
        &TrainConfig::sharedNegatives, 1, 1000000,
        "Sampled softmax (dot): negatives drawn once per step and shared by every example of the "
        "batch, besides the batch's other targets (1-1000000, default 1024). Fewer is faster; "
        "too few costs accuracy on large catalogues.");
    t.push_back(appliesWhen(f, "model.scorer=dot"));
  }
  t.push_back(enumField("train.sampling", kTask, "Negative sampling", T, &TrainConfig::sampling,
                        "How negatives are drawn: uniformly over items, or in proportion to "
                        "their training popularity (uniform | popularity)."));
  {
    FieldDef f = doubleField("train.ctr_threshold", kTask, "CTR threshold", T,
                             &TrainConfig::ctrThreshold, -1e9, 1e9, false,
                             "An interaction is a positive click when its rating is at least "
                             "this (any number inside the rating range).");
    t.push_back(appliesWhen(f, "model.task=ctr"));
  }

  // ---- Optimisation --------------------------------------------------------------------------
  t.push_back(enumField("train.optimizer", kOptim, "Optimiser", T, &TrainConfig::optimizer,
                        "Adam, AdamW (decoupled weight decay) or SGD with momentum."));
  {
    FieldDef f = enumField(
        "train.sparse_rows", kOptim, "Row-sparse id updates", T, &TrainConfig::sparseRows,
        "Update only the rows of the user and item id tables a step touched (lazy Adam: an "
        "untouched row keeps its value and moments) instead of every row: faster on large "
        "datasets. auto: for a table of more than a million parameters and 8 rows per example "
        "of a batch (the users of a large dataset; the items unless the full softmax touches "
        "them all); on: both tables; "
        "off: every row, as runs before this setting. Data-parallel ranks exchange only the "
        "touched rows.");
    t.push_back(appliesWhen(f, "train.optimizer!=sgd"));
  }
  {
    FieldDef f = enumField(
        "train.shared_history", kOptim, "Shared history windows", T, &TrainConfig::sharedHistory,
        "off (default): every step takes targets at random, each with its own history. on: "
        "each step takes runs of one user's consecutive targets (up to 32) and computes their "
        "common history once per run, each target attending only to the items before it: the "
        "same model and loss per target, in fewer and larger operations (1.06x the "
        "examples/s of the thorough preset on ml-latest-small), but a user's id row is then "
        "updated in fewer, larger steps, which has cost validation NDCG@10 with the sampled "
        "softmax and in short runs. auto: on under the full softmax, off under the sampled "
        "one. Applies to the dot scorer with a bag history under token norm item, softmax or "
        "sampled softmax, without the cold-item protocol; elsewhere it acts as off.");
    t.push_back(appliesWhen(f, "model.scorer=dot"));
  }
  t.push_back(doubleField("train.lr", kOptim, "Learning rate", T, &TrainConfig::lr, 0, 1e6, true,
                          "Peak learning rate (greater than 0, at most 1e6; 1e-3 suits Adam)."));
  {
    FieldDef f = doubleField("train.momentum", kOptim, "Momentum", T, &TrainConfig::momentum, 0,
                             0.999, false, "Momentum of SGD (0-0.999; sgd only).");
    t.push_back(appliesWhen(f, "train.optimizer=sgd"));
  }
  t.push_back(doubleField("train.weight_decay", kOptim, "Weight decay", T,
                          &TrainConfig::weightDecay, 0, 1, false,
                          "L2 penalty (adam, sgd) or decoupled decay (adamw) (0-1)."));
  t.push_back(intField("train.batch_size", kOptim, "Batch size", T, &TrainConfig::batchSize, 1,
                       65536, "Training examples per optimisation step (1-65536)."));
  t.push_back(intField("train.epochs", kOptim, "Epochs", T, &TrainConfig::epochs, 1, 10000,
                       "Maximum passes over the training interactions (1-10000)."));
  t.push_back(doubleField("train.grad_clip", kOptim, "Gradient clipping", T, &TrainConfig::gradClip,
                          0, 1e6, false,
                          "Largest global gradient norm; larger gradients are scaled down "
                          "(0-1e6, 0 = off)."));
  t.push_back(intField("train.warmup_steps", kOptim, "Warm-up steps", T, &TrainConfig::warmupSteps,
                       0, 10000000,
                       "Steps of linear learning-rate warm-up from 0 (0-10000000, 0 = none)."));
  t.push_back(boolField("train.cosine_decay", kOptim, "Cosine decay", T, &TrainConfig::cosineDecay,
                        "Decay the learning rate to 0 along a cosine over all steps (on/off)."));
  t.push_back(wordField("train.early_stop_metric", kOptim, "Early-stopping metric", T,
                        &TrainConfig::earlyStopMetric,
                        {"auto", "ndcg", "hr", "mrr", "recall", "auc", "logloss", "rmse", "mae"},
                        "Validation metric that picks the best epoch and stops training (auto: "
                        "ndcg for ranking, auc for ctr, rmse for rating)."));
  t.push_back(intField("train.patience", kOptim, "Patience", T, &TrainConfig::patience, 0, 10000,
                       "Epochs without a better validation metric before stopping (0-10000, 0 = "
                       "never stop early)."));
  t.push_back(intField("train.threads", kOptim, "Threads", T, &TrainConfig::threads, 1, 256,
                       "Torch intra-op threads of the training thread; 1 is fastest for small "
                       "models (1-256)."));
  t.push_back(boolField("train.checkpoint_every_epoch", kOptim, "Checkpoint every epoch", T,
                        &TrainConfig::checkpointEveryEpoch,
                        "Write the resumable last.pt after every epoch, not only at the end "
                        "(on/off)."));

  RunConfig defaults;
  for (auto& f : t)
  {
    f.info.defaultValue = f.get(defaults);
  }
  return t;
}

const std::vector<FieldDef>& table()
{
  static const std::vector<FieldDef> t = buildTable();
  return t;
}

const FieldDef* findDef(const std::string& key, std::string* error)
{
  const auto& t = table();
  for (const auto& f : t)
  {
    if (f.info.key == key)
    {
      return &f;
    }
  }
  if (key.find('.') == std::string::npos)
  {
    const FieldDef* found = nullptr;
    std::string matches;
    for (const auto& f : t)
    {
      if (f.info.key.substr(f.info.key.find('.') + 1) == key)
      {
        matches += (matches.empty() ? "" : ", ") + f.info.key;
        if (found)
        {
          if (error)
          {
            *error = "'" + key + "' is ambiguous (" + matches + "); use the dotted key";
          }
          return nullptr;
        }
        found = &f;
      }
    }
    if (found)
    {
      return found;
    }
  }
  if (error)
  {
    *error = "unknown config key '" + key + "'";
  }
  return nullptr;
}

}  // namespace

const char* configFieldTypeName(ConfigFieldType t)
{
  switch (t)
  {
    case ConfigFieldType::Int:
      return "int";
    case ConfigFieldType::Double:
      return "double";
    case ConfigFieldType::Bool:
      return "bool";
    case ConfigFieldType::Enum:
      return "enum";
    case ConfigFieldType::StringList:
      return "string list";
  }
  return "?";
}

const std::vector<std::string>& configGroups()
{
  static const std::vector<std::string> groups = {kData,    kFields, kHistory, kAttention,
                                                  kDecoder, kTask,   kOptim};
  return groups;
}

const std::vector<ConfigFieldInfo>& configFields()
{
  static const std::vector<ConfigFieldInfo> infos = []
  {
    std::vector<ConfigFieldInfo> out;
    for (const auto& group : configGroups())
    {
      for (const auto& f : table())
      {
        if (f.info.group == group)
        {
          out.push_back(f.info);
        }
      }
    }
    return out;
  }();
  return infos;
}

const ConfigFieldInfo* findConfigField(const std::string& key, std::string* error)
{
  const FieldDef* f = findDef(key, error);
  if (!f)
  {
    return nullptr;
  }
  for (const auto& info : configFields())
  {
    if (info.key == f->info.key)
    {
      return &info;  // the entry of the public table, so callers may compare addresses
    }
  }
  return nullptr;
}

Json getValue(const RunConfig& config, const std::string& key)
{
  std::string error;
  const FieldDef* f = findDef(key, &error);
  if (!f)
  {
    throw std::invalid_argument(error);
  }
  return f->get(config);
}

void setValue(RunConfig& config, const std::string& key, const Json& value)
{
  std::string error;
  const FieldDef* f = findDef(key, &error);
  if (!f)
  {
    throw std::invalid_argument(error);
  }
  f->set(config, value);
}

}  // namespace m6
