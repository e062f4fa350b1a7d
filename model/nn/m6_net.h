// The M6 network (DESIGN.md section 3), private to model/.
//
// Not one forward(): training, evaluation and explanation share pieces at different
// granularities, so the pieces are public:
//  - encodeItems: item tokens i for a set of items (the catalogue once per step or evaluation);
//  - userSide:    user token u, context token c and the encoded history, packed as the key/value
//                 tokens [u, c, h_1..h_L] with their padding mask: computed once per (user, time)
//                 and broadcast over every candidate;
//  - scoreCandidates / scoreCatalogue: the dot or mlp scorer over candidates.
// Scores are logits (ranking, ctr) or ratings (rating task, with the training mean as offset).
//
// Registered names: "user_encoder", "item_encoder", "context_encoder", "history",
// "fusion_<l>", then "user_norm" + "user_projection" (dot) or "decoder" (mlp), the buffer
// "rating_offset" (rating task), and with model.adapter_width > 0 the bottleneck adapters
// "adapter_user", "adapter_item", "adapter_context", "adapter_history" and "adapter_fusion_<l>"
// (registered last, so the other modules' initial weights do not depend on them).
//
// Thread affinity: a module is used by one thread at a time (the one that trains or evaluates).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/core/config.h"
#include "model/features.h"
#include "model/nn/adapter.h"
#include "model/nn/attention.h"
#include "model/nn/encoders.h"
#include "model/nn/history.h"
#include "model/window_batch.h"

namespace m6
{

/// Items scored per chunk by the mlp scorer in full ranking (bounds the [B, chunk, 5d] input).
constexpr int64_t kMlpItemChunk = 512;

/// A bag history under model.token_norm item: position and gap are added after the fusion's token
/// norm (the network, and the TorchScript methods written for it, follow this one rule).
inline bool itemNormLayout(const ModelConfig& m)
{
  return m.tokenNorm == TokenNorm::Item && m.historyEncoder == HistoryKind::None;
}

/// Whether history slots get position (and gap) embeddings: model.positional, and at least one slot
/// (model.history_length 0 means no history, so nothing to encode).
inline bool historyPositions(const ModelConfig& m)
{
  return m.positional && m.historyLength > 0;
}

struct NetSpec
{
  ModelConfig model;
  int64_t numUsers = 0;
  int64_t numItems = 0;
  std::vector<ColumnSpec> userColumns;
  std::vector<ColumnSpec> itemColumns;
  std::vector<ColumnSpec> contextColumns;
  bool hasTimestamps = false;
  double ratingOffset = 0;  // mean training rating (rating task)
};

/// The user side of a batch of B queries. T = L + 2 tokens: [u, c, h_1..h_L].
struct UserSide
{
  torch::Tensor u;        // [B, d]
  torch::Tensor c;        // [B, d]
  FusionTokens kv;        // the key/value tokens, whole or split (attention.h)
  torch::Tensor blocked;  // bool [B, 1, T], true at padded history slots; [R, Q, T] windowed
};

class M6NetImpl : public torch::nn::Module
{
 public:
  explicit M6NetImpl(const NetSpec& spec);

  const NetSpec& spec() const { return spec_; }
  bool dot() const { return spec_.model.scorer == Scorer::Dot; }

  /// `bagMeans`: see EntityEncoderImpl::forward (the whole catalogue only).
  torch::Tensor encodeItems(const torch::Tensor& ids, const std::vector<torch::Tensor>& columns,
                            const std::vector<BagMeans>* bagMeans = nullptr);

  /// users int64 [B], or undefined for users the model never saw (their token is built without
  /// the id embedding); histTokens [B, L, d] item tokens of the history (any values at padding);
  /// histPad bool [B, L]; histGaps int64 [B, L].
  UserSide userSide(const torch::Tensor& users, const std::vector<torch::Tensor>& userColumns,
                    const std::vector<torch::Tensor>& contextColumns,
                    const torch::Tensor& histTokens, const torch::Tensor& histPad,
                    const torch::Tensor& histGaps);
  /// The same with the history given as rows `histRows` [B, L] of a table of item tokens
  /// `itemTokens` [N, d] (the catalogue, or the items a step touches). A bag history under
  /// model.token_norm item stays split (FusionTokens), so each fusion layer projects each
  /// distinct history item once instead of once per slot.
  UserSide userSide(const torch::Tensor& users, const std::vector<torch::Tensor>& userColumns,
                    const std::vector<torch::Tensor>& contextColumns,
                    const torch::Tensor& itemTokens, const torch::Tensor& histRows,
                    const torch::Tensor& histPad, const torch::Tensor& histGaps);

