// The network half of the model file's TorchScript: each function mirrors one piece of model/nn
// (named in its comment) with the same operations in the same order, so the scores are the
// network's. Keep them in step when the network changes; tests/model/test_package_script.cpp
// compares the two for every scorer and history encoder.
#include <cmath>
#include <cstdio>

#include "model/package_script_writer.h"

namespace m6::script
{

namespace
{

// EntityEncoderImpl::forward / withoutIds (encoders.cpp).
void entityEncoder(Writer& w, const std::string& fn, const std::string& module, bool hasIds,
                   const std::vector<ColumnSpec>& columns, bool concat, int64_t d)
{
  w.line(0, "def " + fn +
                "(self, ids: Tensor, cols: List[Tensor], with_ids: bool, n: int) -> Tensor:");
  const std::string bias = module + ".bias";
  if (!hasIds && columns.empty())
  {
    w.line(1, "return " + bias + ".unsqueeze(0).expand([n, " + std::to_string(d) + "])");
    w.line(0, "");
    return;
  }
  w.line(1, "parts: List[Tensor] = []");
  if (hasIds)
  {
    w.line(1, "if with_ids:");
    w.line(2, "parts.append(torch.embedding(" + module + ".id.weight, ids))");
    if (columns.empty())
    {
      w.line(1, "else:");
      w.line(2, "return " + bias + ".unsqueeze(0).expand([n, " + std::to_string(d) + "])");
    }
  }
  for (size_t i = 0; i < columns.size(); ++i)
  {
    const std::string m = at(module, columns[i].moduleName);
    const std::string col = "cols[" + std::to_string(i) + "]";
    switch (columns[i].kind)
    {
      case ColumnKind::Categorical:
        w.line(1, "parts.append(torch.embedding(" + m + ".weight, " + col + "))");
        break;
      case ColumnKind::Bag:
        w.line(1, "parts.append(self._bag(" + m + ".weight, " + col + "))");
        break;
      case ColumnKind::Numeric:
        w.line(1, "parts.append(torch.linear(" + col + ", " + linearArgs(m) + "))");
        break;
    }
  }
  if (concat)
  {
    if (hasIds)
    {
      w.line(1, "if not with_ids:");
      w.line(2, "parts.insert(0, torch.zeros_like(parts[0]))");
    }
    w.line(1, "return torch.linear(torch.cat(parts, 1), " + linearArgs(module + ".merge") + ") + " +
                  bias);
  }
  else
  {
    w.line(1, "s = parts[0]");
    w.line(1, "for i in range(1, len(parts)):");
    w.line(2, "s = s + parts[i]");
    w.line(1, "return s + " + bias);
  }
  w.line(0, "");
}

std::string attentionArgs(const std::string& module)
{
  return linearArgs(module + ".query") + ", " + linearArgs(module + ".key") + ", " +
         linearArgs(module + ".value") + ", " + linearArgs(module + ".output");
}

std::string ffn(const std::string& module, const std::string& x)
{
  return "self._ffn(" + x + ", " + linearArgs(at(module, "0")) + ", " +
         linearArgs(at(module, "2")) + ")";
}

std::string norm(const std::string& module, const std::string& x)
{
  return "self._ln(" + x + ", " + linearArgs(module) + ")";
}

// The small helpers every piece uses: layer norm, the bag, adapters, the FFN and
// MultiHeadAttentionImpl::forward (attention.cpp, with its broadcast-or-matmul choice).
void helpers(Writer& w, int64_t d, int64_t heads)
{
  const int64_t dh = d / heads;
  const std::string h = std::to_string(heads);
  const std::string dhs = std::to_string(dh);
  const std::string limit = std::to_string(kAttentionBroadcastLimit);
  w.line(0, "def _ln(self, x: Tensor, weight: Tensor, bias: Tensor) -> Tensor:");
  w.line(1, "return torch.layer_norm(x, [weight.size(0)], weight, bias, 1e-05, False)");
  w.line(0, "");
  w.line(0, "def _bag(self, weight: Tensor, x: Tensor) -> Tensor:");
  w.line(1, "offsets = torch.arange(0, x.numel(), x.size(1))");
  w.line(1,
         "return torch.embedding_bag(weight, x.reshape([-1]), offsets, False, 1, False, None, "
         "False, 0)[0]");
  w.line(0, "");
  w.line(0,
         "def _adapter(self, x: Tensor, wd: Tensor, bd: Tensor, wu: Tensor, bu: Tensor) -> "
         "Tensor:");
  w.line(1, "return x + torch.linear(torch.gelu(torch.linear(x, wd, bd)), wu, bu)");
  w.line(0, "");
  w.line(0, "def _ffn(self, x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) -> Tensor:");
  w.line(1, "return torch.linear(torch.gelu(torch.linear(x, w1, b1)), w2, b2)");
  w.line(0, "");
  w.line(0,
         "def _attention(self, q: Tensor, kv: Tensor, blocked: Tensor, wq: Tensor, bq: Tensor, "
         "wk: Tensor, bk: Tensor, wv: Tensor, bv: Tensor, wo: Tensor, bo: Tensor) -> "
         "Tuple[Tensor, Tensor]:");
  w.line(1, "b = q.size(0)");
  w.line(1, "nq = q.size(1)");
  w.line(1, "nt = kv.size(1)");
  w.line(1, "qh = torch.linear(q, wq, bq).view([b, nq, " + h + ", " + dhs + "]).transpose(1, 2)");
  w.line(1, "kh = torch.linear(kv, wk, bk).view([b, nt, " + h + ", " + dhs + "]).transpose(1, 2)");
  w.line(1, "vh = torch.linear(kv, wv, bv).view([b, nt, " + h + ", " + dhs + "]).transpose(1, 2)");
  w.line(1, "if b * " + h + " * nq * nt * " + dhs + " <= " + limit + ":");
  w.line(2, "scores = (qh.unsqueeze(3) * kh.unsqueeze(2)).sum(-1)");
  w.line(1, "else:");
  w.line(2, "scores = torch.matmul(qh, kh.transpose(-2, -1))");
  w.line(1, "scores = scores / " + literal(std::sqrt(double(dh))));
  w.line(1, "scores = scores.masked_fill(blocked.unsqueeze(1), float(\"-inf\"))");
  w.line(1, "weights = torch.softmax(scores, -1)");
  w.line(1, "if b * " + h + " * nq * nt * " + dhs + " <= " + limit + ":");
  w.line(2, "ctx = (weights.unsqueeze(-1) * vh.unsqueeze(2)).sum(3)");
  w.line(1, "else:");
  w.line(2, "ctx = torch.matmul(weights, vh)");
  w.line(1, "ctx = ctx.transpose(1, 2).reshape([b, nq, " + std::to_string(d) + "])");
  w.line(1, "return torch.linear(ctx, wo, bo), weights");
  w.line(0, "");
}

// Whether the fusion adds offsets (position, gap) after its token norm.
bool splitOffsets(const ModelConfig& m)
{
  return itemNormLayout(m) && historyPositions(m);
}

// HistoryEncoderImpl::forward and bagOffsets (history.cpp).
void history(Writer& w, const NetSpec& spec)
{
  const ModelConfig& m = spec.model;
  const std::string hm = "self.model.history";
  const bool positional = historyPositions(m);
  w.line(0, "def _history(self, tokens: Tensor, pad: Tensor, gaps: Tensor) -> Tensor:");
  if (m.historyLength == 0)
  {
    w.line(1, "return tokens  # no history: [B, 0, d], and no encoder parameters");
    w.line(0, "");
    return;
  }
  w.line(1, "b = tokens.size(0)");
  w.line(1, "l = tokens.size(1)");
  w.line(1, "keep = (~pad).unsqueeze(-1).to(tokens.dtype)");
  w.line(1, "x = tokens");
  if (positional && itemNormLayout(m))
  {
    // model.token_norm item: position and gap are added after the fusion's norm (_offsets).
    w.line(1, "return x * keep");
    w.line(0, "");
    w.line(0, "def _offsets(self, pad: Tensor, gaps: Tensor) -> Tensor:");
    w.line(1, "l = pad.size(1)");
    w.line(1, "x = torch.embedding(" + hm + ".position.weight, torch.arange(l - 1, -1, -1))" +
                  ".unsqueeze(0)");
    if (spec.hasTimestamps)
    {
      w.line(1, "x = x + torch.embedding(" + hm + ".gap.weight, gaps)");
    }
    w.line(1, "return x * (~pad).unsqueeze(-1).to(x.dtype)");
    w.line(0, "");
    return;
  }
  if (positional)
  {
    w.line(1, "x = x + torch.embedding(" + hm + ".position.weight, torch.arange(l - 1, -1, -1))" +
                  ".unsqueeze(0)");
    if (spec.hasTimestamps)
    {
      w.line(1, "x = x + torch.embedding(" + hm + ".gap.weight, gaps)");
    }
  }
  w.line(1, "x = x * keep");
  if (m.historyEncoder == HistoryKind::Gru)
  {
    std::string params;
    for (int64_t l = 0; l < m.historyLayers; ++l)
    {
      const std::string s = std::to_string(l);
      for (const char* p : {"weight_ih_l", "weight_hh_l", "bias_ih_l", "bias_hh_l"})
      {
        params += (params.empty() ? "" : ", ") + hm + ".gru." + p + s;
      }
    }
    const std::string layers = std::to_string(m.historyLayers);
    w.line(1, "h0 = torch.zeros([" + layers + ", b, x.size(2)], dtype=x.dtype)");
    w.line(1, "x = x + torch.gru(x, h0, [" + params + "], True, " + layers +
                  ", 0.0, False, False, True)[0]");
  }
  else if (m.historyEncoder == HistoryKind::Cnn)
  {
    for (int64_t l = 0; l < m.historyLayers; ++l)
    {
      const std::string conv = hm + ".conv_" + std::to_string(l);
      w.line(1, "inp = torch.constant_pad_nd(x.transpose(1, 2), [2, 0])");
      w.line(1, "x = (x + torch.gelu(torch.conv1d(inp, " + linearArgs(conv) +
                    ")).transpose(1, 2)) * keep");
    }
  }
  else if (m.historyEncoder == HistoryKind::Transformer)
  {
    w.line(1, "eye = torch.eye(l) > 0");
    w.line(1, "blocked = pad.unsqueeze(1).expand([b, l, l]) & ~eye.unsqueeze(0)");
    for (int64_t l = 0; l < m.historyLayers; ++l)
    {
      const std::string blk = hm + ".block_" + std::to_string(l);
      w.line(1, "h = " + norm(blk + ".norm_attention", "x"));
      w.line(1, "y = x + self._attention(h, h, blocked, " + attentionArgs(blk + ".attention") +
                    ")[0]");
      w.line(1, "x = (y + " + ffn(blk + ".ffn", norm(blk + ".norm_ffn", "y")) + ") * keep");
    }
  }
  w.line(1, "return x * keep");
  w.line(0, "");
}

// M6NetImpl::userSide and fuse (m6_net.cpp).
void userSideAndFusion(Writer& w, const NetSpec& spec)
{
  const bool adapters = spec.model.adapterWidth > 0;
  w.line(0,
         "def _user_side(self, ids: Tensor, known: bool, ucols: List[Tensor], ccols: "
         "List[Tensor], hist: Tensor, pad: Tensor, gaps: Tensor) -> Tuple[Tensor, Tensor, "
         "Tensor, Tensor]:");
  w.line(1, "b = pad.size(0)");
  w.line(1, "u = self._encode_user(ids, ucols, known, b)");
  w.line(1, "c = self._encode_context(ids, ccols, known, b)");
  w.line(1, "keep = (~pad).unsqueeze(-1).to(hist.dtype)");
  w.line(1, "h = self._history(hist * keep, pad, gaps)");
  if (adapters)
  {
    w.line(1, "u = " + adapter("self.model.adapter_user", "u"));
    w.line(1, "c = " + adapter("self.model.adapter_context", "c"));
    w.line(1, "h = " + adapter("self.model.adapter_history", "h") + " * keep");
  }
  w.line(1, "tokens = torch.cat([u.unsqueeze(1), c.unsqueeze(1), h], 1)");
  if (splitOffsets(spec.model))
  {
    // The offsets ride beside the tokens ([B, T, 2d]): the fusion normalises the first half.
    w.line(1, "offsets = self._offsets(pad, gaps)");
    w.line(1, "offsets = torch.cat([torch.zeros([b, 2, offsets.size(2)]), offsets], 1)");
    w.line(1, "tokens = torch.cat([tokens, offsets], 2)");
  }
  w.line(1, "blocked = torch.cat([torch.zeros([b, 2]) > 0, pad], 1).unsqueeze(1)");
  w.line(1, "return u, c, tokens, blocked");
  w.line(0, "");
  w.line(0,
         "def _fuse(self, q: Tensor, tokens: Tensor, blocked: Tensor) -> Tuple[Tensor, "
         "List[Tensor]]:");
  w.line(1, "weights: List[Tensor] = []");
  const std::string d = std::to_string(spec.model.dim);
  for (int l = 0; l < spec.model.attentionLayers; ++l)
  {
    const std::string f = "self.model.fusion_" + std::to_string(l);
    const std::string kv =
        splitOffsets(spec.model)
            ? norm(f + ".norm_tokens", "tokens[:, :, :" + d + "]") + " + tokens[:, :, " + d + ":]"
            : norm(f + ".norm_tokens", "tokens");
    w.line(1, "a, w = self._attention(" + norm(f + ".norm_query", "q") + ", " + kv + ", blocked, " +
                  attentionArgs(f + ".attention") + ")");
    w.line(1, "x = q + a");
    w.line(1, "x = x + " + ffn(f + ".ffn", norm(f + ".norm_ffn", "x")));
    w.line(1, "q = " + (adapters ? adapter("self.model.adapter_fusion_" + std::to_string(l), "x")
                                 : std::string("x")));
    w.line(1, "weights.append(w)");
  }
  w.line(1, "return q, weights");
  w.line(0, "");
}

// userVector, mlpScores, scoreCandidates and scoreCatalogue (m6_net.cpp).
void scorers(Writer& w, const NetSpec& spec)
{
  const ModelConfig& m = spec.model;
  const bool dot = m.scorer == Scorer::Dot;
  const std::string offset = m.task == Task::Rating ? " + self.model.rating_offset" : "";
  if (dot)
  {
    w.line(0,
           "def _user_vector(self, u: Tensor, c: Tensor, tokens: Tensor, blocked: Tensor) -> "
           "Tuple[Tensor, List[Tensor]]:");
    w.line(1, "f, weights = self._fuse((u + c).unsqueeze(1), tokens, blocked)");
    w.line(1, "return torch.linear(" + norm("self.model.user_norm", "f.squeeze(1)") + ", " +
                  linearArgs("self.model.user_projection") + "), weights");
    w.line(0, "");
    w.line(0,
           "def _score_candidates(self, u: Tensor, c: Tensor, tokens: Tensor, blocked: Tensor, "
           "cand: Tensor) -> Tuple[Tensor, List[Tensor]]:");
    w.line(1, "v, weights = self._user_vector(u, c, tokens, blocked)");
    w.line(1, "return (cand * v.unsqueeze(1)).sum(-1)" + offset + ", weights");
    w.line(0, "");
    w.line(0,
           "def _score_catalogue(self, u: Tensor, c: Tensor, tokens: Tensor, blocked: Tensor, "
           "items: Tensor) -> Tensor:");
    w.line(1,
           "return torch.matmul(self._user_vector(u, c, tokens, blocked)[0], items.t())" + offset);
    w.line(0, "");
    return;
  }
  std::string act = "torch.relu";
  if (m.mlpActivation == Activation::Gelu)
  {
    act = "torch.gelu";
  }
  else if (m.mlpActivation == Activation::Tanh)
  {
    act = "torch.tanh";
  }
  w.line(0,
         "def _mlp(self, u: Tensor, c: Tensor, tokens: Tensor, blocked: Tensor, cand: Tensor) -> "
         "Tuple[Tensor, List[Tensor]]:");
  w.line(1, "b = cand.size(0)");
  w.line(1, "q = cand.size(1)");
  w.line(1, "d = cand.size(2)");
  w.line(1, "ce = c.unsqueeze(1).expand([b, q, d])");
  w.line(1, "ue = u.unsqueeze(1).expand([b, q, d])");
  w.line(1, "fused, weights = self._fuse(cand + ce, tokens, blocked)");
  w.line(1, "x = torch.cat([fused, ue, cand, ce, ue * cand], 2)");
  // The decoder Sequential: (Linear, activation, Dropout) x layers, then Linear.
  for (int l = 0; l < m.mlpLayers; ++l)
  {
    w.line(1, "x = " + act + "(torch.linear(x, " +
                  linearArgs(at("self.model.decoder", std::to_string(3 * l))) + "))");
  }
  w.line(1, "x = torch.linear(x, " +
                linearArgs(at("self.model.decoder", std::to_string(3 * m.mlpLayers))) + ")");
  w.line(1, "return x.squeeze(-1), weights");
  w.line(0, "");
  w.line(0,
         "def _score_candidates(self, u: Tensor, c: Tensor, tokens: Tensor, blocked: Tensor, "
         "cand: Tensor) -> Tuple[Tensor, List[Tensor]]:");
  w.line(1, "s, weights = self._mlp(u, c, tokens, blocked, cand)");
  w.line(1, "return s" + offset + ", weights");
  w.line(0, "");
  w.line(0,
         "def _score_catalogue(self, u: Tensor, c: Tensor, tokens: Tensor, blocked: Tensor, "
         "items: Tensor) -> Tensor:");
  w.line(1, "b = u.size(0)");
  w.line(1, "n = items.size(0)");
  w.line(1, "parts: List[Tensor] = []");
  w.line(1, "for start in range(0, n, " + std::to_string(kMlpItemChunk) + "):");
  w.line(2, "size = min(" + std::to_string(kMlpItemChunk) + ", n - start)");
  w.line(2, "cand = items.narrow(0, start, size).unsqueeze(0).expand([b, size, items.size(1)])");
  w.line(2, "parts.append(self._mlp(u, c, tokens, blocked, cand)[0])");
  w.line(1, "return torch.cat(parts, 1)" + offset);
  w.line(0, "");
}

}  // namespace

std::string literal(double v)
{
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos)
  {
    s += ".0";
  }
  return s;
}

std::string at(const std::string& base, const std::string& name)
{
  return "getattr(" + base + ", \"" + name + "\")";
}

std::string linearArgs(const std::string& module)
{
  return module + ".weight, " + module + ".bias";
}

std::string adapter(const std::string& module, const std::string& x)
{
  return "self._adapter(" + x + ", " + linearArgs(module + ".down") + ", " +
         linearArgs(module + ".up") + ")";
}

void network(Writer& w, const NetSpec& spec)
{
  const ModelConfig& m = spec.model;
  const bool concat = m.merge == Merge::Concat;
  helpers(w, m.dim, m.heads);
  entityEncoder(w, "_encode_user", "self.model.user_encoder", m.idEmbeddings, spec.userColumns,
                concat, m.dim);
  entityEncoder(w, "_encode_item", "self.model.item_encoder", m.idEmbeddings, spec.itemColumns,
                concat, m.dim);
  entityEncoder(w, "_encode_context", "self.model.context_encoder", false, spec.contextColumns,
                concat, m.dim);
  history(w, spec);
  userSideAndFusion(w, spec);
  scorers(w, spec);
}

}  // namespace m6::script
