#include "model/nn/attention.h"

#include <cmath>

#include "model/nn/row_products.h"

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
  return attend(q, key_(kv), value_(kv), blocked);
}

AttentionOutput MultiHeadAttentionImpl::attend(const torch::Tensor& q, const torch::Tensor& keys,
                                               const torch::Tensor& values,
                                               const torch::Tensor& blocked)
{
  const int64_t b = q.size(0);
  const int64_t nq = q.size(1);
  const int64_t nt = keys.size(1);
  const int64_t dh = dim_ / heads_;
  // [B, Q|T, d] -> [B, H, Q|T, dh]
  auto split = [&](const torch::Tensor& x, int64_t n) {
    return x.view({b, n, heads_, dh}).transpose(1, 2);
  };
  torch::Tensor qh = split(query_(q), nq);
  torch::Tensor kh = split(keys, nt);
  torch::Tensor vh = split(values, nt);
  torch::Tensor scores = scoresOf(qh, kh) / std::sqrt(double(dh));
  scores = scores.masked_fill(blocked.unsqueeze(1), -std::numeric_limits<float>::infinity());
  torch::Tensor weights = torch::softmax(scores, -1);
  torch::Tensor ctx = mixOf(dropout_(weights), vh);  // [B, H, Q, dh]
  ctx = ctx.transpose(1, 2).reshape({b, nq, dim_});
  return {output_(ctx), weights};
}

