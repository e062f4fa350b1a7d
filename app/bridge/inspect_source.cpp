#include "app/bridge/inspect_source.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "app/bridge/dataset_cache.h"
#include "model/baseline_predictor.h"
#include "model/core/split.h"
#include "model/core/text.h"
#include "model/package.h"
#include "storage/runs.h"

namespace m6
{

namespace
{

/// The item field shown as "category": the engine's choice (model/features.cpp): a categorical
/// field named category or genre, else the first categorical field, else the first multi-valued
/// field (its first value).
const FieldColumn* categoryColumn(const DatasetSnapshot& s)
{
  for (int pass = 0; pass < 3; ++pass)
  {
    for (const auto& f : s.itemFields)
    {
      const std::string name = lower(f.name);
      const bool named = name == "category" || name == "genre";
      if ((pass == 0 && f.kind == FieldKind::Categorical && named) ||
          (pass == 1 && f.kind == FieldKind::Categorical) ||
          (pass == 2 && f.kind == FieldKind::Multi))
      {
        return &f;
      }
    }
  }
  return nullptr;
}

void fillCategories(InspectCatalog& c)
{
  const DatasetSnapshot& s = *c.data;
  c.itemCategory.assign(static_cast<size_t>(s.numItems()), -1);
  const FieldColumn* cat = categoryColumn(s);
  if (cat)
  {
    c.categoryField = cat->name;
    c.categoryNames = cat->vocab;
    c.categoryMulti = cat->kind == FieldKind::Multi ? cat : nullptr;
    for (size_t i = 0; i < c.itemCategory.size(); ++i)
    {
      if (cat->kind == FieldKind::Categorical && i < cat->codes.size())
      {
        c.itemCategory[i] = cat->codes[i];
      }
      else if (cat->kind == FieldKind::Multi && i + 1 < cat->offsets.size() &&
               cat->offsets[i + 1] > cat->offsets[i])
      {
        c.itemCategory[i] = cat->codes[static_cast<size_t>(cat->offsets[i])];
      }
    }
  }
  for (const auto& f : s.itemFields)
  {
    if (f.kind == FieldKind::Multi && &f != cat)
    {
      c.tags = &f;
      break;
    }
  }
}

// Training interactions per item; the cold items of the cold-item protocol have none (training
// never sees them), so they read as "never seen in training".
void fillPopularity(InspectCatalog& c, const std::vector<uint8_t>& cold)
{
  const DatasetSnapshot& s = *c.data;
  c.popularity.assign(static_cast<size_t>(s.numItems()), 0);
  for (int64_t u = 0; u < s.numUsers(); ++u)
  {
    for (int64_t n = s.userStart[static_cast<size_t>(u)];
         n < c.split.trainEnd[static_cast<size_t>(u)]; ++n)
    {
      const size_t item = static_cast<size_t>(s.item[static_cast<size_t>(n)]);
      c.popularity[item] += item < cold.size() && cold[item] ? 0 : 1;
    }
  }
}

class PredictorSource : public InspectSource
{
 public:
  PredictorSource(std::unique_ptr<Predictor> p, bool usesContext)
      : p_(std::move(p)), usesContext_(usesContext)
  {
  }
  bool usesContext() const override { return usesContext_; }
  std::vector<Recommendation> recommend(int32_t user, int k, const ContextOverride& c,
                                        const std::vector<uint8_t>* allowed) override
  {
    return p_->recommend(user, k, c, allowed);
  }
  std::vector<float> scoreAll(int32_t user, const ContextOverride& c) override
  {
    return p_->scoreAll(user, c);
  }
  Explanation explain(int32_t user, int32_t item, const ContextOverride& c) override
  {
    return p_->explain(user, item, c);
  }
  Embeddings embeddings(const EmbeddingOptions& o) override { return p_->embeddings(o); }
  AttentionStats attentionStats(const AttentionStatsOptions& o,
                                const std::atomic<bool>* cancel) override
  {
    return p_->attentionStats(o, cancel);
  }
  std::string loadedFrom() const override { return p_->checkpointPath(); }

 private:
  std::unique_ptr<Predictor> p_;
  bool usesContext_ = true;
};

class BaselineSource : public InspectSource
{
 public:
  explicit BaselineSource(std::unique_ptr<BaselinePredictor> b) : b_(std::move(b)) {}
  std::vector<Recommendation> recommend(int32_t user, int k, const ContextOverride&,
                                        const std::vector<uint8_t>* allowed) override
  {
    return b_->recommend(user, k, allowed);
  }
  std::vector<float> scoreAll(int32_t user, const ContextOverride&) override
  {
    return b_->scoreAll(user);
  }
  Explanation explain(int32_t user, int32_t item, const ContextOverride&) override
  {
    return b_->explain(user, item);  // throws std::logic_error with the reason
  }
  bool hasAttention() const override { return false; }
  std::string noAttentionReason() const override { return b_->explainUnavailableReason(); }
  bool usesContext() const override { return false; }
  bool hasEmbeddings() const override { return false; }
  Embeddings embeddings(const EmbeddingOptions&) override
  {
    throw std::logic_error("a baseline run has no M6 embeddings to map; open a model run");
  }
  AttentionStats attentionStats(const AttentionStatsOptions&, const std::atomic<bool>*) override
  {
    throw std::logic_error(noAttentionReason());
  }
  std::string loadedFrom() const override
  {
    if (b_->kind() == "pop")
    {
      return "(counted from the training split)";
    }
    if (b_->kind() == "bpr")
    {
      return b_->factorsFile();
    }
    return "(fitted on the training split with the parameters validation chose)";
  }
  std::string openNote() const override
  {
    return b_->retrained()
               ? "BPR-MF factors trained again (same seed, same factors) and saved to " +
                     b_->factorsFile()
               : std::string();
  }

