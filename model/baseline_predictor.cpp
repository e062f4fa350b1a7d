#include "model/baseline_predictor.h"

#include <algorithm>
#include <filesystem>

#include "model/bpr.h"
#include "model/core/dataset_schema.h"
#include "model/item_baselines.h"
#include "model/threads.h"

namespace m6
{

struct BaselinePredictor::Impl
{
  std::string kind;
  // Shared with the caller (the workbench's snapshot store), or a copy this predictor owns.
  std::shared_ptr<const DatasetSnapshot> snapshot;
  BaselineData bd;
  std::unique_ptr<ScoreProvider> scorer;
  BprFactors factors;
  std::string file;
  bool retrained = false;
};

BaselinePredictor::BaselinePredictor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BaselinePredictor::~BaselinePredictor() = default;

std::unique_ptr<BaselinePredictor> BaselinePredictor::open(
    const std::string& kind, const DatasetSnapshot& snapshot, const RunConfig& config,
    const std::string& factorsDir, const TrainCallbacks& cb, const Json& params)
{
  return open(kind, std::make_shared<const DatasetSnapshot>(snapshot), config, factorsDir, cb,
              params);
}

std::unique_ptr<BaselinePredictor> BaselinePredictor::open(
    const std::string& kind, std::shared_ptr<const DatasetSnapshot> shared, const RunConfig& config,
    const std::string& factorsDir, const TrainCallbacks& cb, const Json& params)
{
  const auto& names = baselineNames();
  if (std::find(names.begin(), names.end(), kind) == names.end())
  {
    throw std::invalid_argument("baseline '" + kind + "' is not one of pop, bpr, itemknn, ease");
  }
  RunConfig rankingConfig = config;
  rankingConfig.model.task = Task::Ranking;
  rankingConfig.train.loss = Loss::Auto;
  rankingConfig.train.earlyStopMetric = "auto";
  DatasetSchema schema = DatasetSchema::fromSnapshot(*shared);
  auto issues = validate(rankingConfig, &schema);
  if (!issues.empty())
  {
    throw std::invalid_argument(formatIssues(issues));
  }
  setComputeThreads(config.train.threads);
  auto impl = std::make_unique<Impl>();
  impl->kind = kind;
  SplitView view = splitView(*shared, config.train);
  // A random split's reordered copy replaces the shared snapshot: the split indexes it.
  impl->snapshot = view.reordered ? view.reordered : std::move(shared);
  const DatasetSnapshot& snapshot = *impl->snapshot;
  impl->bd = baselineData(snapshot, std::move(view.split), config);
  if (kind == "pop")
  {
    impl->scorer = std::make_unique<PopularityScorer>(impl->bd.counts);
  }
  else if (kind == "itemknn" || kind == "ease")
  {
    const std::string skip = itemModelSkipReason(snapshot.numItems());
    if (!skip.empty())
    {
      throw std::runtime_error(baselineTitle(kind) + " " + skip);
    }
    torch::NoGradGuard noGrad;
    torch::Tensor gram = itemGram(snapshot, impl->bd);
    const bool given = params.isObject() && !params.asObject().empty();
    ItemModelFit fit =
        fitItemModel(kind, snapshot, impl->bd, gram, config, cb, given ? &params : nullptr);
    if (fit.weights.numel() == 0)
    {
      throw std::runtime_error(baselineTitle(kind) + ": fitting the model again was cancelled");
    }
    impl->scorer = std::make_unique<ItemItemScorer>(snapshot, fit.weights);
  }
  else
  {
    namespace fs = std::filesystem;
    std::error_code ec;
    const std::string path = factorsDir.empty() ? "" : (fs::path(factorsDir) / "bpr.pt").string();
    if (!path.empty() && fs::is_regular_file(path, ec))
    {
      impl->factors = loadBprFactors(path, snapshot);
      impl->file = path;
    }
    else
    {
      bool cancelled = false;
      // The setting validation chose when the run was recorded (the former fixed one before).
      impl->factors =
          trainBpr(snapshot, config, impl->bd, BprParams::fromJson(params), cb, &cancelled);
      if (cancelled || !impl->factors.complete)
      {
        throw std::runtime_error("BPR-MF: training the factors again was cancelled");
      }
      impl->retrained = true;
      impl->file = "(not saved)";
      if (!path.empty())
      {
        fs::create_directories(factorsDir, ec);
        saveBprFactors(path, impl->factors, config);
        impl->file = path;
      }
    }
    impl->scorer = std::make_unique<BprScorer>(impl->factors);
  }
  return std::unique_ptr<BaselinePredictor>(new BaselinePredictor(std::move(impl)));
}

std::vector<float> BaselinePredictor::scoreAll(int32_t user)
{
  if (user < 0 || user >= impl_->snapshot->numUsers())
  {
    throw std::out_of_range("user index " + std::to_string(user) + " is outside the dataset (" +
                            std::to_string(impl_->snapshot->numUsers()) + " users)");
  }
  QuerySpec q;
  q.user = user;
  q.historyEnd = impl_->bd.split.trainEnd[static_cast<size_t>(user)];  // item-item: the history
  torch::NoGradGuard noGrad;
  torch::Tensor s = impl_->scorer->scoreCatalogue({q}).to(torch::kFloat32).contiguous();
  const float* p = s.data_ptr<float>();
  return std::vector<float>(p, p + s.size(1));
}

std::vector<Recommendation> BaselinePredictor::recommend(int32_t user, int k,
                                                         const std::vector<uint8_t>* allowedItems)
{
  const DatasetSnapshot& d = *impl_->snapshot;
  if (allowedItems && static_cast<int64_t>(allowedItems->size()) != d.numItems())
  {
    throw std::invalid_argument("recommend: the item filter has " +
                                std::to_string(allowedItems->size()) + " flags for " +
                                std::to_string(d.numItems()) + " items");
  }
  std::vector<float> s = scoreAll(user);
  std::vector<uint8_t> excluded(s.size(), 0);
  for (size_t i = 0; allowedItems && i < excluded.size(); ++i)
  {
    excluded[i] = (*allowedItems)[i] ? 0 : 1;
  }
  for (int64_t n = d.userStart[static_cast<size_t>(user)];
       n < impl_->bd.split.trainEnd[static_cast<size_t>(user)]; ++n)
  {
    excluded[static_cast<size_t>(d.item[static_cast<size_t>(n)])] = 1;
  }
  std::vector<Recommendation> out;
  for (int32_t item : topK(s.data(), static_cast<int64_t>(s.size()), k, excluded.data()))
  {
    out.push_back(
        {item, s[static_cast<size_t>(item)], impl_->bd.cold[static_cast<size_t>(item)] != 0});
  }
  return out;
}

Explanation BaselinePredictor::explain(int32_t, int32_t)
{
  throw std::logic_error(explainUnavailableReason());
}

std::string BaselinePredictor::explainUnavailableReason() const
{
  if (impl_->kind == "itemknn" || impl_->kind == "ease")
  {
    return baselineTitle(impl_->kind) +
           " has no attention to show: its score for an item is a sum of learned item-to-item "
           "weights from the user's training items, with no context token";
  }
  if (impl_->kind == "pop")
  {
    return "most-popular has no attention to show: it ranks every user's items by their number "
           "of training interactions, whatever the user's history";
  }
  return "BPR-MF has no attention to show: its score is the dot product of one learned user "
         "vector and one item vector plus an item bias, with no history or context tokens";
}

const std::string& BaselinePredictor::kind() const
{
  return impl_->kind;
}

const std::string& BaselinePredictor::factorsFile() const
{
  return impl_->file;
}

bool BaselinePredictor::retrained() const
{
  return impl_->retrained;
}

}  // namespace m6