AttentionOutput MultiHeadAttentionImpl::attendSplit(const torch::Tensor& q,
                                                    const torch::Tensor& head,
                                                    const torch::Tensor& items,
                                                    const FusionTokens& kv,
                                                    const torch::Tensor& blocked)
{
  const int64_t b = q.size(0);
  const int64_t nq = q.size(1);
  const int64_t t0 = head.size(1);
  const int64_t l = kv.itemRows.size(1);
  const int64_t u = items.size(0);
  const int64_t h = heads_;
  const int64_t dh = dim_ / heads_;
  // One query per example (the dot scorer's user side): the slots are never projected. The
  // query goes into the items' space instead, per head: q·(Wk x) = (Wkᵀq)·x, and the values'
  // Wv comes after the weighted sum: Σ a·Wv x = Wv Σ a·x. That is B·H·d·dh multiply-adds for the
  // projections instead of U·d·d, and the slot products are small per-example loops.
  // Otherwise (several queries per example): per-item products cost B·Q·U·d multiply-adds in a
  // few large products; per-slot keys and values cost B·L·d but in many memory-bound passes over
  // [B, L, d] tensors. Measured here (examples/s, 1 thread): the per-item form wins by 5-10% on
  // the demo (U/L = 30), the per-slot one by 9-14% on ml-latest-small (U/L about 100).
  const bool itemSpace = nq == 1;
  if (!itemSpace && nq * u > 48 * l)
  {
    auto keysValues = splitKeysValues(head, items, kv);
    return attend(q, keysValues.first, keysValues.second, blocked);
  }
  const torch::Tensor& wk = key_->weight;
  const torch::Tensor& wv = value_->weight;
  torch::Tensor headK = torch::linear(head, wk, key_->bias).view({b, t0, h, dh}).transpose(1, 2);
  torch::Tensor headV = torch::linear(head, wv, value_->bias).view({b, t0, h, dh}).transpose(1, 2);
  torch::Tensor qh = query_(q).view({b, nq, h, dh}).transpose(1, 2);    // [B, H, Q, dh]
  torch::Tensor qByHead = qh.transpose(0, 1).reshape({h, b * nq, dh});  // [H, BQ, dh]
  // Per-slot constant parts: the bias plus the position term (a table of L rows).
  torch::Tensor slotK = kv.position.defined() ? torch::linear(kv.position, wk, key_->bias)
                                              : key_->bias.unsqueeze(0).expand({l, dim_});
  torch::Tensor slotV = kv.position.defined() ? torch::linear(kv.position, wv, value_->bias)
                                              : value_->bias.unsqueeze(0).expand({l, dim_});
  torch::Tensor itemIndex = kv.itemRows.view({1, b, 1, l}).expand({h, b, nq, l});
  // Scores: q·k of every slot's item, plus the slot's constant and gap terms.
  torch::Tensor slotItems;   // [B, L, d] (item space)
  torch::Tensor slotScores;  // [H, B, Q, L]
  if (itemSpace)
  {
    slotItems = items.index_select(0, kv.itemRows.reshape({-1})).view({b, l, dim_});
    torch::Tensor qItem = torch::bmm(qByHead, wk.view({h, dh, dim_})).transpose(0, 1);  // [B,H,d]
    slotScores = rowDots(qItem, slotItems).transpose(0, 1).unsqueeze(2);
  }
  else
  {
    // Per distinct item, gathered per slot.
    torch::Tensor itemK = torch::linear(items, wk).view({u, h, dh}).permute({1, 2, 0});  // [H,dh,U]
    slotScores = torch::bmm(qByHead, itemK).view({h, b, nq, u}).gather(3, itemIndex);
  }
  slotScores =
      slotScores +
      torch::matmul(qByHead, slotK.reshape({l, h, dh}).permute({1, 2, 0})).view({h, b, nq, l});
  torch::Tensor gapIndex;
  if (kv.gap.defined())
  {
    const int64_t g = kv.gap.size(0);
    gapIndex = kv.gaps.view({1, b, 1, l}).expand({h, b, nq, l});
    torch::Tensor gapK = torch::linear(kv.gap, wk).view({g, h, dh}).permute({1, 2, 0});
    slotScores = slotScores + torch::bmm(qByHead, gapK).view({h, b, nq, g}).gather(3, gapIndex);
  }
  torch::Tensor scores =
      torch::cat({scoresOf(qh, headK), slotScores.transpose(0, 1)}, 3) / std::sqrt(double(dh));
  scores = scores.masked_fill(blocked.unsqueeze(1), -std::numeric_limits<float>::infinity());
  torch::Tensor weights = torch::softmax(scores, -1);  // [B, H, Q, T]
  torch::Tensor mixed = dropout_(weights);
  torch::Tensor ctx = mixOf(mixed.narrow(3, 0, t0), headV);  // [B, H, Q, dh]
  // Values: in item space the weighted sum of the slots' items, then Wv per head; otherwise the
  // slots' weights summed per distinct item, times its value. The slot and gap terms likewise.
  torch::Tensor slotWeights = mixed.narrow(3, t0, l).transpose(0, 1);  // [H, B, Q, L]
  torch::Tensor slotCtx;                                               // [H, B·Q, dh]
  if (itemSpace)
  {
    torch::Tensor mixedItems = rowMix(mixed.narrow(3, t0, l).squeeze(2), slotItems);  // [B,H,d]
    slotCtx = torch::bmm(mixedItems.transpose(0, 1), wv.view({h, dh, dim_}).transpose(1, 2));
  }
  else
  {
    torch::Tensor perItem =
        torch::zeros({h, b, nq, u}, slotWeights.options()).scatter_add(3, itemIndex, slotWeights);
    torch::Tensor itemV = torch::linear(items, wv).view({u, h, dh}).transpose(0, 1);  // [H,U,dh]
    slotCtx = torch::bmm(perItem.view({h, b * nq, u}), itemV);
  }
  slotCtx = slotCtx + torch::matmul(slotWeights.reshape({h, b * nq, l}),
                                    slotV.reshape({l, h, dh}).transpose(0, 1));
  if (kv.gap.defined())
  {
    const int64_t g = kv.gap.size(0);
    torch::Tensor perGap =
        torch::zeros({h, b, nq, g}, slotWeights.options()).scatter_add(3, gapIndex, slotWeights);
    torch::Tensor gapV = torch::linear(kv.gap, wv).view({g, h, dh}).transpose(0, 1);
    slotCtx = slotCtx + torch::bmm(perGap.view({h, b * nq, g}), gapV);
  }
  ctx = ctx + slotCtx.view({h, b, nq, dh}).transpose(0, 1);
  ctx = ctx.transpose(1, 2).reshape({b, nq, dim_});
  return {output_(ctx), weights};
}

