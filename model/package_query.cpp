// ModelPackage's queries: recommend, explain, scoreAll and embeddings from a model file.
//
// A known user's query is rebuilt from the stored tensors exactly as the Predictor builds it from
// the dataset (the same rows, the same operations), so the scores are identical to the run's.
#include "model/embedding_map.h"
#include "model/features.h"
#include "model/package_impl.h"

namespace m6
{

namespace
{

constexpr int64_t kUserBatch = 256;

void applyOverride(std::vector<torch::Tensor>& context, int column, int64_t value)
{
  if (column >= 0 && value >= 0)
  {
    context[static_cast<size_t>(column)][0] = value;
  }
}

void checkContext(const ContextOverride& o)
{
  if (o.hourOfDay > 23 || o.dayOfWeek > 6)
  {
    throw std::out_of_range("context override: hour must be 0-23 and day of week 0-6");
  }
}

// Known users' sides, in one batch.
UserSide knownSide(ModelPackage::Impl& im, const std::vector<int64_t>& users,
                   const ContextOverride& o)
{
  torch::Tensor index = torch::tensor(users);
  std::vector<torch::Tensor> userColumns;
  for (const auto& c : im.userColumns)
  {
    userColumns.push_back(c.index_select(0, index));
  }
  std::vector<torch::Tensor> context;
  for (const auto& c : im.contextRows)
  {
    context.push_back(c.index_select(0, index));
  }
  if (users.size() == 1)
  {
    applyOverride(context, im.hourColumn, o.hourOfDay >= 0 ? o.hourOfDay + 1 : -1);
    applyOverride(context, im.weekdayColumn, o.dayOfWeek >= 0 ? o.dayOfWeek + 1 : -1);
  }
  // The history as rows of the item-token table, as Session::userSide passes it, so the scores
  // are computed exactly as the run's own (split history projection included).
  torch::Tensor items = im.histItems.index_select(0, index);
  return im.net->userSide(index, userColumns, context, im.itemTokens, items,
                          im.histPad.index_select(0, index), im.histGaps.index_select(0, index));
}

}  // namespace

void ModelPackage::Impl::checkUser(int32_t user) const
{
  if (user < 0 || user >= static_cast<int64_t>(userIds.size()))
  {
    throw std::out_of_range("user index " + std::to_string(user) + " is outside the model (" +
                            std::to_string(userIds.size()) + " users)");
  }
}

void ModelPackage::Impl::checkItem(int32_t item) const
{
  if (item < 0 || item >= static_cast<int64_t>(itemIds.size()))
  {
    throw std::out_of_range("item index " + std::to_string(item) + " is outside the model (" +
                            std::to_string(itemIds.size()) + " items)");
  }
}

UserSide ModelPackage::Impl::side(int32_t user, const ContextOverride& o, const HistoryQuery* query,
                                  std::vector<int32_t>* historyItems)
{
  checkContext(query ? query->context : o);
  torch::NoGradGuard guard;
  const int64_t L = historyLength;
  historyItems->clear();
  if (!query)
  {
    checkUser(user);
    auto items = histItems[user];
    auto pad = histPad[user];
    for (int64_t j = 0; j < L; ++j)
    {
      if (!pad[j].item<bool>())
      {
        historyItems->push_back(static_cast<int32_t>(items[j].item<int64_t>()));
      }
    }
    return knownSide(*this, {user}, o);
  }
  // A user the model never saw: content-only user token, no context fields but the time.
  const HistoryQuery& q = *query;
  if (!q.timestamps.empty() && q.timestamps.size() != q.items.size())
  {
    throw std::invalid_argument("history: " + std::to_string(q.timestamps.size()) +
                                " timestamps for " + std::to_string(q.items.size()) + " items");
  }
  std::vector<int32_t> known;
  std::vector<int64_t> times;
  std::string unknown;
  for (size_t i = 0; i < q.items.size(); ++i)
  {
    auto found = itemIndex.find(q.items[i]);
    if (found == itemIndex.end())
    {
      unknown += (unknown.empty() ? "" : ", ") + q.items[i];
      continue;
    }
    known.push_back(found->second);
    times.push_back(q.timestamps.empty() ? HistoryQuery::kNoTime : q.timestamps[i]);
  }
  if (!unknown.empty() && !q.ignoreUnknownItems)
  {
    throw std::invalid_argument("history: item(s) the model does not know: " + unknown);
  }
  const int64_t count = std::min<int64_t>(L, static_cast<int64_t>(known.size()));
  const size_t first = known.size() - static_cast<size_t>(count);
  const int64_t last = known.empty() ? HistoryQuery::kNoTime : times.back();
  const int64_t ref = q.timestamp != HistoryQuery::kNoTime ? q.timestamp : last;
  torch::Tensor items = torch::zeros({1, L}, torch::kInt64);
  torch::Tensor pad = torch::ones({1, L}, torch::kBool);
  torch::Tensor gaps = torch::zeros({1, L}, torch::kInt64);
  for (int64_t j = 0; j < count; ++j)
  {
    const size_t i = first + static_cast<size_t>(j);
    const int64_t slot = L - count + j;
    items[0][slot] = known[i];
    pad[0][slot] = false;
    if (ref != HistoryQuery::kNoTime && times[i] != HistoryQuery::kNoTime)
    {
      gaps[0][slot] = recencyBucket(ref - times[i]);
    }
    historyItems->push_back(known[i]);
  }
  const int64_t missing = static_cast<int64_t>(userIds.size());
  torch::Tensor row = torch::tensor(std::vector<int64_t>{missing});
  std::vector<torch::Tensor> userCols;
  for (const auto& c : userColumns)
  {
    userCols.push_back(c.index_select(0, row));
  }
  std::vector<torch::Tensor> context;
  for (const auto& c : contextRows)
  {
    context.push_back(c.index_select(0, row));
  }
  if (q.timestamp != HistoryQuery::kNoTime)
  {
    applyOverride(context, hourColumn, hourOfDay(q.timestamp) + 1);
    applyOverride(context, weekdayColumn, dayOfWeek(q.timestamp) + 1);
    if (last != HistoryQuery::kNoTime)
    {
      applyOverride(context, recencyColumn, recencyBucket(q.timestamp - last));
    }
  }
  applyOverride(context, hourColumn, q.context.hourOfDay >= 0 ? q.context.hourOfDay + 1 : -1);
  applyOverride(context, weekdayColumn, q.context.dayOfWeek >= 0 ? q.context.dayOfWeek + 1 : -1);
  return net->userSide(torch::Tensor(), userCols, context, itemTokens, items.reshape({1, L}), pad,
                       gaps);
}

std::vector<float> ModelPackage::Impl::scores(const UserSide& s)
{
  torch::NoGradGuard guard;
  torch::Tensor out = net->scoreCatalogue(s, itemTokens).to(torch::kFloat32).contiguous();
  const float* p = out.data_ptr<float>();
  return std::vector<float>(p, p + out.size(1));
}

Explanation ModelPackage::Impl::explain(const UserSide& s, const std::vector<int32_t>& history,
                                        int32_t item)
{
  checkItem(item);
  torch::NoGradGuard guard;
  torch::Tensor cand = itemTokens.narrow(0, item, 1).unsqueeze(0);
  std::vector<torch::Tensor> weights;
  Explanation e;
  e.score = net->scoreCandidates(s, cand, &weights).item<float>();
  e.tokens = {"user", "context"};
  e.tokenItem = {-1, -1};
  for (int32_t i : history)
  {
    std::string label = itemIds[static_cast<size_t>(i)];
    if (!itemTitles[static_cast<size_t>(i)].empty())
    {
      label += " " + itemTitles[static_cast<size_t>(i)];
    }
    e.tokens.push_back(label);
    e.tokenItem.push_back(i);
  }
  const int64_t L = historyLength;
  const int64_t count = static_cast<int64_t>(history.size());
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
        row.push_back(p[2 + L - count + j]);
      }
      heads.push_back(std::move(row));
    }
    e.weights.push_back(std::move(heads));
  }
  return e;
}

