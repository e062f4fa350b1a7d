#include "model/nn/attention.h"

#include <cmath>

namespace m6
{

namespace
{

// q·k for every (query, token). LibTorch's CPU bmm runs one small GEMM per batch entry, with
// ~10 us of dispatch each; with B x H in the hundreds and 1..32 queries that is most of a
// training step. A broadcast multiply-and-sum does the same arithmetic in a few vector ops.
torch::Tensor scoresOf(const torch::Tensor& qh, const torch::Tensor& kh)
{
  const int64_t elements = qh.size(0) * qh.size(1) * qh.size(2) * kh.size(2) * qh.size(3);
  if (elements <= kAttentionBroadcastLimit)
  {
    return (qh.unsqueeze(3) * kh.unsqueeze(2)).sum(-1);  // [B, H, Q, T]
  }
  return torch::matmul(qh, kh.transpose(-2, -1));
}

// weights [B, H, Q, T] applied to values [B, H, T, dh] -> [B, H, Q, dh].
torch::Tensor mixOf(const torch::Tensor& w, const torch::Tensor& vh)
{
  const int64_t elements = w.size(0) * w.size(1) * w.size(2) * w.size(3) * vh.size(3);
  if (elements <= kAttentionBroadcastLimit)
  {
    return (w.unsqueeze(-1) * vh.unsqueeze(2)).sum(3);
  }
  return torch::matmul(w, vh);
}

}  // namespace

MultiHeadAttentionImpl::MultiHeadAttentionImpl(int64_t dim, int64_t heads, double dropout)
    : dim_(dim),
      heads_(heads),
      query_(register_module("query", torch::nn::Linear(dim, dim))),
      key_(register_module("key", torch::nn::Linear(dim, dim))),
      value_(register_module("value", torch::nn::Linear(dim, dim))),
      output_(register_module("output", torch::nn::Linear(dim, dim))),
      dropout_(register_module("dropout", torch::nn::Dropout(dropout)))
{
}

AttentionOutput MultiHeadAttentionImpl::forward(const torch::Tensor& q, const torch::Tensor& kv,
                                                const torch::Tensor& blocked)
{
  const int64_t b = q.size(0);
  const int64_t nq = q.size(1);
  const int64_t nt = kv.size(1);
  const int64_t dh = dim_ / heads_;
  // [B, Q|T, d] -> [B, H, Q|T, dh]
  auto split = [&](const torch::Tensor& x, int64_t n) {
    return x.view({b, n, heads_, dh}).transpose(1, 2);
  };
  torch::Tensor qh = split(query_(q), nq);
  torch::Tensor kh = split(key_(kv), nt);
  torch::Tensor vh = split(value_(kv), nt);
  torch::Tensor scores = scoresOf(qh, kh) / std::sqrt(double(dh));
  scores = scores.masked_fill(blocked.unsqueeze(1), -std::numeric_limits<float>::infinity());
  torch::Tensor weights = torch::softmax(scores, -1);
  torch::Tensor ctx = mixOf(dropout_(weights), vh);  // [B, H, Q, dh]
  ctx = ctx.transpose(1, 2).reshape({b, nq, dim_});
  return {output_(ctx), weights};
}

FusionLayerImpl::FusionLayerImpl(int64_t dim, int64_t heads, double dropout)
    : attention_(register_module("attention", MultiHeadAttention(dim, heads, dropout))),
      normQuery_(
          register_module("norm_query", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      normTokens_(
          register_module("norm_tokens", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      normFfn_(
          register_module("norm_ffn", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})))),
      ffn_(register_module("ffn",
                           torch::nn::Sequential(torch::nn::Linear(dim, 2 * dim), torch::nn::GELU(),
                                                 torch::nn::Linear(2 * dim, dim)))),
      dropout_(register_module("dropout", torch::nn::Dropout(dropout)))
{
}

AttentionOutput FusionLayerImpl::forward(const torch::Tensor& q, const torch::Tensor& kv,
                                         const torch::Tensor& blocked)
{
  AttentionOutput a = attention_(normQuery_(q), normTokens_(kv), blocked);
  torch::Tensor x = q + dropout_(a.out);
  x = x + dropout_(ffn_->forward(normFfn_(x)));
  return {x, a.weights};
}

}  // namespace m6
