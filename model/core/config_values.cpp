#include "model/core/config_values.h"

namespace m6
{

const std::vector<EnumWord<Merge>>& enumWords(Merge)
{
  static const std::vector<EnumWord<Merge>> words{{Merge::Sum, "sum"}, {Merge::Concat, "concat"}};
  return words;
}

const std::vector<EnumWord<HistoryKind>>& enumWords(HistoryKind)
{
  static const std::vector<EnumWord<HistoryKind>> words{{HistoryKind::None, "none"},
                                                        {HistoryKind::Gru, "gru"},
                                                        {HistoryKind::Cnn, "cnn"},
                                                        {HistoryKind::Transformer, "transformer"}};
  return words;
}

const std::vector<EnumWord<TokenNorm>>& enumWords(TokenNorm)
{
  static const std::vector<EnumWord<TokenNorm>> words{{TokenNorm::Item, "item"},
                                                      {TokenNorm::Sum, "sum"}};
  return words;
}

const std::vector<EnumWord<Scorer>>& enumWords(Scorer)
{
  static const std::vector<EnumWord<Scorer>> words{{Scorer::Dot, "dot"}, {Scorer::Mlp, "mlp"}};
  return words;
}

const std::vector<EnumWord<Activation>>& enumWords(Activation)
{
  static const std::vector<EnumWord<Activation>> words{
      {Activation::Relu, "relu"}, {Activation::Gelu, "gelu"}, {Activation::Tanh, "tanh"}};
  return words;
}

const std::vector<EnumWord<Task>>& enumWords(Task)
{
  static const std::vector<EnumWord<Task>> words{
      {Task::Ranking, "ranking"}, {Task::Ctr, "ctr"}, {Task::Rating, "rating"}};
  return words;
}

const std::vector<EnumWord<Loss>>& enumWords(Loss)
{
  static const std::vector<EnumWord<Loss>> words{
      {Loss::Auto, "auto"}, {Loss::Softmax, "softmax"}, {Loss::SampledSoftmax, "sampled_softmax"},
      {Loss::Bce, "bce"},   {Loss::Bpr, "bpr"},         {Loss::Mse, "mse"}};
  return words;
}

const std::vector<EnumWord<Sampling>>& enumWords(Sampling)
{
  static const std::vector<EnumWord<Sampling>> words{{Sampling::Uniform, "uniform"},
                                                     {Sampling::Popularity, "popularity"}};
  return words;
}

const std::vector<EnumWord<Optimizer>>& enumWords(Optimizer)
{
  static const std::vector<EnumWord<Optimizer>> words{
      {Optimizer::Adam, "adam"}, {Optimizer::AdamW, "adamw"}, {Optimizer::Sgd, "sgd"}};
  return words;
}

const std::vector<EnumWord<SparseRows>>& enumWords(SparseRows)
{
  static const std::vector<EnumWord<SparseRows>> words{
      {SparseRows::Auto, "auto"}, {SparseRows::On, "on"}, {SparseRows::Off, "off"}};
  return words;
}

const std::vector<EnumWord<SharedHistory>>& enumWords(SharedHistory)
{
  static const std::vector<EnumWord<SharedHistory>> words{
      {SharedHistory::Auto, "auto"}, {SharedHistory::On, "on"}, {SharedHistory::Off, "off"}};
  return words;
}

const std::vector<EnumWord<SplitKind>>& enumWords(SplitKind)
{
  static const std::vector<EnumWord<SplitKind>> words{{SplitKind::Auto, "auto"},
                                                      {SplitKind::LooTime, "loo-time"},
                                                      {SplitKind::LooRandom, "loo-random"},
                                                      {SplitKind::RatioTime, "ratio-time"},
                                                      {SplitKind::RatioRandom, "ratio-random"},
                                                      {SplitKind::GlobalTime, "global-time"},
                                                      {SplitKind::GlobalRandom, "global-random"}};
  return words;
}

}  // namespace m6
