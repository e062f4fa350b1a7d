// The history encoder (f_hist of DESIGN.md section 3), private to model/.
//
// Input: the item tokens of the last L items, right-aligned (slot L-1 is the most recent item,
// empty slots at the front are padding), a padding mask and the time-gap bucket of each item to
// the query time. Adds the position-from-end and time-gap embeddings (when positional), then
// contextualises the tokens with none (a bag), a GRU, a causal 1-D CNN or Transformer layers.
// Padding never leaks into real tokens' attention; padded outputs are zero.
//
// Registered names: "position", "gap" (positional), then "gru" | "conv_<i>" | "block_<i>"
// (each block: "norm_attention", "attention", "norm_ffn", "ffn").
//
// Thread affinity: a module is used by one thread at a time (the one that trains or evaluates).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/core/config_values.h"
#include "model/nn/attention.h"

namespace m6
{

struct HistoryEncoderOptions
{
  int64_t dim = 64;
  int64_t length = 20;
  HistoryKind kind = HistoryKind::None;
  int64_t layers = 1;
  bool positional = true;
  bool gaps = true;  // time-gap embedding (needs timestamps)
  int64_t heads = 2;
  double dropout = 0.1;
  /// Position and gap are added after the fusion's token norm (model.token_norm item), beside a
  /// unit-scale item token: initialised at a matching scale (see history.cpp).
  bool afterNorm = false;
};

class TransformerBlockImpl : public torch::nn::Module
{
 public:
  TransformerBlockImpl(int64_t dim, int64_t heads, double dropout);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& blocked);

 private:
  torch::nn::LayerNorm normAttention_{nullptr};
  MultiHeadAttention attention_{nullptr};
  torch::nn::LayerNorm normFfn_{nullptr};
  torch::nn::Sequential ffn_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(TransformerBlock);

class HistoryEncoderImpl : public torch::nn::Module
{
 public:
  explicit HistoryEncoderImpl(const HistoryEncoderOptions& options);

  /// tokens [B, L, d] (padding rows already zero), pad: bool [B, L], gaps: int64 [B, L].
  torch::Tensor forward(const torch::Tensor& tokens, const torch::Tensor& pad,
                        const torch::Tensor& gaps);

  /// For a bag history whose position and gap embeddings are added after the fusion's token norm
  /// (model.token_norm item): the position embedding per slot [l, d] of l slots (slot l-1 most
  /// recent) and the gap table [G, d]; undefined when the encoder has none.
  torch::Tensor positionTable(int64_t l);
  torch::Tensor gapTable();
  /// (position + gap) per slot [B, L, d], zero at padding; undefined without positional.
  torch::Tensor bagOffsets(const torch::Tensor& pad, const torch::Tensor& gaps);

 private:
  HistoryEncoderOptions options_;
  torch::nn::Embedding position_{nullptr};
  torch::nn::Embedding gap_{nullptr};
  torch::nn::GRU gru_{nullptr};
  std::vector<torch::nn::Conv1d> convs_;
  std::vector<TransformerBlock> blocks_;
};
TORCH_MODULE(HistoryEncoder);

}  // namespace m6
