// Predictor of engine.h: a trained network loaded for recommend / explain / scoreAll.
#include <stdexcept>

#include "model/checkpoint.h"
#include "model/core/dataset_schema.h"
#include "model/predictor_impl.h"
#include "model/threads.h"

namespace m6
{

void Predictor::Impl::checkUser(int32_t user) const
{
  if (user < 0 || user >= data().numUsers())
  {
    throw std::out_of_range("user index " + std::to_string(user) + " is outside the dataset (" +
                            std::to_string(data().numUsers()) + " users)");
  }
}

void Predictor::Impl::checkItem(int32_t item) const
{
  if (item < 0 || item >= data().numItems())
  {
    throw std::out_of_range("item index " + std::to_string(item) + " is outside the dataset (" +
                            std::to_string(data().numItems()) + " items)");
  }
}

QuerySpec Predictor::Impl::query(int32_t user, const ContextOverride& o) const
{
  checkUser(user);
  const Split& split = session->split;
  QuerySpec q;
  q.user = user;
  q.historyEnd = split.trainEnd[static_cast<size_t>(user)];
  int64_t test = split.testIndex[static_cast<size_t>(user)];
  int64_t last = data().userStart[static_cast<size_t>(user) + 1] - 1;
  q.contextRow =
      test >= 0 ? test : (last >= data().userStart[static_cast<size_t>(user)] ? last : -1);
  if (o.hourOfDay > 23 || o.dayOfWeek > 6)
  {
    throw std::out_of_range("context override: hour must be 0-23 and day of week 0-6");
  }
  q.hourOverride = o.hourOfDay;
  q.dayOverride = o.dayOfWeek;
  return q;
}

std::vector<float> Predictor::Impl::scores(int32_t user, const ContextOverride& o)
{
  torch::Tensor s = scorer->scoreCatalogue({query(user, o)}).to(torch::kFloat32).contiguous();
  const float* p = s.data_ptr<float>();
  return std::vector<float>(p, p + s.size(1));
}

std::string itemLabel(const DatasetSnapshot& d, int32_t i)
{
  std::string label = d.itemIds[static_cast<size_t>(i)];
  if (static_cast<size_t>(i) < d.itemTitles.size() && !d.itemTitles[static_cast<size_t>(i)].empty())
  {
    label += " " + d.itemTitles[static_cast<size_t>(i)];
  }
  return label;
}

Predictor::Predictor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Predictor::~Predictor() = default;

std::unique_ptr<Predictor> Predictor::open(const std::string& path, const DatasetSnapshot& snapshot,
                                           const RunConfig& config)
{
  return open(path, std::make_shared<const DatasetSnapshot>(snapshot), config);
}

std::unique_ptr<Predictor> Predictor::open(const std::string& path,
                                           std::shared_ptr<const DatasetSnapshot> snapshot,
                                           const RunConfig& config)
{
  if (!snapshot)
  {
    throw std::invalid_argument("Predictor::open: no dataset snapshot");
  }
  DatasetSchema schema = DatasetSchema::fromSnapshot(*snapshot);
  auto issues = validate(config, &schema);
  if (!issues.empty())
  {
    throw std::invalid_argument(formatIssues(issues));
  }
  setComputeThreads(config.train.threads);
  auto impl = std::make_unique<Impl>();
  impl->path = resolveCheckpointPath(path);
  impl->snapshot = std::move(snapshot);
  impl->session = std::make_unique<Session>(*impl->snapshot, config);
  loadCheckpoint(impl->path, *impl->session, nullptr);
  impl->scorer = std::make_unique<ModelScorer>(*impl->session);
  impl->parameters = impl->session->parameterCount();
  return std::unique_ptr<Predictor>(new Predictor(std::move(impl)));
}

std::vector<Recommendation> Predictor::recommend(int32_t user, int k, ContextOverride context)
{
  return recommend(user, k, context, nullptr);
}

std::vector<Recommendation> Predictor::recommend(int32_t user, int k, ContextOverride context,
                                                 const std::vector<uint8_t>* allowedItems)
{
  const DatasetSnapshot& d = impl_->data();
  if (allowedItems && static_cast<int64_t>(allowedItems->size()) != d.numItems())
  {
    throw std::invalid_argument("recommend: the item filter has " +
                                std::to_string(allowedItems->size()) + " flags for " +
                                std::to_string(d.numItems()) + " items");
  }
  std::vector<float> s = impl_->scores(user, context);
  std::vector<uint8_t> excluded(s.size(), 0);
  if (allowedItems)
  {
    for (size_t i = 0; i < excluded.size(); ++i)
    {
      excluded[i] = (*allowedItems)[i] ? 0 : 1;
    }
  }
  for (int64_t n = d.userStart[static_cast<size_t>(user)];
       n < impl_->session->split.trainEnd[static_cast<size_t>(user)]; ++n)
  {
    excluded[static_cast<size_t>(d.item[static_cast<size_t>(n)])] = 1;
  }
  const auto& cold = impl_->session->coldItems;
  std::vector<Recommendation> out;
  for (int32_t item : topK(s.data(), static_cast<int64_t>(s.size()), k, excluded.data()))
  {
    out.push_back({item, s[static_cast<size_t>(item)], cold[static_cast<size_t>(item)] != 0});
  }
  return out;
}

const std::vector<uint8_t>& Predictor::coldItems() const
{
  return impl_->session->coldItems;
}

std::vector<float> Predictor::scoreAll(int32_t user, ContextOverride context)
{
  return impl_->scores(user, context);
}

Explanation Predictor::explain(int32_t user, int32_t item, ContextOverride context)
{
  const DatasetSnapshot& d = impl_->data();
  impl_->checkItem(item);
  QuerySpec q = impl_->query(user, context);
  torch::NoGradGuard guard;
  Session& s = *impl_->session;
  UserSide side = impl_->scorer->userSide({q});
  torch::Tensor cand = impl_->scorer->itemTokens().narrow(0, item, 1).unsqueeze(0);
  std::vector<torch::Tensor> weights;
  torch::Tensor score = s.net->scoreCandidates(side, cand, &weights);

  Explanation e;
  e.score = score.item<float>();
  e.tokens = {"user", "context"};
  e.tokenItem = {-1, -1};
  const int64_t len = s.config.model.historyLength;
  const int64_t start = std::max(d.userStart[static_cast<size_t>(user)], q.historyEnd - len);
  const int64_t count = q.historyEnd - start;
  for (int64_t n = start; n < q.historyEnd; ++n)
  {
    int32_t i = d.item[static_cast<size_t>(n)];
    e.tokens.push_back(itemLabel(d, i));
    e.tokenItem.push_back(i);
  }
  // Token slots: 0 user, 1 context, 2 + (len - count) .. 2 + len - 1 the real history items.
  for (const auto& w : weights)
  {
    torch::Tensor layer = w.select(0, 0).select(1, 0).to(torch::kFloat32).contiguous();  // [H, T]
    std::vector<std::vector<float>> heads;
    for (int64_t h = 0; h < layer.size(0); ++h)
    {
      const float* p = layer[h].data_ptr<float>();
      std::vector<float> row = {p[0], p[1]};
      for (int64_t j = 0; j < count; ++j)
      {
        row.push_back(p[2 + len - count + j]);
      }
      heads.push_back(std::move(row));
    }
    e.weights.push_back(std::move(heads));
  }
  return e;
}

const std::string& Predictor::checkpointPath() const
{
  return impl_->path;
}

int64_t Predictor::parameterCount() const
{
  return impl_->parameters;
}

}  // namespace m6