std::vector<Recommendation> ModelPackage::Impl::top(const std::vector<float>& s, int k,
                                                    const std::vector<uint8_t>& excluded)
{
  std::vector<Recommendation> out;
  for (int32_t item : topK(s.data(), static_cast<int64_t>(s.size()), k, excluded.data()))
  {
    out.push_back({item, s[static_cast<size_t>(item)], cold[static_cast<size_t>(item)] != 0});
  }
  return out;
}

std::vector<Recommendation> ModelPackage::recommend(int32_t user, int k, ContextOverride context,
                                                    const std::vector<uint8_t>* allowedItems)
{
  std::vector<int32_t> history;
  std::vector<float> s = impl_->scores(impl_->side(user, context, nullptr, &history));
  if (allowedItems && allowedItems->size() != s.size())
  {
    throw std::invalid_argument("recommend: the item filter has " +
                                std::to_string(allowedItems->size()) + " flags for " +
                                std::to_string(s.size()) + " items");
  }
  std::vector<uint8_t> excluded(s.size(), 0);
  for (size_t i = 0; allowedItems && i < s.size(); ++i)
  {
    excluded[i] = (*allowedItems)[i] ? 0 : 1;
  }
  for (int32_t i : trainingItems(user))
  {
    excluded[static_cast<size_t>(i)] = 1;
  }
  return impl_->top(s, k, excluded);
}

