#include "model/nn/m6_net.h"

#include <tuple>

#include "model/sampled_softmax.h"

namespace m6
{

namespace
{

torch::nn::AnyModule activation(Activation kind)
{
  switch (kind)
  {
    case Activation::Gelu:
      return torch::nn::AnyModule(torch::nn::GELU());
    case Activation::Tanh:
      return torch::nn::AnyModule(torch::nn::Tanh());
    case Activation::Relu:
      break;
  }
  return torch::nn::AnyModule(torch::nn::ReLU());
}

}  // namespace

M6NetImpl::M6NetImpl(const NetSpec& spec) : spec_(spec)
{
  const ModelConfig& m = spec.model;
  const int64_t d = m.dim;
  const bool concat = m.merge == Merge::Concat;
  userEncoder_ = register_module("user_encoder", EntityEncoder(EntityEncoderOptions{
                                                     m.idEmbeddings ? spec.numUsers : 0,
                                                     spec.userColumns, d, concat, m.idDropout}));
  itemEncoder_ = register_module("item_encoder", EntityEncoder(EntityEncoderOptions{
                                                     m.idEmbeddings ? spec.numItems : 0,
                                                     spec.itemColumns, d, concat, m.idDropout}));
  contextEncoder_ = register_module(
      "context_encoder", EntityEncoder(EntityEncoderOptions{0, spec.contextColumns, d, concat}));
  HistoryEncoderOptions h;
  h.dim = d;
  h.length = m.historyLength;
  h.kind = m.historyEncoder;
  h.layers = m.historyLayers;
  h.positional = historyPositions(m);
  h.gaps = spec.hasTimestamps;
  h.heads = m.heads;
  h.dropout = m.attentionDropout;
  h.afterNorm = itemNormLayout(m);
  history_ = register_module("history", HistoryEncoder(h));
  for (int l = 0; l < m.attentionLayers; ++l)
  {
    fusion_.push_back(register_module("fusion_" + std::to_string(l),
                                      FusionLayer(d, m.heads, m.attentionDropout)));
  }
  if (dot())
  {
    userNorm_ =
        register_module("user_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d})));
    userProjection_ = register_module("user_projection", torch::nn::Linear(d, d));
  }
  else
  {
    torch::nn::Sequential seq;
    int64_t in = 5 * d;
    for (int l = 0; l < m.mlpLayers; ++l)
    {
      seq->push_back(torch::nn::Linear(in, m.mlpWidth));
      seq->push_back(activation(m.mlpActivation));
      seq->push_back(torch::nn::Dropout(m.mlpDropout));
      in = m.mlpWidth;
    }
    seq->push_back(torch::nn::Linear(in, 1));
    decoder_ = register_module("decoder", seq);
  }
  if (m.task == Task::Rating)
  {
    ratingOffset_ =
        register_buffer("rating_offset", torch::full({1}, spec.ratingOffset, torch::kFloat32));
  }
  if (m.adapterWidth > 0)
  {
    const int64_t r = m.adapterWidth;
    userAdapter_ = register_module("adapter_user", Adapter(d, r));
    itemAdapter_ = register_module("adapter_item", Adapter(d, r));
    contextAdapter_ = register_module("adapter_context", Adapter(d, r));
    historyAdapter_ = register_module("adapter_history", Adapter(d, r));
    for (int l = 0; l < m.attentionLayers; ++l)
    {
      fusionAdapters_.push_back(
          register_module("adapter_fusion_" + std::to_string(l), Adapter(d, r)));
    }
  }
}

torch::Tensor M6NetImpl::encodeItems(const torch::Tensor& ids,
                                     const std::vector<torch::Tensor>& columns,
                                     const std::vector<BagMeans>* bagMeans)
{
  torch::Tensor tokens = itemEncoder_(ids, columns, bagMeans);
  return itemAdapter_ ? itemAdapter_(tokens) : tokens;
}

std::pair<torch::Tensor, torch::Tensor> M6NetImpl::userAndContext(
    const torch::Tensor& users, const std::vector<torch::Tensor>& userColumns,
    const std::vector<torch::Tensor>& contextColumns, int64_t b)
{
  torch::Tensor u;
  torch::Tensor c;
  if (users.defined())
  {
    u = userEncoder_(users, userColumns);
    c = contextEncoder_(users, contextColumns);
  }
  else
  {
    u = userEncoder_->withoutIds(userColumns, b);
    c = contextEncoder_->withoutIds(contextColumns, b);
  }
  if (userAdapter_)
  {
    u = userAdapter_(u);
    c = contextAdapter_(c);
  }
  return {u, c};
}

UserSide M6NetImpl::userSide(const torch::Tensor& users,
                             const std::vector<torch::Tensor>& userColumns,
                             const std::vector<torch::Tensor>& contextColumns,
                             const torch::Tensor& histTokens, const torch::Tensor& histPad,
                             const torch::Tensor& histGaps)
{
  UserSide s;
  const int64_t b = histPad.size(0);
  std::tie(s.u, s.c) = userAndContext(users, userColumns, contextColumns, b);
  torch::Tensor keep = (~histPad).unsqueeze(-1).to(histTokens.scalar_type());
  torch::Tensor h;
  if (itemNormLayout(spec_.model))
  {
    // LN(item) + position + gap: the history stays the raw item tokens, the rest is an offset.
    h = histTokens * keep;
    torch::Tensor offsets = history_->bagOffsets(histPad, histGaps);
    if (offsets.defined())
    {
      s.kv.offsets = torch::cat({torch::zeros({b, 2, h.size(2)}, h.options()), offsets}, 1);
    }
  }
  else
  {
    h = history_(histTokens * keep, histPad, histGaps);
  }
  if (historyAdapter_)
  {
    h = historyAdapter_(h) * keep;  // padded slots stay zero
  }
  s.kv.tokens = torch::cat({s.u.unsqueeze(1), s.c.unsqueeze(1), h}, 1);
  torch::Tensor open = torch::zeros({b, 2}, torch::kBool);
  s.blocked = torch::cat({open, histPad}, 1).unsqueeze(1);
  return s;
}

UserSide M6NetImpl::userSide(const torch::Tensor& users,
                             const std::vector<torch::Tensor>& userColumns,
                             const std::vector<torch::Tensor>& contextColumns,
                             const torch::Tensor& itemTokens, const torch::Tensor& histRows,
                             const torch::Tensor& histPad, const torch::Tensor& histGaps)
{
  const int64_t b = histRows.size(0);
  const int64_t l = histRows.size(1);
  if (!itemNormLayout(spec_.model) || !splitProjection_ || l == 0)
  {
    torch::Tensor hist =
        itemTokens.index_select(0, histRows.reshape({-1})).view({b, l, itemTokens.size(1)});
    return userSide(users, userColumns, contextColumns, hist, histPad, histGaps);
  }
  UserSide s;
  std::tie(s.u, s.c) = userAndContext(users, userColumns, contextColumns, b);
  // Each distinct history item once (padding slots point at some row; they are blocked).
  auto distinct = uniqueItems(histRows, distinctScratch_);
  torch::Tensor items = itemTokens.index_select(0, std::get<0>(distinct));
  s.kv.items = historyAdapter_ ? historyAdapter_(items) : items;
  s.kv.itemRows = std::get<1>(distinct).view({b, l});
  s.kv.position = history_->positionTable(l);
  s.kv.gap = history_->gapTable();
  s.kv.gaps = histGaps;
  s.kv.tokens = torch::stack({s.u, s.c}, 1);
  torch::Tensor open = torch::zeros({b, 2}, torch::kBool);
  s.blocked = torch::cat({open, histPad}, 1).unsqueeze(1);
  return s;
}

UserSide M6NetImpl::windowSide(const torch::Tensor& users,
                               const std::vector<torch::Tensor>& userColumns,
                               const std::vector<torch::Tensor>& contextColumns,
                               const torch::Tensor& itemTokens, const torch::Tensor& keyRows,
                               const WindowBatch& windows)
{
  if (!dot() || !itemNormLayout(spec_.model))
  {
    throw std::logic_error("history windows need the dot scorer and token_norm item");
  }
  UserSide s;
  std::tie(s.u, s.c) = userAndContext(users, userColumns, contextColumns, users.size(0));
  auto distinct = uniqueItems(keyRows, distinctScratch_);
  torch::Tensor items = itemTokens.index_select(0, std::get<0>(distinct));
  s.kv.items = historyAdapter_ ? historyAdapter_(items) : items;
  s.kv.keyRows = std::get<1>(distinct).view({windows.runs, windows.keys});
  s.kv.position = history_->positionTable(spec_.model.historyLength);
  s.kv.gap = history_->gapTable();
  s.kv.windowPosition = windows.position;
  s.kv.windowGaps = windows.gaps;
  s.kv.queryRow = windows.queryRow;
  s.kv.rowQuery = windows.rowExample;
  s.kv.tokens = torch::stack({s.u, s.c}, 1);
  torch::Tensor open = torch::zeros({windows.runs, windows.queries, 2}, torch::kBool);
  s.blocked = torch::cat({open, windows.blocked}, 2);
  return s;
}

torch::Tensor M6NetImpl::fuse(torch::Tensor query, const UserSide& side,
                              std::vector<torch::Tensor>* weights)
{
  for (size_t l = 0; l < fusion_.size(); ++l)
  {
    AttentionOutput a = fusion_[l](query, side.kv, side.blocked);
    query = fusionAdapters_.empty() ? a.out : fusionAdapters_[l](a.out);
    if (weights)
    {
      weights->push_back(a.weights);
    }
  }
  return query;
}

torch::Tensor M6NetImpl::userVector(const UserSide& side, std::vector<torch::Tensor>* weights)
{
  // Query = the user side u + c; the fused result becomes the user vector.
  torch::Tensor q = (side.u + side.c).unsqueeze(1);
  torch::Tensor f = fuse(q, side, weights).squeeze(1);
  return userProjection_(userNorm_(f));
}

torch::Tensor M6NetImpl::mlpScores(const UserSide& side, const torch::Tensor& cand,
                                   std::vector<torch::Tensor>* weights)
{
  // DIN/BST-style target attention: the query is the candidate item (+ context).
  const int64_t b = cand.size(0);
  const int64_t q = cand.size(1);
  const int64_t d = cand.size(2);
  torch::Tensor c = side.c.unsqueeze(1).expand({b, q, d});
  torch::Tensor u = side.u.unsqueeze(1).expand({b, q, d});
  torch::Tensor fused = fuse(cand + c, side, weights);
  torch::Tensor x = torch::cat({fused, u, cand, c, u * cand}, 2);
  return decoder_->forward(x).squeeze(-1);
}

torch::Tensor M6NetImpl::withOffset(const torch::Tensor& scores) const
{
  return ratingOffset_.defined() ? scores + ratingOffset_ : scores;
}

torch::Tensor M6NetImpl::scoreCandidates(const UserSide& side, const torch::Tensor& candidates,
                                         std::vector<torch::Tensor>* weights)
{
  if (dot())
  {
    torch::Tensor v = userVector(side, weights);
    // Broadcast product, not bmm: see scoresOf() in attention.cpp.
    return withOffset((candidates * v.unsqueeze(1)).sum(-1));
  }
  return withOffset(mlpScores(side, candidates, weights));
}

torch::Tensor M6NetImpl::scoreCatalogue(const UserSide& side, const torch::Tensor& itemTokens)
{
  if (dot())
  {
    return withOffset(torch::matmul(userVector(side), itemTokens.t()));
  }
  const int64_t b = side.u.size(0);
  const int64_t n = itemTokens.size(0);
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < n; start += kMlpItemChunk)
  {
    int64_t len = std::min(kMlpItemChunk, n - start);
    torch::Tensor cand = itemTokens.narrow(0, start, len).unsqueeze(0).expand({b, len, -1});
    parts.push_back(mlpScores(side, cand, nullptr));
  }
  return withOffset(torch::cat(parts, 1));
}

}  // namespace m6
