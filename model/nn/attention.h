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

/// The key/value tokens of a fusion layer. Either whole (`tokens` [B, T, d], normalised by the
/// layer, plus `offsets` after the norm when defined), or split (`items` defined): the first T0
/// tokens per example in `tokens` [B, T0, d] (user and context) and the bag history's L slots as
/// rows of a table of distinct item tokens, so the layer normalises and projects each item once:
///   slot (b, j) = LN(items[itemRows[b, j]]) + position[j] + gap[gaps[b, j]]
/// which the projection splits exactly: W·slot = W·LN(item) + W·position + W·gap.
///
/// Windowed (`keyRows` defined, window_batch.h): the B queries form R runs of at most Q targets
/// of one user each; query b is row queryRow[b] of the runs' padded R x Q layout (rowQuery maps
/// back), and the history keys are per run: key (r, k) is items[keyRows[r, k]], and for the query
/// in row (r, q) it sits at position slot windowPosition[r, q, k] with gap bucket
/// windowGaps[r, q, k], blocked where the layer's mask says so; `tokens` is [B, T0, d].
struct FusionTokens
{
  torch::Tensor tokens;          // [B, T, d], or [B, T0, d] when split
  torch::Tensor offsets;         // [B, T, d] added after the token norm, or undefined (whole only)
  torch::Tensor items;           // [U, d] distinct history item tokens (split)
  torch::Tensor itemRows;        // int64 [B, L] row of `items` per history slot (split)
  torch::Tensor position;        // [L, d] per-slot position embedding, or undefined (split)
  torch::Tensor gap;             // [G, d] time-gap embedding table, or undefined (split)
  torch::Tensor gaps;            // int64 [B, L] time-gap bucket per slot (split, with `gap`)
  torch::Tensor keyRows;         // int64 [R, K] row of `items` per run key (windowed)
  torch::Tensor windowPosition;  // int64 [R, Q, K] position slot per (query, key) (windowed)
  torch::Tensor windowGaps;      // int64 [R, Q, K] gap bucket per (query, key) (windowed)
  torch::Tensor queryRow;        // int64 [B] padded row of each query (windowed)
  torch::Tensor rowQuery;        // int64 [R * Q] query of each padded row, 0 at padding (windowed)

  bool split() const { return items.defined(); }
  bool windowed() const { return keyRows.defined(); }
};

class MultiHeadAttentionImpl : public torch::nn::Module
{
 public:
  MultiHeadAttentionImpl(int64_t dim, int64_t heads, double dropout);

  /// q [B, Q, d], kv [B, T, d]; blocked: bool, broadcastable to [B, Q, T], true where a query
  /// must not attend. Every query must have at least one unblocked token.
  AttentionOutput forward(const torch::Tensor& q, const torch::Tensor& kv,
                          const torch::Tensor& blocked);

  /// As forward, with the keys and values already projected ([B, T, d] each).
  AttentionOutput attend(const torch::Tensor& q, const torch::Tensor& keys,
                         const torch::Tensor& values, const torch::Tensor& blocked);

  /// Attention over split tokens whose norm the caller applied (`head` [B, T0, d] and `items`
  /// [U, d] normalised) without materialising per-slot keys and values. With one query per
  /// example the query goes into the items' space (Wkᵀq per head) and meets each slot's item
  /// there; the weighted sum of the slots' items is projected by Wv afterwards (row_products.h).
  /// With several, q·k of every distinct item is one product per head ([B·Q, U]), gathered per
  /// slot, and the weights are summed per item and multiplied by its value the same way, falling
  /// back to splitKeysValues + attend when those products would be larger than the per-slot ones.
  /// Position and gap terms go through their small tables either way.
  AttentionOutput attendSplit(const torch::Tensor& q, const torch::Tensor& head,
                              const torch::Tensor& items, const FusionTokens& kv,
                              const torch::Tensor& blocked);

  /// Attention over windowed split tokens (norm applied as for attendSplit); q [B, 1, d],
  /// `blocked` bool [R, Q, T0 + K]. Per run, q·k of its queries and keys is one product per head,
  /// the position and gap terms are per-query tables gathered per (query, key), and the values
  /// likewise; only the scores live in the padded layout, the projections run on the B queries.
  /// Each query's weights over its open tokens equal attendSplit's over its own history. The
  /// weights come back as [R, H, Q, T0 + K].
  AttentionOutput attendWindows(const torch::Tensor& q, const torch::Tensor& head,
                                const torch::Tensor& items, const FusionTokens& kv,
                                const torch::Tensor& blocked);

  /// Keys and values [B, T0 + L, d] of split tokens whose norm the caller applied (`head` and
  /// `items` normalised): one product for the T0 per-example tokens, one per distinct item, and
  /// the position and gap tables projected once, then gathered per slot.
  std::pair<torch::Tensor, torch::Tensor> splitKeysValues(const torch::Tensor& head,
                                                          const torch::Tensor& items,
                                                          const FusionTokens& kv);

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
  AttentionOutput forward(const torch::Tensor& q, const FusionTokens& kv,
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