AttentionOutput MultiHeadAttentionImpl::attendWindows(const torch::Tensor& q,
                                                      const torch::Tensor& head,
                                                      const torch::Tensor& items,
                                                      const FusionTokens& kv,
                                                      const torch::Tensor& blocked)
{
  const int64_t nr = kv.keyRows.size(0);
  const int64_t nk = kv.keyRows.size(1);
  const int64_t nq = kv.windowPosition.size(1);
  const int64_t b = q.size(0);
  const int64_t rows = nr * nq;
  const int64_t t0 = head.size(1);
  const int64_t h = heads_;
  const int64_t dh = dim_ / heads_;
  const torch::Tensor& wk = key_->weight;
  const torch::Tensor& wv = value_->weight;
  torch::Tensor w = torch::cat({wk, wv}, 0);  // keys and values in one product
  // The per-example tokens (user, context): each query against its own T0 tokens.
  torch::Tensor qb = query_(q).view({b, h, dh});
  torch::Tensor headKv = torch::linear(head, w, torch::cat({key_->bias, value_->bias}));
  torch::Tensor headK = headKv.narrow(2, 0, dim_).reshape({b, t0, h, dh}).transpose(1, 2);
  torch::Tensor headV = headKv.narrow(2, dim_, dim_).reshape({b, t0, h, dh}).transpose(1, 2);
  torch::Tensor headScores = (qb.unsqueeze(2) * headK).sum(-1);  // [B, H, T0]
  // The runs' layout: [R, H, Q, dh] queries against each run's keys, every distinct item
  // projected once and gathered per run (not per query).
  torch::Tensor qh = qb.index_select(0, kv.rowQuery).view({nr, nq, h, dh}).transpose(1, 2);
  torch::Tensor itemKv = torch::linear(items, w);  // [U, 2d]
  torch::Tensor keysKv = itemKv.index_select(0, kv.keyRows.reshape({-1})).view({nr, nk, 2, h, dh});
  torch::Tensor keysK = keysKv.select(2, 0).transpose(1, 2);  // [R, H, K, dh]
  torch::Tensor keysV = keysKv.select(2, 1).transpose(1, 2);
  // Batched products, not scoresOf's broadcast: with Q queries per run the broadcast's
  // [R, H, Q, K, dh] intermediate costs more than the R x H small GEMMs.
  torch::Tensor keyScores = torch::matmul(qh, keysK.transpose(-2, -1));  // [R, H, Q, K]
  // Per-query tables of the slot terms (bias plus position; one row without positions) and of
  // the gap terms, gathered per (query, key): [H, R·Q, dh] against [H, dh, P], one product per
  // head.
  torch::Tensor qByHead = qh.transpose(0, 1).reshape({h, rows, dh});
  auto perQuery = [&](const torch::Tensor& table) {  // [P, d] -> [R, H, Q, P]
    const int64_t p = table.size(0);
    return torch::bmm(qByHead, table.view({p, h, dh}).permute({1, 2, 0}))
        .view({h, nr, nq, p})
        .transpose(0, 1);
  };
  auto fromTable = [&](const torch::Tensor& mass, const torch::Tensor& table) {  // -> [R,H,Q,dh]
    const int64_t p = table.size(0);
    return torch::bmm(mass.transpose(0, 1).reshape({h, rows, p}),
                      table.view({p, h, dh}).transpose(0, 1))
        .view({h, nr, nq, dh})
        .transpose(0, 1);
  };
  torch::Tensor slotK = kv.position.defined() ? torch::linear(kv.position, wk, key_->bias)
                                              : key_->bias.unsqueeze(0);  // [P, d]
  torch::Tensor slotV = kv.position.defined() ? torch::linear(kv.position, wv, value_->bias)
                                              : value_->bias.unsqueeze(0);
  const int64_t np = slotK.size(0);
  torch::Tensor slotIndex =
      (kv.position.defined() ? kv.windowPosition : torch::zeros_like(kv.windowPosition))
          .unsqueeze(1)
          .expand({nr, h, nq, nk});
  keyScores = keyScores + perQuery(slotK).gather(3, slotIndex);
  torch::Tensor gapIndex;
  if (kv.gap.defined())
  {
    gapIndex = kv.windowGaps.unsqueeze(1).expand({nr, h, nq, nk});
    keyScores = keyScores + perQuery(torch::linear(kv.gap, wk)).gather(3, gapIndex);
  }
  torch::Tensor headPadded = headScores.index_select(0, kv.rowQuery).view({nr, nq, h, t0});
  torch::Tensor scores =
      torch::cat({headPadded.transpose(1, 2), keyScores}, 3) / std::sqrt(double(dh));
  scores = scores.masked_fill(blocked.unsqueeze(1), -std::numeric_limits<float>::infinity());
  torch::Tensor weights = torch::softmax(scores, -1);  // [R, H, Q, T0 + K]
  torch::Tensor mixed = dropout_(weights);
  // Values: the head tokens per query, the keys per run, the slot and gap terms through their
  // tables (the weights summed per table row); back to the B queries.
  torch::Tensor headMix = mixed.narrow(3, 0, t0).transpose(1, 2).reshape({rows, h, t0});
  torch::Tensor ctx = (headMix.index_select(0, kv.queryRow).unsqueeze(-1) * headV).sum(2);
  torch::Tensor keyMix = mixed.narrow(3, t0, nk);       // [R, H, Q, K]
  torch::Tensor keyCtx = torch::matmul(keyMix, keysV);  // [R, H, Q, dh]
  torch::Tensor perSlot =
      torch::zeros({nr, h, nq, np}, keyMix.options()).scatter_add(3, slotIndex, keyMix);
  keyCtx = keyCtx + fromTable(perSlot, slotV);
  if (kv.gap.defined())
  {
    const int64_t g = kv.gap.size(0);
    torch::Tensor perGap =
        torch::zeros({nr, h, nq, g}, keyMix.options()).scatter_add(3, gapIndex, keyMix);
    keyCtx = keyCtx + fromTable(perGap, torch::linear(kv.gap, wv));
  }
  ctx = ctx + keyCtx.transpose(1, 2).reshape({rows, h, dh}).index_select(0, kv.queryRow);
  return {output_(ctx.reshape({b, 1, dim_})), weights};
}

