// Multi-head attention and the fusion layers (f_merge of DESIGN.md section 3), private to model/.
//
// The fusion is a stack of cross-attention layers: the query (user side for the dot scorer, the
// target item for the mlp scorer) attends over the same key/value tokens [u, c, h_1..h_L] in
// every layer, so each layer's weights are over those labelled tokens and can be shown as they
// are. Pre-norm residual blocks: q += Attn(LN(q), LN(kv)); q += FFN(LN(q)).
//
// Registered names: MultiHeadAttention "query", "key", "value", "output"; FusionLayer
// "attention", "norm_query", "norm_tokens", "norm_ffn", "ffn".
//
// Thread affinity: a module is used by one thread at a time (the one that trains or evaluates).
#pragma once

#include <torch/torch.h>

namespace m6
{

/// Attention computes q.k and the weighted values as broadcast products up to this many elements
/// ([B, H, Q, T, dh]), with batched matmul above (package_script_net.cpp makes the same choice).
constexpr int64_t kAttentionBroadcastLimit = int64_t(1) << 23;

struct AttentionOutput
{
  torch::Tensor out;      // [B, Q, d]
  torch::Tensor weights;  // [B, H, Q, T], softmax over T (before dropout)
};

class MultiHeadAttentionImpl : public torch::nn::Module
{
 public:
  MultiHeadAttentionImpl(int64_t dim, int64_t heads, double dropout);

  /// q [B, Q, d], kv [B, T, d]; blocked: bool, broadcastable to [B, Q, T], true where a query
  /// must not attend. Every query must have at least one unblocked token.
  AttentionOutput forward(const torch::Tensor& q, const torch::Tensor& kv,
                          const torch::Tensor& blocked);

 private:
  int64_t dim_;
  int64_t heads_;
  torch::nn::Linear query_{nullptr};
  torch::nn::Linear key_{nullptr};
  torch::nn::Linear value_{nullptr};
  torch::nn::Linear output_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(MultiHeadAttention);

class FusionLayerImpl : public torch::nn::Module
{
 public:
  FusionLayerImpl(int64_t dim, int64_t heads, double dropout);

  /// Returns the updated query [B, Q, d] and this layer's weights.
  AttentionOutput forward(const torch::Tensor& q, const torch::Tensor& kv,
                          const torch::Tensor& blocked);

 private:
  MultiHeadAttention attention_{nullptr};
  torch::nn::LayerNorm normQuery_{nullptr};
  torch::nn::LayerNorm normTokens_{nullptr};
  torch::nn::LayerNorm normFfn_{nullptr};
  torch::nn::Sequential ffn_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(FusionLayer);

}  // namespace m6
