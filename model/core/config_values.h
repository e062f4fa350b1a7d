// The closed sets of values that configuration knobs take (scorer, task, loss, split, ...) as
// enums, each with the one table that turns it into the words of JSON, the command line, the
// configuration form and protocol lines. Code compares enums; only those edges see the words.
//
// Thread affinity: none; the tables are immutable after their first (thread-safe) construction.
#pragma once

#include <vector>

#include "model/core/enum_words.h"

namespace m6
{

/// How the fields of one modality become one token.
enum class Merge
{
  Sum,
  Concat
};
/// How the history item tokens are contextualised before the attention.
enum class HistoryKind
{
  None,
  Gru,
  Cnn,
  Transformer
};
/// Where the fusion normalises a bag history's tokens (config.h, ModelConfig::tokenNorm).
enum class TokenNorm
{
  Item,
  Sum
};
enum class Scorer
{
  Dot,  // retrieval: user vector . item token
  Mlp   // ranking: target attention and an MLP decoder
};
enum class Activation
{
  Relu,
  Gelu,
  Tanh
};
enum class Task
{
  Ranking,
  Ctr,
  Rating
};
/// train.loss is one of Auto..Bpr; Mse is only what effectiveLoss() says the rating task trains
/// with, never a setting.
enum class Loss
{
  Auto,
  Softmax,
  SampledSoftmax,
  Bce,
  Bpr,
  Mse
};
enum class Sampling
{
  Uniform,
  Popularity
};
enum class Optimizer
{
  Adam,
  AdamW,
  Sgd
};
enum class SparseRows
{
  Auto,
  On,
  Off
};
/// train.shared_history: whether training groups a user's consecutive targets into windows that
/// share their history (window_batch.h). Auto: only under the full softmax (TrainingStep).
enum class SharedHistory
{
  Auto,
  On,
  Off
};
/// train.split. Split::kind (split.h) is the kind really used, never Auto.
enum class SplitKind
{
  Auto,
  LooTime,
  LooRandom,
  RatioTime,
  RatioRandom,
  GlobalTime,
  GlobalRandom
};

// The word tables (enum_words.h), in the order menus show them.
const std::vector<EnumWord<Merge>>& enumWords(Merge);
const std::vector<EnumWord<HistoryKind>>& enumWords(HistoryKind);
const std::vector<EnumWord<TokenNorm>>& enumWords(TokenNorm);
const std::vector<EnumWord<Scorer>>& enumWords(Scorer);
const std::vector<EnumWord<Activation>>& enumWords(Activation);
const std::vector<EnumWord<Task>>& enumWords(Task);
const std::vector<EnumWord<Loss>>& enumWords(Loss);
const std::vector<EnumWord<Sampling>>& enumWords(Sampling);
const std::vector<EnumWord<Optimizer>>& enumWords(Optimizer);
const std::vector<EnumWord<SparseRows>>& enumWords(SparseRows);
const std::vector<EnumWord<SharedHistory>>& enumWords(SharedHistory);
const std::vector<EnumWord<SplitKind>>& enumWords(SplitKind);

}  // namespace m6