std::pair<torch::Tensor, torch::Tensor> MultiHeadAttentionImpl::splitKeysValues(
    const torch::Tensor& head, const torch::Tensor& items, const FusionTokens& kv)
{
  const int64_t b = kv.itemRows.size(0);
  const int64_t l = kv.itemRows.size(1);
  // Keys and values side by side: one product per part instead of two.
  torch::Tensor w = torch::cat({key_->weight, value_->weight}, 0);  // [2d, d]
  torch::Tensor bias = torch::cat({key_->bias, value_->bias});      // [2d]
  torch::Tensor headKv = torch::linear(head, w, bias);              // [B, T0, 2d]
  torch::Tensor itemKv = torch::linear(items, w);                   // [U, 2d]
  torch::Tensor slots = itemKv.index_select(0, kv.itemRows.reshape({-1})).view({b, l, 2 * dim_});
  torch::Tensor slotBias = bias;
  if (kv.position.defined())
  {
    slotBias = slotBias + torch::linear(kv.position, w);  // [L, 2d]
  }
  slots = slots + slotBias;
  if (kv.gap.defined())
  {
    torch::Tensor gapKv = torch::linear(kv.gap, w);  // [G, 2d]
    slots = slots + gapKv.index_select(0, kv.gaps.reshape({-1})).view({b, l, 2 * dim_});
  }
  torch::Tensor all = torch::cat({headKv, slots}, 1);  // [B, T, 2d]
  return {all.narrow(2, 0, dim_), all.narrow(2, dim_, dim_)};
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

AttentionOutput FusionLayerImpl::forward(const torch::Tensor& q, const FusionTokens& kv,
                                         const torch::Tensor& blocked)
{
  AttentionOutput a;
  if (kv.windowed())
  {
    a = attention_->attendWindows(normQuery_(q), normTokens_(kv.tokens), normTokens_(kv.items), kv,
                                  blocked);
  }
  else if (kv.split())
  {
    a = attention_->attendSplit(normQuery_(q), normTokens_(kv.tokens), normTokens_(kv.items), kv,
                                blocked);
  }
  else
  {
    torch::Tensor t = normTokens_(kv.tokens);
    a = attention_(normQuery_(q), kv.offsets.defined() ? t + kv.offsets : t, blocked);
  }
  torch::Tensor x = q + dropout_(a.out);
  x = x + dropout_(ffn_->forward(normFfn_(x)));
  return {x, a.weights};
}

}  // namespace m6
