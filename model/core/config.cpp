#include "model/core/config.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <initializer_list>
#include <set>
#include <sstream>
#include <stdexcept>

#include "model/core/config_fields.h"
#include "model/core/dataset_schema.h"
#include "model/core/text.h"

namespace m6
{

namespace
{

// Parses the text of a --set value into the JSON type the field wants.
Json parseSettingValue(const ConfigFieldInfo& f, const std::string& text)
{
  const std::string& key = f.key;
  switch (f.type)
  {
    case ConfigFieldType::Int:
    {
      size_t used = 0;
      long long v = 0;
      try
      {
        v = std::stoll(text, &used);
      }
      catch (const std::exception&)
      {
        used = 0;
      }
      if (text.empty() || used != text.size())
      {
        throw std::invalid_argument(key + ": expected an integer, got '" + text + "'");
      }
      return Json(v);
    }
    case ConfigFieldType::Double:
    {
      size_t used = 0;
      double v = 0;
      try
      {
        v = std::stod(text, &used);
      }
      catch (const std::exception&)
      {
        used = 0;
      }
      if (text.empty() || used != text.size() || !std::isfinite(v))
      {
        throw std::invalid_argument(key + ": expected a number, got '" + text + "'");
      }
      return Json(v);
    }
    case ConfigFieldType::Bool:
    {
      std::string t = lower(text);
      if (t == "true" || t == "1" || t == "yes" || t == "on")
      {
        return Json(true);
      }
      if (t == "false" || t == "0" || t == "no" || t == "off")
      {
        return Json(false);
      }
      throw std::invalid_argument(key + ": expected true or false, got '" + text + "'");
    }
    case ConfigFieldType::Enum:
      return Json(text);
    case ConfigFieldType::StringList:
    {
      Json a = Json::array();
      std::string item;
      std::istringstream is(text);
      while (std::getline(is, item, ','))
      {
        item = trim(item);
        if (!item.empty())
        {
          a.push_back(item);
        }
      }
      return a;
    }
  }
  return Json();
}

// A section written by toJson before `knob` existed: it names every knob of the first config
// format (toJson always writes them all) but not `knob`. A hand-written partial config names only
// some knobs and gets the current default.
bool writtenBefore(const Json* section, const char* knob, std::initializer_list<const char*> first)
{
  if (!section || !section->isObject() || section->find(knob))
  {
    return false;
  }
  for (const char* key : first)
  {
    if (!section->find(key))
    {
      return false;
    }
  }
  return true;
}

bool writtenBeforeTokenNorm(const Json* model)
{
  return writtenBefore(model, "token_norm",
                       {"dim", "merge", "id_embeddings", "history_length", "history_encoder",
                        "history_layers", "positional", "heads", "attention_layers",
                        "attention_dropout", "scorer", "mlp_layers", "task"});
}

// The same for train.sparse_rows: runs recorded before it updated every row of every table.
bool writtenBeforeSparseRows(const Json* train)
{
  return writtenBefore(train, "sparse_rows",
                       {"loss", "negatives", "sampling", "optimizer", "lr", "weight_decay",
                        "batch_size", "epochs", "grad_clip", "patience", "threads", "seed"});
}

}  // namespace

Json toJson(const RunConfig& config)
{
  Json j = Json::object();
  j["model"] = Json::object();
  j["train"] = Json::object();
  for (const auto& f : configFields())
  {
    size_t dot = f.key.find('.');
    j[f.key.substr(0, dot)][f.key.substr(dot + 1)] = getValue(config, f.key);
  }
  return j;
}

RunConfig fromJson(const Json& json)
{
  if (!json.isObject())
  {
    throw std::invalid_argument("config: expected a JSON object with \"model\" and \"train\"");
  }
  RunConfig c;
  if (writtenBeforeTokenNorm(json.find("model")))
  {
    c.model.tokenNorm = TokenNorm::Sum;
  }
  if (writtenBeforeSparseRows(json.find("train")))
  {
    c.train.sparseRows = SparseRows::Off;
  }
  for (const auto& section : json.asObject())
  {
    if (section.first != "model" && section.first != "train")
    {
      throw std::invalid_argument("config: unknown key '" + section.first +
                                  "' (expected \"model\" and \"train\")");
    }
    if (!section.second.isObject())
    {
      throw std::invalid_argument("config: '" + section.first + "' must be an object");
    }
    for (const auto& kv : section.second.asObject())
    {
      std::string key = section.first + "." + kv.first;
      bool known = false;
      for (const auto& f : configFields())
      {
        known = known || f.key == key;
      }
      if (!known)
      {
        throw std::invalid_argument("config: unknown key '" + key + "'");
      }
      setValue(c, key, kv.second);
    }
  }
  return c;
}

std::vector<std::string> presetNames()
{
  return {"quick", "balanced", "thorough", "sasrec-like"};
}

RunConfig preset(const std::string& name)
{
  RunConfig c;
  if (name == "quick")
  {
    // Minutes on a laptop for a first look: small width, short bag-of-items history.
    c.model.dim = 32;
    c.model.historyLength = 10;
    c.model.historyEncoder = HistoryKind::None;
    c.model.heads = 2;
    c.model.attentionLayers = 1;
    c.train.epochs = 3;
    c.train.batchSize = 256;
    c.train.lr = 2e-3;
    c.train.patience = 2;
  }
  else if (name == "balanced")
  {
    // The default above 150,000 interactions (auto, model/core/preset_choice.h), and about a
    // minute on the 100k demo at one thread. The history is
    // a bag with positional and time-gap embeddings, so the fusion attention itself has to pick
    // the informative history items (and the heatmap shows which); a GRU or Transformer history
    // encoder costs two to four times as much per epoch on the demo for no better NDCG.
    c.model.dim = 64;
    c.model.historyLength = 20;
    c.model.historyEncoder = HistoryKind::None;
    c.model.positional = true;
    c.model.heads = 2;
    c.model.attentionLayers = 1;
    c.train.epochs = 6;
    c.train.batchSize = 256;
    c.train.lr = 1e-3;
    // Three, not two: on ml-latest-small (610 validation users) NDCG@10 dips for two epochs and
    // then rises again often enough that patience 2 ended runs at epoch 4 that reached their best
    // at epoch 5 (seed 1 with the popularity prior: 0.0582 at epoch 2, stopped; 0.0737 at 5).
    c.train.patience = 3;
  }
  else if (name == "sasrec-like")
  {
    // A yardstick, not a recommendation: M6 reduced to what an id-only sequential model (SASRec)
    // sees: item ids through a Transformer layer over the last 20 items, no user, item or
    // context fields and no time context; beside a full M6 run it shows what the features and
    // the context add. The Transformer history costs several times the balanced preset's time
    // per example, hence one layer and ten epochs.
    c.model.dim = 64;
    c.model.sideFeatures = false;
    c.model.timeContext = false;
    c.model.historyLength = 20;
    c.model.historyEncoder = HistoryKind::Transformer;
    c.model.historyLayers = 1;
    c.model.positional = true;
    c.model.heads = 2;
    c.model.attentionLayers = 1;
    c.train.epochs = 10;
    c.train.batchSize = 256;
    c.train.lr = 1e-3;
    c.train.patience = 2;
  }
  else if (name == "thorough")
  {
    // Wider, a longer history and more heads: the default up to 150,000 interactions (auto,
    // model/core/preset_choice.h) and for final numbers. On ml-latest-small (seeds 1-3,
    // validation / test NDCG@10) the settings with two fusion layers reached 0.0769 / 0.0680
    // against balanced's 0.0707 / 0.0589, and their best epoch was the 4th to 6th whether the
    // cosine schedule spanned 6, 10 or 30 epochs (0.0772 / 0.0691 over 10; 30 stopped early at
    // 10), so six epochs, like balanced. Width 128 is what counts: the same settings at width 64
    // gave 0.0658 / 0.0611. One fusion layer, not two (ninth session, seeds 1-5, with the
    // sampled softmax below): ml-latest-small 0.0760 / 0.0702 against two layers' 0.0780 /
    // 0.0684, the demo 0.1163 / 0.0921 against 0.1184 / 0.0951, at 1.4x the examples/s;
    // history 20 instead of 50 lost on ml-latest-small (two layers: 0.0742 / 0.0635 over seeds
    // 1-2; one layer: 0.0723 / 0.0633 over 1-5). A Transformer history encoder on top would
    // double the cost again on a laptop; it stays a knob.
    c.model.dim = 128;
    c.model.historyLength = 50;
    c.model.historyEncoder = HistoryKind::None;
    c.model.positional = true;
    c.model.heads = 4;
    c.model.attentionLayers = 1;
    c.train.epochs = 6;
    c.train.batchSize = 256;
    c.train.lr = 1e-3;
    c.train.warmupSteps = 200;
    c.train.cosineDecay = true;
    c.train.patience = 4;
    // The sampled softmax from 1,000 items, not 10,000: at width 128 the full softmax's
    // catalogue product was most of a step. ml-latest-small (9,742 items), seeds 1-5: 0.0780 /
    // 0.0684 against the full softmax's 0.0775 / 0.0688 at 1.5x the examples/s; the demo (1,500
    // items), seeds 1-5: 0.1184 / 0.0951 against 0.1111 / 0.0906. Below about 1,000 items the
    // step's 1,024 shared negatives would cover the catalogue: the full softmax, exact and as fast.
    c.train.sampledSoftmaxFrom = 1000;
  }
  else
  {
    std::string list;
    for (const auto& n : presetNames())
    {
      list += (list.empty() ? "" : ", ") + n;
    }
    throw std::invalid_argument("unknown preset '" + name + "' (known: " + list + ")");
  }
  return c;
}

void applySetting(RunConfig& config, const std::string& assignment)
{
  size_t eq = assignment.find('=');
  if (eq == std::string::npos)
  {
    throw std::invalid_argument("'" + assignment + "': expected key=value");
  }
  std::string key = trim(assignment.substr(0, eq));
  std::string value = trim(assignment.substr(eq + 1));
  std::string error;
  const ConfigFieldInfo* f = findConfigField(key, &error);
  if (!f)
  {
    throw std::invalid_argument(error);
  }
  setValue(config, f->key, parseSettingValue(*f, value));
}

std::string effectiveStopMetric(const RunConfig& c)
{
  if (c.train.earlyStopMetric != "auto")
  {
    return c.train.earlyStopMetric;
  }
  switch (c.model.task)
  {
    case Task::Ctr:
      return "auc";
    case Task::Rating:
      return "rmse";
    case Task::Ranking:
      break;
  }
  return "ndcg";
}

Loss effectiveLoss(const RunConfig& c, int64_t numItems)
{
  if (c.model.task == Task::Ctr)
  {
    return Loss::Bce;
  }
  if (c.model.task == Task::Rating)
  {
    return Loss::Mse;
  }
  if (c.train.loss == Loss::Auto)
  {
    if (c.model.scorer == Scorer::Mlp)
    {
      return Loss::Bce;
    }
    return numItems > 0 && numItems >= c.train.sampledSoftmaxFrom ? Loss::SampledSoftmax
                                                                  : Loss::Softmax;
  }
  return c.train.loss;
}

std::string trainingLossNote(const RunConfig& c, int64_t numItems)
{
  if (c.model.task != Task::Ranking || effectiveLoss(c, numItems) != Loss::SampledSoftmax)
  {
    return "";
  }
  return "trained with sampled softmax (the batch's targets plus " +
         std::to_string(c.train.sharedNegatives) + " shared " + wordOf(c.train.sampling) +
         " negatives per step, logQ-corrected), not a full softmax";
}

bool higherIsBetter(const std::string& metric)
{
  return metric != "logloss" && metric != "rmse" && metric != "mae";
}

}  // namespace m6