Explanation ModelPackage::explain(int32_t user, int32_t item, ContextOverride context)
{
  std::vector<int32_t> history;
  UserSide s = impl_->side(user, context, nullptr, &history);
  return impl_->explain(s, history, item);
}

std::vector<float> ModelPackage::scoreAll(int32_t user, ContextOverride context)
{
  std::vector<int32_t> history;
  return impl_->scores(impl_->side(user, context, nullptr, &history));
}

std::vector<Recommendation> ModelPackage::recommend(const std::string& userId, int k,
                                                    ContextOverride context)
{
  int32_t u = userIndex(userId);
  if (u < 0)
  {
    throw std::invalid_argument("the model does not know user '" + userId +
                                "' (give their history instead)");
  }
  return recommend(u, k, context);
}

Explanation ModelPackage::explain(const std::string& userId, const std::string& itemId,
                                  ContextOverride context)
{
  int32_t u = userIndex(userId);
  int32_t i = itemIndex(itemId);
  if (u < 0 || i < 0)
  {
    throw std::invalid_argument(std::string("the model does not know ") +
                                (u < 0 ? "user '" + userId : "item '" + itemId) + "'");
  }
  return explain(u, i, context);
}

std::vector<Recommendation> ModelPackage::recommend(const HistoryQuery& query, int k,
                                                    const std::vector<uint8_t>* allowedItems)
{
  std::vector<int32_t> history;
  std::vector<float> s = impl_->scores(impl_->side(-1, {}, &query, &history));
  if (allowedItems && allowedItems->size() != s.size())
  {
    throw std::invalid_argument("recommend: the item filter has the wrong size");
  }
  std::vector<uint8_t> excluded(s.size(), 0);
  for (size_t i = 0; allowedItems && i < s.size(); ++i)
  {
    excluded[i] = (*allowedItems)[i] ? 0 : 1;
  }
  for (const auto& id : query.items)
  {
    int32_t i = itemIndex(id);
    if (i >= 0)
    {
      excluded[static_cast<size_t>(i)] = 1;
    }
  }
  return impl_->top(s, k, excluded);
}

