// validate() and the field selection of config.h: the rules that span several knobs or need
// the dataset. Single-knob ranges and choices come from the descriptor table.
#include <algorithm>
#include <set>
#include <sstream>

#include "model/core/config.h"
#include "model/core/config_fields.h"
#include "model/core/dataset_schema.h"
#include "model/core/split.h"

namespace m6
{

namespace
{

std::string number(double v)
{
  std::ostringstream os;
  os << v;
  return os.str();
}

void add(std::vector<ConfigIssue>& out, const std::string& field, const std::string& why)
{
  out.push_back({field, field + ": " + why});
}

bool hasIssue(const std::vector<ConfigIssue>& issues, const std::string& field)
{
  return std::any_of(issues.begin(), issues.end(),
                     [&](const ConfigIssue& i) { return i.field == field; });
}

// Range and choice checks that every knob gets from its descriptor.
void checkDescriptors(const RunConfig& c, std::vector<ConfigIssue>& out)
{
  for (const auto& f : configFields())
  {
    if (hasIssue(out, f.key))
    {
      continue;
    }
    Json v = getValue(c, f.key);
    if (f.type == ConfigFieldType::Int || f.type == ConfigFieldType::Double)
    {
      double x = v.asDouble();
      bool low = f.minExclusive ? !(x > f.minValue) : !(x >= f.minValue);
      if (low || !(x <= f.maxValue))
      {
        std::string range =
            f.minExclusive
                ? "greater than " + number(f.minValue) + " and at most " + number(f.maxValue)
                : "between " + number(f.minValue) + " and " + number(f.maxValue);
        add(out, f.key, "must be " + range + " (got " + number(x) + ")");
      }
    }
    else if (f.type == ConfigFieldType::Enum)
    {
      if (std::find(f.choices.begin(), f.choices.end(), v.asString()) == f.choices.end())
      {
        std::string list;
        for (const auto& ch : f.choices)
        {
          list += (list.empty() ? "" : ", ") + ch;
        }
        add(out, f.key, "'" + v.asString() + "' is not one of " + list);
      }
    }
  }
}

std::string joinNames(const std::vector<SchemaField>& fields)
{
  std::string s;
  for (const auto& f : fields)
  {
    s += (s.empty() ? "" : ", ") + f.name;
  }
  return s.empty() ? "none" : s;
}

const char* entityPrefix(FieldEntity e)
{
  switch (e)
  {
    case FieldEntity::User:
      return "user";
    case FieldEntity::Item:
      return "item";
    case FieldEntity::Interaction:
      break;
  }
  return "context";
}

const std::vector<std::string>& includeList(const ModelConfig& m, FieldEntity e)
{
  switch (e)
  {
    case FieldEntity::User:
      return m.userFields;
    case FieldEntity::Item:
      return m.itemFields;
    case FieldEntity::Interaction:
      break;
  }
  return m.contextFields;
}

// "item.title" -> ("item", "title"); "title" -> ("", "title").
std::pair<std::string, std::string> splitQualified(const std::string& name)
{
  for (const char* p : {"user.", "item.", "context.", "interaction."})
  {
    std::string prefix = p;
    if (name.compare(0, prefix.size(), prefix) == 0)
    {
      std::string entity = prefix.substr(0, prefix.size() - 1);
      return {entity == "interaction" ? "context" : entity, name.substr(prefix.size())};
    }
  }
  return {"", name};
}

bool hasField(const std::vector<SchemaField>& fields, const std::string& name)
{
  return std::any_of(fields.begin(), fields.end(),
                     [&](const SchemaField& f) { return f.name == name; });
}

void checkSchema(const RunConfig& c, const DatasetSchema& s, std::vector<ConfigIssue>& out)
{
  const ModelConfig& m = c.model;
  const TrainConfig& t = c.train;
  const FieldEntity entities[3] = {FieldEntity::User, FieldEntity::Item, FieldEntity::Interaction};
  const char* keys[3] = {"model.user_fields", "model.item_fields", "model.context_fields"};
  for (int e = 0; e < 3; ++e)
  {
    const auto& fields = s.fields(entities[e]);
    for (const auto& raw : includeList(m, entities[e]))
    {
      auto q = splitQualified(raw);
      bool wrongEntity = !q.first.empty() && q.first != entityPrefix(entities[e]);
      if (wrongEntity || !hasField(fields, q.second))
      {
        add(out, keys[e],
            std::string("no ") + entityPrefix(entities[e]) + " field named '" + raw +
                "' (the dataset has: " + joinNames(fields) + ")");
      }
    }
  }
  for (const auto& raw : m.excludeFields)
  {
    auto q = splitQualified(raw);
    bool found = false;
    for (auto e : entities)
    {
      if ((q.first.empty() || q.first == entityPrefix(e)) && hasField(s.fields(e), q.second))
      {
        found = true;
      }
    }
    if (!found)
    {
      add(out, "model.exclude_fields",
          "no field named '" + raw + "' (user: " + joinNames(s.userFields) + "; item: " +
              joinNames(s.itemFields) + "; context: " + joinNames(s.contextFields) + ")");
    }
  }
  if (!m.idEmbeddings)
  {
    // Without ids an item is only its content: with no item field in use every item would get
    // the same token, and every score would be the same.
    const size_t used = selectedFields(m, s, FieldEntity::Item).size();
    if (used == 0 && !m.sideFeatures)
    {
      add(out, "model.id_embeddings",
          "with id embeddings and side features both off, nothing tells items apart; turn one "
          "of them on");
    }
    else if (used == 0)
    {
      add(out, "model.id_embeddings",
          "with id embeddings off, items are told apart by their content fields only, and no item "
          "field is in use (the dataset has: " +
              joinNames(s.itemFields) + "); turn id embeddings on or keep an item field");
    }
  }
  if ((m.task == Task::Rating || m.task == Task::Ctr) && !s.hasRatings)
  {
    add(out, "model.task",
        "task '" + wordOf(m.task) +
            "' needs ratings, and this dataset has none (use task ranking)");
  }
  if (m.task == Task::Ctr && s.hasRatings)
  {
    if (t.ctrThreshold > s.ratingMax)
    {
      add(out, "train.ctr_threshold",
          "every rating is below " + number(t.ctrThreshold) + " (ratings run from " +
              number(s.ratingMin) + " to " + number(s.ratingMax) +
              "), so no interaction would be a positive");
    }
    else if (t.ctrThreshold <= s.ratingMin)
    {
      add(out, "train.ctr_threshold",
          "every rating is at least " + number(t.ctrThreshold) + " (ratings run from " +
              number(s.ratingMin) + " to " + number(s.ratingMax) +
              "), so every interaction would be a positive");
    }
  }
  if (s.numUsers < 1 || s.numItems < 2 || s.numInteractions < 1)
  {
    add(out, "dataset",
        "the dataset needs at least 1 user, 2 items and 1 interaction to train (it has " +
            std::to_string(s.numUsers) + ", " + std::to_string(s.numItems) + ", " +
            std::to_string(s.numInteractions) + ")");
    return;
  }
  if (const std::string why = splitProblem(t.split, s.hasTimestamps);
      !why.empty() && !hasIssue(out, "train.split"))
  {
    add(out, "train.split", why);
  }
  const int64_t cold = coldItemCount(s.numItems, t.coldItemShare);
  if (t.coldItemShare > 0 && m.task == Task::Ranking && (cold < 1 || s.numItems - cold < 2))
  {
    add(out, "train.cold_item_share",
        "a share of " + number(t.coldItemShare) + " of " + std::to_string(s.numItems) +
            " items holds out " + std::to_string(cold) +
            " item(s); the protocol needs at least 1 cold and 2 warm items");
  }
  if (m.task == Task::Ranking && t.evalK > s.numItems)
  {
    add(out, "train.eval_k",
        "K = " + std::to_string(t.evalK) + " is larger than the catalogue (" +
            std::to_string(s.numItems) + " items)");
  }
  if (m.task == Task::Ranking && t.sampledEval && s.numItems < 101)
  {
    add(out, "train.sampled_eval",
        "the 100-sampled-negatives protocol needs at least 101 items; this catalogue has " +
            std::to_string(s.numItems) + " (use full ranking)");
  }
  const Loss loss = effectiveLoss(c, s.numItems);
  bool sampledLoss = m.task == Task::Ranking && (loss == Loss::Bce || loss == Loss::Bpr);
  if (sampledLoss && t.negatives >= s.numItems && !hasIssue(out, "train.negatives"))
  {
    add(out, "train.negatives",
        std::to_string(t.negatives) + " negatives per positive need a catalogue of more items (" +
            std::to_string(s.numItems) + ")");
  }
}

}  // namespace

std::vector<ConfigIssue> validate(const RunConfig& c, const DatasetSchema* schema)
{
  std::vector<ConfigIssue> out;
  const ModelConfig& m = c.model;
  const TrainConfig& t = c.train;

  // Rules with a specific explanation come first; the generic range check skips their fields.
  if (m.historyLength < 0)
  {
    add(out, "model.history_length",
        "the history length must be at least 0 (0 = no history; got " +
            std::to_string(m.historyLength) + ")");
  }
  if (!(t.lr > 0))
  {
    add(out, "train.lr", "the learning rate must be greater than 0 (got " + number(t.lr) + ")");
  }
  if (t.batchSize < 1)
  {
    add(out, "train.batch_size",
        "the batch size must be at least 1 (got " + std::to_string(t.batchSize) + ")");
  }
  if (m.heads >= 1 && m.dim >= 1 && m.dim % m.heads != 0)
  {
    add(out, "model.heads",
        "the embedding width model.dim = " + std::to_string(m.dim) + " is not divisible by " +
            std::to_string(m.heads) + " heads");
  }
  bool ranking = m.task == Task::Ranking;
  if (ranking && m.scorer == Scorer::Dot && t.loss != Loss::Auto && t.loss != Loss::Softmax &&
      t.loss != Loss::SampledSoftmax)
  {
    add(out, "train.loss",
        "loss '" + wordOf(t.loss) +
            "' needs the mlp scorer; the dot scorer trains with softmax or "
            "sampled_softmax");
  }
  if (ranking && m.scorer == Scorer::Mlp && t.loss != Loss::Auto && t.loss != Loss::Bce &&
      t.loss != Loss::Bpr)
  {
    add(out, "train.loss",
        "loss '" + wordOf(t.loss) +
            "' needs the dot scorer; the mlp scorer trains with bce or bpr");
  }
  const Loss loss = effectiveLoss(c);
  bool sampledLoss = ranking && (loss == Loss::Bce || loss == Loss::Bpr);  // per-positive negatives
  if (sampledLoss && t.negatives < 1)
  {
    add(out, "train.negatives",
        "loss '" + wordOf(t.loss) + "' samples negatives and needs at least 1 per positive (got " +
            std::to_string(t.negatives) + ")");
  }
  if (m.scorer == Scorer::Dot)
  {
    for (const auto& f : configFields())
    {
      if (f.appliesWhen == "model.scorer=mlp" && getValue(c, f.key) != f.defaultValue)
      {
        add(out, f.key,
            "only the mlp scorer uses this option, and model.scorer is dot (reset it to " +
                f.defaultValue.dump() + " or choose the mlp scorer)");
      }
    }
  }
  std::string metric = t.earlyStopMetric;
  std::set<std::string> allowed;
  switch (m.task)
  {
    case Task::Ranking:
      allowed = {"auto", "ndcg", "hr", "mrr", "recall"};
      break;
    case Task::Ctr:
      allowed = {"auto", "auc", "logloss"};
      break;
    case Task::Rating:
      allowed = {"auto", "rmse", "mae"};
      break;
  }
  if (!allowed.empty() && !allowed.count(metric) && !hasIssue(out, "train.early_stop_metric"))
  {
    std::string list;
    for (const auto& a : allowed)
    {
      list += (list.empty() ? "" : ", ") + a;
    }
    add(out, "train.early_stop_metric",
        "'" + metric + "' is not measured for task " + wordOf(m.task) + " (choose " + list + ")");
  }
  if (t.coldItemShare > 0 && !ranking)
  {
    add(out, "train.cold_item_share",
        "the cold-item protocol ranks held-out items by content and needs task ranking (the "
        "task is " +
            wordOf(m.task) + "); set it to 0");
  }
  checkDescriptors(c, out);
  if (schema)
  {
    checkSchema(c, *schema, out);
  }
  return out;
}

std::string formatIssues(const std::vector<ConfigIssue>& issues)
{
  std::string s;
  for (const auto& i : issues)
  {
    s += (s.empty() ? "" : "\n") + i.message;
  }
  return s;
}

std::vector<int> selectedFields(const ModelConfig& m, const DatasetSchema& s, FieldEntity entity)
{
  if (!m.sideFeatures)
  {
    return {};
  }
  const auto& fields = s.fields(entity);
  const auto& include = includeList(m, entity);
  std::vector<int> out;
  for (size_t i = 0; i < fields.size(); ++i)
  {
    const std::string& name = fields[i].name;
    bool in = include.empty();
    for (const auto& raw : include)
    {
      auto q = splitQualified(raw);
      in = in || ((q.first.empty() || q.first == entityPrefix(entity)) && q.second == name);
    }
    for (const auto& raw : m.excludeFields)
    {
      auto q = splitQualified(raw);
      if ((q.first.empty() || q.first == entityPrefix(entity)) && q.second == name)
      {
        in = false;
      }
    }
    if (in)
    {
      out.push_back(static_cast<int>(i));
    }
  }
  return out;
}

}  // namespace m6