  /// The user side of a batch whose targets are grouped into runs (window_batch.h), for the dot
  /// scorer under itemNormLayout: `keyRows` [R, K] are the rows of `itemTokens` of the runs' keys
  /// (windows.keyItems mapped to rows). userVector, scoreCandidates and scoreCatalogue then answer
  /// per example of the batch, as userSide does for the same examples.
  UserSide windowSide(const torch::Tensor& users, const std::vector<torch::Tensor>& userColumns,
                      const std::vector<torch::Tensor>& contextColumns,
                      const torch::Tensor& itemTokens, const torch::Tensor& keyRows,
                      const WindowBatch& windows);

  /// Whether the user and the item id tables get row-sparse gradients (lazy_adam.h).
  void setSparseIds(bool users, bool items)
  {
    userEncoder_->setSparseIds(users);
    itemEncoder_->setSparseIds(items);
  }
  /// The id tables set to row-sparse gradients.
  std::vector<torch::Tensor> sparseIdWeights() const
  {
    std::vector<torch::Tensor> out;
    for (const auto& e : {userEncoder_, itemEncoder_})
    {
      if (e->idEmbedding() && e->idEmbedding()->options.sparse())
      {
        out.push_back(e->idEmbedding()->weight);
      }
    }
    return out;
  }

  /// Whether the fusion projects a bag history per distinct item (true, the default) or per
  /// slot through the whole tokens: the same function, kept as the reference the tests compare.
  void setSplitProjection(bool on) { splitProjection_ = on; }

  /// Scores of candidate item tokens [B, Q, d] -> [B, Q]. When `weights` is given it receives
  /// each fusion layer's attention weights [B, H, Q', T] (Q' = 1 for dot, Q for mlp).
  torch::Tensor scoreCandidates(const UserSide& side, const torch::Tensor& candidates,
                                std::vector<torch::Tensor>* weights = nullptr);

  /// Scores of every item token [N, d] for every query -> [B, N] (dot: one matrix product; mlp:
  /// in chunks of items).
  torch::Tensor scoreCatalogue(const UserSide& side, const torch::Tensor& itemTokens);

  /// Dot scorer: the user vector [B, d] after the fusion.
  torch::Tensor userVector(const UserSide& side, std::vector<torch::Tensor>* weights = nullptr);

  EntityEncoder userEncoder() const { return userEncoder_; }
  EntityEncoder itemEncoder() const { return itemEncoder_; }

 private:
  torch::Tensor fuse(torch::Tensor query, const UserSide& side,
                     std::vector<torch::Tensor>* weights);
  torch::Tensor mlpScores(const UserSide& side, const torch::Tensor& candidates,
                          std::vector<torch::Tensor>* weights);
  torch::Tensor withOffset(const torch::Tensor& scores) const;
  /// u and c of a batch of b queries (adapters applied).
  std::pair<torch::Tensor, torch::Tensor> userAndContext(
      const torch::Tensor& users, const std::vector<torch::Tensor>& userColumns,
      const std::vector<torch::Tensor>& contextColumns, int64_t b);

  NetSpec spec_;
  EntityEncoder userEncoder_{nullptr};
  EntityEncoder itemEncoder_{nullptr};
  EntityEncoder contextEncoder_{nullptr};
  HistoryEncoder history_{nullptr};
  std::vector<FusionLayer> fusion_;
  torch::nn::LayerNorm userNorm_{nullptr};
  torch::nn::Linear userProjection_{nullptr};
  torch::nn::Sequential decoder_{nullptr};
  torch::Tensor ratingOffset_;
  Adapter userAdapter_{nullptr};
  Adapter itemAdapter_{nullptr};
  Adapter contextAdapter_{nullptr};
  Adapter historyAdapter_{nullptr};
  std::vector<Adapter> fusionAdapters_;
  bool splitProjection_ = true;
  std::vector<int32_t> distinctScratch_;  // uniqueItems' table for the split history
};
TORCH_MODULE(M6Net);

}  // namespace m6