Explanation ModelPackage::explain(const HistoryQuery& query, const std::string& itemId)
{
  int32_t i = itemIndex(itemId);
  if (i < 0)
  {
    throw std::invalid_argument("the model does not know item '" + itemId + "'");
  }
  std::vector<int32_t> history;
  UserSide s = impl_->side(-1, {}, &query, &history);
  return impl_->explain(s, history, i);
}

std::vector<float> ModelPackage::scoreAll(const HistoryQuery& query)
{
  std::vector<int32_t> history;
  return impl_->scores(impl_->side(-1, {}, &query, &history));
}

Embeddings ModelPackage::embeddings(const EmbeddingOptions& options)
{
  Impl& im = *impl_;
  torch::NoGradGuard guard;
  Embeddings out;
  out.userVectorKind = im.net->dot() ? "dot: user vector after fusion" : "mlp: user token";
  if (options.items)
  {
    out.items = embeddingTable(im.itemTokens, im.itemIds);
    out.items.titles = im.itemTitles;
    setCategories(out.items, im.itemCategoryCode, im.categoryNames, im.categoryField);
    if (options.projections)
    {
      out.itemMap = projectPca(im.itemTokens);
    }
  }
  if (options.users)
  {
    const int64_t nU = numUsers();
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < nU; start += kUserBatch)
    {
      std::vector<int64_t> users;
      for (int64_t u = start; u < std::min(nU, start + kUserBatch); ++u)
      {
        users.push_back(u);
      }
      UserSide side = knownSide(im, users, {});
      parts.push_back(im.net->dot() ? im.net->userVector(side) : side.u);
    }
    torch::Tensor u = parts.empty() ? torch::zeros({0, im.config.model.dim}) : torch::cat(parts);
    out.users = embeddingTable(u, im.userIds);
    setCategories(out.users,
                  userCategories(nU, im.itemCategoryCode, im.trainOffsets, im.trainItems),
                  im.categoryNames, im.categoryField);
    if (options.projections)
    {
      out.userMap = projectPca(u);
    }
  }
  return out;
}

ModelPackage::ModelPackage(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ModelPackage::~ModelPackage() = default;

const std::string& ModelPackage::path() const
{
  return impl_->path;
}

int ModelPackage::formatVersion() const
{
  return impl_->version;
}

const ModelCard& ModelPackage::card() const
{
  return impl_->card;
}

const RunConfig& ModelPackage::config() const
{
  return impl_->config;
}

int64_t ModelPackage::numUsers() const
{
  return static_cast<int64_t>(impl_->userIds.size());
}

int64_t ModelPackage::numItems() const
{
  return static_cast<int64_t>(impl_->itemIds.size());
}

const std::vector<std::string>& ModelPackage::userIds() const
{
  return impl_->userIds;
}

const std::vector<std::string>& ModelPackage::itemIds() const
{
  return impl_->itemIds;
}

const std::vector<std::string>& ModelPackage::itemTitles() const
{
  return impl_->itemTitles;
}

const std::vector<std::string>& ModelPackage::itemCategories() const
{
  return impl_->itemCategory;
}

const std::string& ModelPackage::categoryField() const
{
  return impl_->categoryField;
}

const std::vector<uint8_t>& ModelPackage::coldItems() const
{
  return impl_->cold;
}

int32_t ModelPackage::userIndex(const std::string& id) const
{
  auto it = impl_->userIndex.find(id);
  return it == impl_->userIndex.end() ? -1 : it->second;
}

int32_t ModelPackage::itemIndex(const std::string& id) const
{
  auto it = impl_->itemIndex.find(id);
  return it == impl_->itemIndex.end() ? -1 : it->second;
}

std::vector<int32_t> ModelPackage::trainingItems(int32_t user) const
{
  impl_->checkUser(user);
  const auto u = static_cast<size_t>(user);
  return std::vector<int32_t>(impl_->trainItems.begin() + impl_->trainOffsets[u],
                              impl_->trainItems.begin() + impl_->trainOffsets[u + 1]);
}

}  // namespace m6
