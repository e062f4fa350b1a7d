#include "model/carry_over.h"

#include <sstream>
#include <unordered_map>

namespace m6
{

namespace
{

const char* const kEncoders[3] = {"user_encoder", "item_encoder", "context_encoder"};

struct ColumnInfo
{
  ColumnSpec spec;
  const FieldColumn* field = nullptr;  // null for the time columns ("@hour", ...)
};

// The columns of one encoder by module name, with their dataset field (for the vocabulary).
std::unordered_map<std::string, ColumnInfo> columnsOf(const Session& s, const std::string& encoder)
{
  const EntityTable& table = encoder == "user_encoder"   ? s.features.users
                             : encoder == "item_encoder" ? s.features.items
                                                         : s.features.context;
  const std::vector<FieldColumn>& fields = encoder == "user_encoder"   ? s.data.userFields
                                           : encoder == "item_encoder" ? s.data.itemFields
                                                                       : s.data.contextFields;
  std::unordered_map<std::string, ColumnInfo> out;
  for (const auto& c : table.columns)
  {
    ColumnInfo info;
    info.spec = c.spec;
    for (const auto& f : fields)
    {
      if (f.name == c.spec.name && c.spec.name[0] != '@')
      {
        info.field = &f;
      }
    }
    out[c.spec.moduleName] = info;
  }
  return out;
}

std::vector<std::string> moduleOrder(const Session& s, const std::string& encoder)
{
  const EntityTable& table = encoder == "user_encoder"   ? s.features.users
                             : encoder == "item_encoder" ? s.features.items
                                                         : s.features.context;
  std::vector<std::string> out;
  for (const auto& c : table.columns)
  {
    out.push_back(c.spec.moduleName);
  }
  return out;
}

bool vocabBased(const ColumnInfo& c)
{
  return c.field && (c.field->kind == FieldKind::Categorical || c.field->kind == FieldKind::Multi);
}

std::string shapeText(const torch::Tensor& t)
{
  std::ostringstream os;
  os << t.sizes();
  return os.str();
}

// "a.b.c" -> {"a", "b", "c"}.
std::vector<std::string> parts(const std::string& name)
{
  std::vector<std::string> out;
  std::string cur;
  for (char ch : name)
  {
    if (ch == '.')
    {
      out.push_back(cur);
      cur.clear();
    }
    else
    {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

bool isHead(const std::string& top)
{
  return top == "user_norm" || top == "user_projection" || top == "decoder";
}

bool isEncoder(const std::string& top)
{
  return top == kEncoders[0] || top == kEncoders[1] || top == kEncoders[2];
}

// Copies parent rows into target rows (others zero); returns the rows matched.
int64_t copyRows(torch::Tensor& target, const torch::Tensor& parent,
                 const std::vector<int64_t>& targetRows, const std::vector<int64_t>& parentRows)
{
  torch::NoGradGuard guard;
  target.zero_();
  if (!targetRows.empty())
  {
    target.index_copy_(0, torch::tensor(targetRows),
                       parent.index_select(0, torch::tensor(parentRows)));
  }
  return static_cast<int64_t>(targetRows.size());
}

void setStatusByRows(AdaptParameter& p, int64_t matched, int64_t rows, const std::string& what)
{
  p.rows = rows;
  p.rowsMatched = matched;
  p.status = matched == rows ? "carried" : matched > 0 ? "carried-partly" : "re-initialised";
  p.reason = "matched " + std::to_string(matched) + " of " + std::to_string(rows) + " " + what +
             (matched < rows ? " (the others start at zero)" : "");
}

}  // namespace

bool headChanges(const RunConfig& parent, const RunConfig& target, const AdaptOptions& options,
                 std::string* reason)
{
  std::string why;
  if (parent.model.task != target.model.task)
  {
    why = "task changed " + wordOf(parent.model.task) + " -> " + wordOf(target.model.task);
  }
  else if (parent.model.scorer != target.model.scorer)
  {
    why = "scorer changed " + wordOf(parent.model.scorer) + " -> " + wordOf(target.model.scorer);
  }
  else if (options.newHead)
  {
    why = "a new head was asked for";
  }
  if (reason)
  {
    *reason = why;
  }
  return !why.empty();
}

AdaptReport carryOver(Session& parent, Session& target, const AdaptOptions& options)
{
  AdaptReport report;
  std::string headReason;
  const bool newHead = headChanges(parent.config, target.config, options, &headReason);
  if (newHead)
  {
    report.notes.push_back(headReason + ": the head starts fresh");
  }
  auto parentParams = parent.net->named_parameters();
  std::unordered_map<std::string, std::unordered_map<std::string, ColumnInfo>> parentCols;
  std::unordered_map<std::string, std::unordered_map<std::string, ColumnInfo>> targetCols;
  for (const char* e : kEncoders)
  {
    parentCols[e] = columnsOf(parent, e);
    targetCols[e] = columnsOf(target, e);
  }
  torch::NoGradGuard guard;
  for (auto& item : target.net->named_parameters())
  {
    const std::string& name = item.key();
    torch::Tensor t = item.value();
    AdaptParameter p;
    p.name = name;
    p.shape = t.sizes().vec();
    p.count = t.numel();
    const std::vector<std::string> path = parts(name);
    const std::string& top = path[0];
    const torch::Tensor* from = parentParams.find(name);
    if (isHead(top) && newHead)
    {
      p.status = "re-initialised";
      p.reason = headReason;
    }
    else if (!from)
    {
      p.status = "added";
      p.reason = top.rfind("adapter_", 0) == 0 ? "bottleneck adapter (starts as the identity)"
                                               : "the parent has no such parameter";
      if (isEncoder(top) && path.size() == 3 && path[1] != "merge")
      {
        t.zero_();  // a field the parent did not encode: starts as "no value"
        p.reason = "a field the parent did not encode (starts at zero)";
      }
    }
    else if (isEncoder(top) && path.size() == 3 && path[1] == "id")
    {
      const auto& targetIds = top == "user_encoder" ? target.data.userIds : target.data.itemIds;
      const auto& parentIds = top == "user_encoder" ? parent.data.userIds : parent.data.itemIds;
      std::unordered_map<std::string, int64_t> index;
      for (size_t i = 0; i < parentIds.size(); ++i)
      {
        index.emplace(parentIds[i], static_cast<int64_t>(i));
      }
      std::vector<int64_t> rows;
      std::vector<int64_t> parentRows;
      for (size_t i = 0; i < targetIds.size() && t.size(1) == from->size(1); ++i)
      {
        auto found = index.find(targetIds[i]);
        if (found != index.end())
        {
          rows.push_back(static_cast<int64_t>(i));
          parentRows.push_back(found->second);
        }
      }
      int64_t matched = copyRows(t, *from, rows, parentRows);
      setStatusByRows(
          p, matched, t.size(0),
          top == "user_encoder" ? "user ids by external id" : "item ids by external id");
    }
    else if (isEncoder(top) && path.size() == 3 && path[2] == "weight" &&
             targetCols[top].count(path[1]) && parentCols[top].count(path[1]) &&
             vocabBased(targetCols[top][path[1]]) && vocabBased(parentCols[top][path[1]]) &&
             t.dim() == 2 && from->dim() == 2 && t.size(1) == from->size(1))
    {
      // Row c + 1 holds value c: match the values by their strings.
      const FieldColumn& tf = *targetCols[top][path[1]].field;
      const FieldColumn& pf = *parentCols[top][path[1]].field;
      std::unordered_map<std::string, int64_t> index;
      for (size_t c = 0; c < pf.vocab.size(); ++c)
      {
        index.emplace(pf.vocab[c], static_cast<int64_t>(c) + 1);
      }
      std::vector<int64_t> rows = {0};  // the padding row stays zero in both
      std::vector<int64_t> parentRows = {0};
      for (size_t c = 0; c < tf.vocab.size(); ++c)
      {
        auto found = index.find(tf.vocab[c]);
        if (found != index.end())
        {
          rows.push_back(static_cast<int64_t>(c) + 1);
          parentRows.push_back(found->second);
        }
      }
      int64_t matched = copyRows(t, *from, rows, parentRows) - 1;
      setStatusByRows(p, matched, t.size(0) - 1, "values of '" + tf.name + "' by value");
      p.rows = t.size(0);
      p.rowsMatched = matched + 1;
    }
    else if (top == "history" && name == "history.position.weight" && t.dim() == 2 &&
             from->dim() == 2 && t.size(1) == from->size(1))
    {
      // Row r is the item r steps before the most recent one in both networks.
      std::vector<int64_t> rows;
      for (int64_t r = 0; r < std::min(t.size(0), from->size(0)); ++r)
      {
        rows.push_back(r);
      }
      int64_t matched = copyRows(t, *from, rows, rows);
      setStatusByRows(p, matched, t.size(0), "positions from the end");
    }
    else if (t.sizes() == from->sizes())
    {
      if (isEncoder(top) && path.size() == 3 && path[1] == "merge" &&
          moduleOrder(parent, top) != moduleOrder(target, top))
      {
        p.status = "re-initialised";
        p.reason = "the merged fields differ from the parent's";
      }
      else
      {
        t.copy_(*from);
        p.status = "carried";
        p.reason = "same name and shape";
        auto col = targetCols[top].find(path.size() == 3 ? path[1] : "");
        if (isEncoder(top) && col != targetCols[top].end() &&
            col->second.spec.fieldKind == FieldKind::Text)
        {
          const ModelConfig& a = parent.config.model;
          const ModelConfig& b = target.config.model;
          p.reason =
              "text hash buckets carry by bucket (" + std::to_string(b.textBuckets) + " buckets";
          p.reason += a.textWordNgrams == b.textWordNgrams && a.textCharNgrams == b.textCharNgrams
                          ? ", the same n-grams)"
                          : "; the n-gram settings differ, shared n-grams keep their vectors)";
          p.rows = t.size(0);
          p.rowsMatched = t.size(0);
        }
      }
    }
    else
    {
      p.status = "re-initialised";
      p.reason = "shape " + shapeText(*from) + " in the parent, " + shapeText(t) + " here";
      if (isEncoder(top) && path.size() == 3 && path[1] != "merge")
      {
        t.zero_();
        p.reason += " (starts at zero)";
      }
    }
    report.parameters.push_back(p);
  }
  return report;
}

namespace
{

std::string componentOf(const std::string& name)
{
  std::string top = parts(name)[0];
  if (isEncoder(top))
  {
    return "encoders";
  }
  if (top == "history")
  {
    return "history";
  }
  if (top.rfind("fusion_", 0) == 0)
  {
    return "attention";
  }
  if (isHead(top))
  {
    return "head";
  }
  return top.rfind("adapter_", 0) == 0 ? "adapters" : "other";
}

void finishTotals(AdaptReport& report)
{
  report.totalParameters = 0;
  report.trainableParameters = 0;
  for (const auto& p : report.parameters)
  {
    report.totalParameters += p.count;
    report.trainableParameters += p.trainable ? p.count : 0;
  }
  report.trainableShare = report.totalParameters
                              ? double(report.trainableParameters) / double(report.totalParameters)
                              : 0.0;
}

}  // namespace

void applyFreezing(Session& target, const AdaptOptions& o, AdaptReport& report)
{
  auto params = target.net->named_parameters();
  for (auto& p : report.parameters)
  {
    const std::string component = componentOf(p.name);
    const std::vector<std::string> path = parts(p.name);
    const bool carried = p.status == "carried";
    const bool encoderTable = component == "encoders" && path.size() == 3 && path[1] != "merge";
    bool frozen = false;
    if (o.parameterEfficient)
    {
      // Everything of the parent stays; new encoder tables stay at zero (content only).
      frozen = component != "head" && component != "adapters" &&
               (carried || p.status == "carried-partly" || encoderTable);
    }
    else if (carried)
    {
      frozen = (component == "encoders" && o.freezeEncoders) ||
               (component == "history" && o.freezeHistory) ||
               (component == "attention" && o.freezeAttention);
    }
    p.frozen = frozen;
    p.trainable = !frozen;
    if (torch::Tensor* t = params.find(p.name))
    {
      t->requires_grad_(!frozen);
    }
  }
  finishTotals(report);
  if (o.parameterEfficient)
  {
    report.notes.push_back(
        "parameter-efficient: the parent's parameters are frozen; the head, "
        "the adapters and parameters that could not be carried train");
  }
  else if (o.freezeEncoders || o.freezeHistory || o.freezeAttention)
  {
    report.notes.push_back(
        "frozen components keep the parent's carried tensors; tensors that "
        "were carried only partly or not at all still train");
  }
}

void applyRecordedFreezing(Session& target, const AdaptReport& report)
{
  auto params = target.net->named_parameters();
  if (params.size() != report.parameters.size())
  {
    throw std::runtime_error("adapt.json describes " + std::to_string(report.parameters.size()) +
                             " parameters; this network has " + std::to_string(params.size()));
  }
  for (const auto& p : report.parameters)
  {
    torch::Tensor* t = params.find(p.name);
    if (!t || t->sizes().vec() != p.shape)
    {
      throw std::runtime_error("adapt.json does not describe this network (" + p.name + ")");
    }
    t->requires_grad_(!p.frozen);
  }
}

std::vector<torch::optim::OptimizerParamGroup> adaptGroups(Session& target,
                                                           const AdaptReport& report,
                                                           const AdaptOptions& options,
                                                           std::vector<double>* scales)
{
  auto params = target.net->named_parameters();
  std::vector<torch::Tensor> fresh;
  std::vector<torch::Tensor> carried;
  for (const auto& p : report.parameters)
  {
    torch::Tensor* t = params.find(p.name);
    if (!t || p.frozen)
    {
      continue;
    }
    bool fromParent = p.status == "carried" || p.status == "carried-partly";
    (fromParent ? carried : fresh).push_back(*t);
  }
  const double lr = target.config.train.lr;
  const double carriedScale = options.carriedLr > 0 ? options.carriedLr / lr : 1.0;
  std::vector<torch::optim::OptimizerParamGroup> groups;
  scales->clear();
  if (!fresh.empty())
  {
    groups.emplace_back(fresh);
    scales->push_back(1.0);
  }
  if (!carried.empty())
  {
    groups.emplace_back(carried);
    scales->push_back(carriedScale);
  }
  return groups;
}

}  // namespace m6