 private:
  std::unique_ptr<BaselinePredictor> b_;
};

class PackageSource : public InspectSource
{
 public:
  explicit PackageSource(std::unique_ptr<ModelPackage> p) : p_(std::move(p)) {}
  std::vector<Recommendation> recommend(int32_t user, int k, const ContextOverride& c,
                                        const std::vector<uint8_t>* allowed) override
  {
    return p_->recommend(user, k, c, allowed);
  }
  std::vector<float> scoreAll(int32_t user, const ContextOverride& c) override
  {
    return p_->scoreAll(user, c);
  }
  Explanation explain(int32_t user, int32_t item, const ContextOverride& c) override
  {
    return p_->explain(user, item, c);
  }
  Embeddings embeddings(const EmbeddingOptions& o) override { return p_->embeddings(o); }
  AttentionStats attentionStats(const AttentionStatsOptions&, const std::atomic<bool>*) override
  {
    throw std::logic_error(
        "attention across users needs the held-out test items of the dataset; open the run in "
        "its workspace for it");
  }
  std::string loadedFrom() const override { return p_->path(); }

 private:
  std::unique_ptr<ModelPackage> p_;
};

}  // namespace

bool InspectCatalog::hasCategory(int32_t item, int32_t code) const
{
  const size_t i = static_cast<size_t>(item);
  if (categoryMulti && i + 1 < categoryMulti->offsets.size())
  {
    for (int64_t j = categoryMulti->offsets[i]; j < categoryMulti->offsets[i + 1]; ++j)
    {
      if (categoryMulti->codes[static_cast<size_t>(j)] == code)
      {
        return true;
      }
    }
    return false;
  }
  return i < itemCategory.size() && itemCategory[i] == code;
}

std::string InspectCatalog::itemLabel(int32_t item) const
{
  std::string out;
  const size_t i = static_cast<size_t>(item);
  if (categoryMulti && i + 1 < categoryMulti->offsets.size())
  {
    for (int64_t j = categoryMulti->offsets[i]; j < categoryMulti->offsets[i + 1]; ++j)
    {
      const int32_t code = categoryMulti->codes[static_cast<size_t>(j)];
      if (code >= 0 && static_cast<size_t>(code) < categoryNames.size())
      {
        out += (out.empty() ? "" : "|") + categoryNames[static_cast<size_t>(code)];
      }
    }
  }
  else if (const int32_t code = itemCategory[i];
           code >= 0 && static_cast<size_t>(code) < categoryNames.size())
  {
    out = categoryNames[static_cast<size_t>(code)];
  }
  if (tags && static_cast<size_t>(item) + 1 < tags->offsets.size())
  {
    std::string list;
    for (int64_t j = tags->offsets[static_cast<size_t>(item)];
         j < tags->offsets[static_cast<size_t>(item) + 1]; ++j)
    {
      const int32_t t = tags->codes[static_cast<size_t>(j)];
      if (t >= 0 && static_cast<size_t>(t) < tags->vocab.size())
      {
        list += (list.empty() ? "" : ", ") + tags->vocab[static_cast<size_t>(t)];
      }
    }
    if (!list.empty())
    {
      out += (out.empty() ? "" : " · ") + list;
    }
  }
  return out;
}

bool InspectCatalog::isTarget(int32_t user, int32_t item, SplitPart part) const
{
  const std::pair<int64_t, int64_t> block = split.block(*data, user, part);
  for (int64_t n = block.first; n < block.second; ++n)
  {
    if (data->item[static_cast<size_t>(n)] == item)
    {
      return true;
    }
  }
  return false;
}

int32_t InspectCatalog::userIndex(const std::string& id) const
{
  const auto& ids = data->userIds;
  const auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? -1 : static_cast<int32_t>(it - ids.begin());
}

int32_t InspectCatalog::itemIndex(const std::string& id) const
{
  const auto& ids = data->itemIds;
  const auto it = std::find(ids.begin(), ids.end(), id);
  return it == ids.end() ? -1 : static_cast<int32_t>(it - ids.begin());
}

InspectCatalog catalogFromSnapshot(const DatasetSnapshot& snapshot, const RunConfig& config)
{
  InspectCatalog c;
  SplitView view = splitView(snapshot, config.train);
  c.owned = view.reordered;
  c.data = c.owned ? c.owned.get() : &snapshot;
  c.split = std::move(view.split);
  c.historyLength = config.model.historyLength;
  fillCategories(c);
  fillPopularity(c, coldItemMask(*c.data, config.train.coldItemShare));
  return c;
}

std::unique_ptr<InspectSource> openRunSource(const RunSourceRequest& r)
{
  namespace fs = std::filesystem;
  const RunRecord& run = r.run;
  std::error_code ec;
  if (run.kind == RunKind::M6)
  {
    const std::string label = "run " + std::to_string(run.id) + " (\"" + run.name + "\")";
    const fs::path folder(run.folder);
    if (!fs::is_regular_file(folder / "best.pt", ec) &&
        !fs::is_regular_file(folder / "last.pt", ec))
    {
      throw std::runtime_error("the checkpoint of " + label + " is missing: neither best.pt nor " +
                               "last.pt is in " + folder.string() +
                               ". It was deleted or never written; train the configuration again "
                               "(Use config on the Runs page) to inspect it.");
    }
    r.phase("Loading the model of " + label + "…");
    return predictorSource(Predictor::open(run.folder, r.data.shared, r.config),
                           r.config.model.timeContext && r.data.snapshot.hasTimestamps());
  }
  const std::string kind = baselineName(run.kind);
  if (kind == "bpr" && !fs::is_regular_file(fs::path(r.runFolder) / "bpr.pt", ec))
  {
    r.phase(
        "Training the BPR-MF factors again (they were not saved with the run; this takes a "
        "while once)…");
  }
  if (kind == "itemknn" || kind == "ease")
  {
    r.phase("Fitting " + baselineTitle(kind) + " on the training split…");
  }
  TrainCallbacks cb;
  cb.cancel = r.stop;
  const Json* params = run.summary.find("params");
  return baselineSource(BaselinePredictor::open(kind, r.data.shared, r.config, r.runFolder, cb,
                                                params ? *params : Json::object()));
}

std::unique_ptr<InspectSource> predictorSource(std::unique_ptr<Predictor> predictor,
                                               bool usesContext)
{
  return std::make_unique<PredictorSource>(std::move(predictor), usesContext);
}

std::unique_ptr<InspectSource> baselineSource(std::unique_ptr<BaselinePredictor> baseline)
{
  return std::make_unique<BaselineSource>(std::move(baseline));
}

std::unique_ptr<InspectSource> packageSource(std::unique_ptr<ModelPackage> package,
                                             InspectCatalog* catalog)
{
  // The file knows ids, titles, the category of each item and each known user's training
  // items: enough for the per-user view without the dataset (no features, ratings or dates).
  auto data = std::make_shared<DatasetSnapshot>();
  data->name = package->card().dataset;
  data->userIds = package->userIds();
  data->itemIds = package->itemIds();
  data->itemTitles = package->itemTitles();
  data->userStart.push_back(0);
  for (int32_t u = 0; u < static_cast<int32_t>(package->numUsers()); ++u)
  {
    for (int32_t item : package->trainingItems(u))
    {
      data->user.push_back(u);
      data->item.push_back(item);
    }
    data->userStart.push_back(static_cast<int64_t>(data->item.size()));
  }
  FieldColumn cat;
  cat.name = package->categoryField().empty() ? "category" : package->categoryField();
  cat.kind = FieldKind::Categorical;
  for (const std::string& value : package->itemCategories())
  {
    if (value.empty())
    {
      cat.codes.push_back(-1);
      continue;
    }
    auto it = std::find(cat.vocab.begin(), cat.vocab.end(), value);
    if (it == cat.vocab.end())
    {
      cat.vocab.push_back(value);
      it = cat.vocab.end() - 1;
    }
    cat.codes.push_back(static_cast<int32_t>(it - cat.vocab.begin()));
  }
  if (!cat.vocab.empty())
  {
    data->itemFields.push_back(std::move(cat));
  }
  InspectCatalog c;
  c.owned = data;
  c.data = data.get();
  // No held-out parts: every interaction (the given histories) is training.
  c.split.trainEnd.assign(data->userStart.begin() + 1, data->userStart.end());
  c.split.validEnd = c.split.trainEnd;
  c.split.validIndex.assign(static_cast<size_t>(data->numUsers()), -1);
  c.split.testIndex.assign(static_cast<size_t>(data->numUsers()), -1);
  c.split.part.assign(data->item.size(), SplitPart::Train);
  c.split.numTrain = static_cast<int64_t>(data->item.size());
  c.split.name.clear();
  c.historyLength = package->config().model.historyLength;
  c.hasProfiles = false;
  fillCategories(c);
  fillPopularity(c, package->coldItems());
  *catalog = std::move(c);
  return std::make_unique<PackageSource>(std::move(package));
}

}  // namespace m6
