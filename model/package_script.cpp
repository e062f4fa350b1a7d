// The query half of the model file's TorchScript (the public methods, and the queries they build
// as ModelPackage does), the network half from package_script_net.cpp, and compiling it onto the
// archive's root module.
#include "model/package_script.h"

#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>
#include <torch/script.h>

#include <sstream>

#include "model/package_script_writer.h"

namespace m6
{

namespace
{

using script::adapter;
using script::at;
using script::Writer;

// LibTorch's native resolver knows `torch` only; the methods also raise ValueError.
struct ScriptResolver : torch::jit::Resolver
{
  std::shared_ptr<torch::jit::SugaredValue> resolveValue(
      const std::string& name, torch::jit::GraphFunction& m,
      const torch::jit::SourceRange& loc) override
  {
    if (name == "ValueError")
    {
      return std::make_shared<torch::jit::ExceptionValue>("ValueError");
    }
    return torch::jit::nativeResolver()->resolveValue(name, m, loc);
  }

  c10::TypePtr resolveType(const std::string& /*name*/,
                           const torch::jit::SourceRange& /*loc*/) override
  {
    return nullptr;
  }
};

std::string columnList(const std::string& table, const std::vector<ColumnSpec>& columns,
                       const std::string& rows)
{
  std::string s = "[";
  for (size_t i = 0; i < columns.size(); ++i)
  {
    s += (i ? ", " : "") + at(table, columns[i].moduleName) + ".index_select(0, " + rows + ")";
  }
  return s + "]";
}

// The queries ModelPackage::Impl::side builds (package_query.cpp): a known user's stored query,
// or a new user's history right-aligned in L slots with the "no context" row.
void queries(Writer& w, const NetSpec& spec, int hourColumn, int weekdayColumn)
{
  const int64_t L = spec.model.historyLength;
  const std::string nU = std::to_string(spec.numUsers);
  const std::string nI = std::to_string(spec.numItems);
  const std::string d = std::to_string(spec.model.dim);
  const std::string q = "self.tables.queries";
  w.line(0, "def _check(self, hour: int, weekday: int):");
  w.line(1, "if hour > 23 or weekday > 6:");
  w.line(2, "raise ValueError(\"hour must be 0-23 and weekday 0-6 (-1: the stored context)\")");
  w.line(0, "");
  w.line(0, "def _context(self, row: int, hour: int, weekday: int) -> List[Tensor]:");
  w.line(1, "ccols = " + columnList(q, spec.contextColumns, "torch.tensor([row])"));
  if (hourColumn >= 0)
  {
    w.line(1, "if hour >= 0:");
    w.line(2, "ccols[" + std::to_string(hourColumn) + "][0] = hour + 1");
  }
  if (weekdayColumn >= 0)
  {
    w.line(1, "if weekday >= 0:");
    w.line(2, "ccols[" + std::to_string(weekdayColumn) + "][0] = weekday + 1");
  }
  w.line(1, "return ccols");
  w.line(0, "");
  w.line(0,
         "def _known(self, user: int, hour: int, weekday: int, items: Tensor) -> Tuple[Tensor, "
         "Tensor, Tensor, Tensor]:");
  w.line(1, "if user < 0 or user >= " + nU + ":");
  w.line(2, "raise ValueError(\"user index \" + str(user) + \" is outside the model (" + nU +
                " users)\")");
  w.line(1, "self._check(hour, weekday)");
  w.line(1, "idx = torch.tensor([user])");
  w.line(1, "ucols = " + columnList("self.tables.users", spec.userColumns, "idx"));
  w.line(1, "ccols = self._context(user, hour, weekday)");
  w.line(1, "hist_items = " + q + ".hist_items.index_select(0, idx).long()");
  w.line(1, "hist = items.index_select(0, hist_items.reshape([-1])).view([1, " + std::to_string(L) +
                ", " + d + "])");
  w.line(1, "pad = " + q + ".hist_pad.index_select(0, idx)");
  w.line(1, "gaps = " + q + ".hist_gaps.index_select(0, idx).long()");
  w.line(1, "return self._user_side(idx, True, ucols, ccols, hist, pad, gaps)");
  w.line(0, "");
  w.line(0,
         "def _new(self, history: List[int], hour: int, weekday: int, items: Tensor) -> "
         "Tuple[Tensor, Tensor, Tensor, Tensor]:");
  w.line(1, "for i in history:");
  w.line(2, "if i < 0 or i >= " + nI + ":");
  w.line(3, "raise ValueError(\"history: item index \" + str(i) + \" is outside the model (" + nI +
                " items)\")");
  w.line(1, "self._check(hour, weekday)");
  w.line(1, "count = min(" + std::to_string(L) + ", len(history))");
  w.line(1, "first = len(history) - count");
  w.line(1, "slots: List[int] = [0] * " + std::to_string(L));
  w.line(1, "empty: List[bool] = [True] * " + std::to_string(L));
  w.line(1, "for j in range(count):");
  w.line(2, "slots[" + std::to_string(L) + " - count + j] = history[first + j]");
  w.line(2, "empty[" + std::to_string(L) + " - count + j] = False");
  if (L == 0)
  {
    // torch.tensor of an empty list warns that Python would make it a float tensor.
    w.line(1, "hist_items = torch.zeros([1, 0]).long()");
    w.line(1, "pad = torch.zeros([1, 0]) > 0");
  }
  else
  {
    w.line(1, "hist_items = torch.tensor([slots])");
    w.line(1, "pad = torch.tensor([empty])");
  }
  w.line(1, "missing = torch.tensor([" + nU + "])");
  w.line(1, "ucols = " + columnList("self.tables.users", spec.userColumns, "missing"));
  w.line(1, "ccols = self._context(" + nU + ", hour, weekday)");
  w.line(1, "hist = items.index_select(0, hist_items.reshape([-1])).view([1, " + std::to_string(L) +
                ", " + d + "])");
  w.line(1,
         "return self._user_side(missing, False, ucols, ccols, hist, pad, "
         "torch.zeros_like(hist_items))");
  w.line(0, "");
  w.line(0, "def _training_items(self, user: int) -> List[int]:");
  w.line(1, "start = int(" + q + ".train_offsets[user])");
  w.line(1, "end = int(" + q + ".train_offsets[user + 1])");
  w.line(1, "out: List[int] = " + q + ".train_items.narrow(0, start, end - start).long().tolist()");
  w.line(1, "return out");
  w.line(0, "");
}

// The public methods, and topK's order (model/core/metrics.cpp): higher score first, NaN last,
// ties by index, excluded items never listed.
void publicMethods(Writer& w, const NetSpec& spec)
{
  const int64_t L = spec.model.historyLength;
  const std::string nI = std::to_string(spec.numItems);
  w.line(0, "def item_tokens(self) -> Tensor:");
  w.line(1, "ids = torch.arange(" + nI + ")");
  std::string cols = "[";
  for (size_t i = 0; i < spec.itemColumns.size(); ++i)
  {
    cols += (i ? ", " : "") + at("self.tables.items", spec.itemColumns[i].moduleName) +
            ".narrow(0, 0, " + nI + ")";
  }
  w.line(1, "t = self._encode_item(ids, " + cols + "], True, " + nI + ")");
  if (spec.model.adapterWidth > 0)
  {
    w.line(1, "t = " + adapter("self.model.adapter_item", "t"));
  }
  w.line(1, "return t");
  w.line(0, "");
  w.line(0,
         "def _top(self, scores: Tensor, excluded: List[int], k: int) -> Tuple[List[int], "
         "List[float]]:");
  w.line(1, "allowed = torch.ones_like(scores)");
  w.line(1, "if len(excluded) > 0:");
  w.line(2, "allowed = allowed.index_fill(0, torch.tensor(excluded), 0.0)");
  w.line(1, "keep = torch.nonzero(allowed > 0).reshape([-1])");
  w.line(1, "kept = scores.index_select(0, keep)");
  w.line(1, "kept = torch.where(torch.isnan(kept), torch.full_like(kept, float(\"-inf\")), kept)");
  w.line(1, "order = torch.sort(kept, stable=True, dim=0, descending=True)[1]");
  w.line(1, "top = keep.index_select(0, order.narrow(0, 0, min(max(k, 0), order.size(0))))");
  w.line(1, "items: List[int] = top.tolist()");
  w.line(1, "values: List[float] = scores.index_select(0, top).tolist()");
  w.line(1, "return items, values");
  w.line(0, "");
  w.line(0, "def _weights(self, weights: List[Tensor], count: int) -> List[List[List[float]]]:");
  w.line(1, "out: List[List[List[float]]] = []");
  w.line(1, "for w in weights:");
  w.line(2, "layer = w.select(0, 0).select(1, 0)");
  w.line(2, "heads: List[List[float]] = torch.cat([layer.narrow(1, 0, 2), layer.narrow(1, " +
                std::to_string(L + 2) + " - count, count)], 1).tolist()");
  w.line(2, "out.append(heads)");
  w.line(1, "return out");
  w.line(0, "");
  w.line(0, "def _candidates(self, items: Tensor, chosen: List[int]) -> Tensor:");
  w.line(1, "for i in chosen:");
  w.line(2, "if i < 0 or i >= " + nI + ":");
  w.line(3, "raise ValueError(\"item index \" + str(i) + \" is outside the model (" + nI +
                " items)\")");
  w.line(1, "return items.index_select(0, torch.tensor(chosen)).unsqueeze(0)");
  w.line(0, "");

  struct Who
  {
    std::string suffix;    // "" for a new user's history, "_user" for a known user
    std::string argument;  // the first parameter
    std::string side;      // the query
    std::string excluded;  // the items never recommended
    std::string count;     // history items the explanation lists
  };
  const Who who[] = {{"", "history: List[int]", "self._new(history, hour, weekday, catalogue)",
                      "history", "min(" + std::to_string(L) + ", len(history))"},
                     {"_user", "user: int", "self._known(user, hour, weekday, catalogue)",
                      "self._training_items(user)",
                      "int((~blocked.narrow(2, 2, " + std::to_string(L) + ")).sum())"}};
  for (const Who& x : who)
  {
    const std::string& s = x.suffix;
    const std::string side = "u, c, tokens, blocked = " + x.side;
    w.line(0, "def score_all" + s + "(self, " + x.argument +
                  ", hour: int = -1, weekday: int = -1) -> Tensor:");
    w.line(1, "catalogue = self.item_tokens()");
    w.line(1, side);
    w.line(1, "return self._score_catalogue(u, c, tokens, blocked, catalogue).reshape([-1])");
    w.line(0, "");
    w.line(0, "def recommend" + s + "(self, " + x.argument +
                  ", hour: int = -1, weekday: int = -1, k: int = 10) -> Tuple[List[int], "
                  "List[float]]:");
    w.line(1, "catalogue = self.item_tokens()");
    w.line(1, side);
    w.line(1, "scores = self._score_catalogue(u, c, tokens, blocked, catalogue).reshape([-1])");
    w.line(1, "return self._top(scores, " + x.excluded + ", k)");
    w.line(0, "");
    w.line(0, "def score" + s + "(self, " + x.argument +
                  ", items: List[int], hour: int = -1, weekday: int = -1) -> List[float]:");
    w.line(1, "catalogue = self.item_tokens()");
    w.line(1, side);
    w.line(1, "cand = self._candidates(catalogue, items)");
    w.line(1,
           "out: List[float] = self._score_candidates(u, c, tokens, blocked, cand)[0]"
           ".reshape([-1]).tolist()");
    w.line(1, "return out");
    w.line(0, "");
    w.line(0, "def explain" + s + "(self, " + x.argument +
                  ", item: int, hour: int = -1, weekday: int = -1) -> Tuple[float, "
                  "List[List[List[float]]]]:");
    w.line(1, "catalogue = self.item_tokens()");
    w.line(1, side);
    w.line(1, "cand = self._candidates(catalogue, [item])");
    w.line(1, "s, weights = self._score_candidates(u, c, tokens, blocked, cand)");
    w.line(1, "return float(s.reshape([-1])[0]), self._weights(weights, " + x.count + ")");
    w.line(0, "");
  }
}

}  // namespace

std::string packageScriptSource(const NetSpec& spec, int hourColumn, int weekdayColumn)
{
  Writer w;
  script::network(w, spec);
  queries(w, spec, hourColumn, weekdayColumn);
  publicMethods(w, spec);
  return w.str();
}

std::string withScriptMethods(const std::string& archiveBytes, const std::string& source)
{
  std::istringstream in(archiveBytes);
  torch::jit::Module root = torch::jit::load(in);
  for (const auto& p : root.parameters())
  {
    p.requires_grad_(false);
  }
  try
  {
    root.define(source, std::make_shared<ScriptResolver>());
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error(std::string("the model file's methods do not compile: ") + e.what());
  }
  std::ostringstream out;
  root.save(out);
  return out.str();
}

}  // namespace m6