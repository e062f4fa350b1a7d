#include "model/nn/history.h"

#include "model/features.h"

namespace m6
{

TransformerBlockImpl::TransformerBlockImpl(int64_t dim, int64_t heads, double dropout)
    : normAttention_(register_module("norm_attention",
                                     torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      attention_(register_module("attention", MultiHeadAttention(dim, heads, dropout))),
      normFfn_(
          register_module("norm_ffn", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      ffn_(register_module("ffn",
                           torch::nn::Sequential(torch::nn::Linear(dim, 2 * dim), torch::nn::GELU(),
                                                 torch::nn::Linear(2 * dim, dim)))),
      dropout_(register_module("dropout", torch::nn::Dropout(dropout)))
{
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& blocked)
{
  torch::Tensor h = normAttention_(x);
  torch::Tensor y = x + dropout_(attention_(h, h, blocked).out);
  return y + dropout_(ffn_->forward(normFfn_(y)));
}

HistoryEncoderImpl::HistoryEncoderImpl(const HistoryEncoderOptions& o) : options_(o)
{
  const int64_t d = o.dim;
  if (o.length == 0)
  {
    return;  // no history: nothing to encode, no parameters
  }
  if (o.positional)
  {
    // Added to item tokens of about 0.07 per dimension (sums of embeddings drawn at 0.05) they
    // start at 0.05; added after the fusion's norm, to tokens of unit scale, at the same ratio.
    const double std = o.afterNorm ? 0.7 : 0.05;
    position_ = register_module("position", torch::nn::Embedding(o.length, d));
    torch::nn::init::normal_(position_->weight, 0.0, std);
    if (o.gaps)
    {
      gap_ = register_module(
          "gap",
          torch::nn::Embedding(torch::nn::EmbeddingOptions(kRecencyBuckets + 1, d).padding_idx(0)));
      torch::NoGradGuard guard;
      torch::nn::init::normal_(gap_->weight, 0.0, std);
      gap_->weight[0].zero_();
    }
  }
  if (o.kind == HistoryKind::Gru)
  {
    gru_ = register_module(
        "gru", torch::nn::GRU(torch::nn::GRUOptions(d, d).num_layers(o.layers).batch_first(true)));
  }
  else if (o.kind == HistoryKind::Cnn)
  {
    for (int64_t i = 0; i < o.layers; ++i)
    {
      convs_.push_back(register_module("conv_" + std::to_string(i),
                                       torch::nn::Conv1d(torch::nn::Conv1dOptions(d, d, 3))));
    }
  }
  else if (o.kind == HistoryKind::Transformer)
  {
    for (int64_t i = 0; i < o.layers; ++i)
    {
      blocks_.push_back(
          register_module("block_" + std::to_string(i), TransformerBlock(d, o.heads, o.dropout)));
    }
  }
}

torch::Tensor HistoryEncoderImpl::positionTable(int64_t l)
{
  if (!position_)
  {
    return {};
  }
  return position_(torch::arange(l - 1, -1, -1, torch::kInt64));
}

torch::Tensor HistoryEncoderImpl::gapTable()
{
  return gap_ ? gap_->weight : torch::Tensor();
}

torch::Tensor HistoryEncoderImpl::bagOffsets(const torch::Tensor& pad, const torch::Tensor& gaps)
{
  if (!position_)
  {
    return {};
  }
  torch::Tensor x = positionTable(pad.size(1)).unsqueeze(0);
  if (gap_)
  {
    x = x + gap_(gaps);
  }
  return x * (~pad).unsqueeze(-1).to(x.scalar_type());
}

torch::Tensor HistoryEncoderImpl::forward(const torch::Tensor& tokens, const torch::Tensor& pad,
                                          const torch::Tensor& gaps)
{
  const int64_t b = tokens.size(0);
  const int64_t l = tokens.size(1);
  if (l == 0)
  {
    return tokens;  // [B, 0, d]: the GRU and the convolution refuse empty sequences
  }
  torch::Tensor keep = (~pad).unsqueeze(-1).to(tokens.scalar_type());
  torch::Tensor x = tokens;
  if (position_)
  {
    // Slot j holds the item (l - 1 - j) steps before the most recent one.
    torch::Tensor fromEnd = torch::arange(l - 1, -1, -1, torch::kInt64);
    x = x + position_(fromEnd).unsqueeze(0);
    if (gap_)
    {
      x = x + gap_(gaps);
    }
  }
  // No dropout on the [B, L, d] input: its random numbers were a visible share of a training
  // step; the attention and block dropouts regularise instead.
  x = x * keep;
  if (gru_)
  {
    x = x + std::get<0>(gru_(x));
  }
  for (auto& conv : convs_)
  {
    // Causal: pad two steps on the left so slot j sees slots j-2..j only.
    torch::Tensor in = torch::constant_pad_nd(x.transpose(1, 2), {2, 0});
    x = (x + torch::gelu(conv(in)).transpose(1, 2)) * keep;
  }
  if (!blocks_.empty())
  {
    // A slot may not attend to padding, except a padded slot to itself (so no row is empty).
    torch::Tensor eye = torch::eye(l, torch::kBool).unsqueeze(0);
    torch::Tensor blocked = pad.unsqueeze(1).expand({b, l, l}) & ~eye;
    for (auto& block : blocks_)
    {
      x = block(x, blocked) * keep;
    }
  }
  return x * keep;
}

}  // namespace m6
