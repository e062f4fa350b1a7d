// Predictor::embeddings(): item tokens and user vectors with their PCA maps.
#include <numeric>

#include "model/embedding_map.h"
#include "model/features.h"
#include "model/predictor_impl.h"

namespace m6
{

namespace
{

constexpr int64_t kUserBatch = 256;

}  // namespace

Embeddings Predictor::embeddings(const EmbeddingOptions& options)
{
  Impl& im = *impl_;
  Session& s = *im.session;
  const DatasetSnapshot& d = im.data();
  torch::NoGradGuard guard;
  s.net->eval();
  ItemCategoryField categories = itemCategoryField(d);
  Embeddings out;
  out.userVectorKind = s.net->dot() ? "dot: user vector after fusion" : "mlp: user token";
  if (options.items)
  {
    out.items = embeddingTable(im.scorer->itemTokens(), d.itemIds);
    for (size_t i = 0; i < out.items.titles.size() && i < d.itemTitles.size(); ++i)
    {
      out.items.titles[i] = d.itemTitles[i];
    }
    setCategories(out.items, categories.codes, categories.vocab, categories.name);
    if (options.projections)
    {
      out.itemMap = projectPca(im.scorer->itemTokens());
    }
  }
  if (options.users)
  {
    std::vector<int32_t> rows = options.userRows;
    if (rows.empty())
    {
      rows.resize(static_cast<size_t>(d.numUsers()));
      std::iota(rows.begin(), rows.end(), 0);
    }
    std::vector<torch::Tensor> parts;
    for (size_t start = 0; start < rows.size(); start += kUserBatch)
    {
      std::vector<QuerySpec> queries;
      for (size_t r = start; r < std::min(rows.size(), start + kUserBatch); ++r)
      {
        queries.push_back(im.query(rows[r], {}));
      }
      UserSide side = im.scorer->userSide(queries);
      parts.push_back(s.net->dot() ? s.net->userVector(side) : side.u);
    }
    torch::Tensor users = parts.empty() ? torch::zeros({0, s.config.model.dim}) : torch::cat(parts);
    std::vector<std::string> ids;
    ids.reserve(rows.size());
    std::vector<int64_t> offsets = {0};
    std::vector<int32_t> items;
    for (int32_t u : rows)
    {
      ids.push_back(d.userIds[static_cast<size_t>(u)]);
      for (int64_t n = d.userStart[static_cast<size_t>(u)];
           n < s.split.trainEnd[static_cast<size_t>(u)]; ++n)
      {
        items.push_back(d.item[static_cast<size_t>(n)]);
      }
      offsets.push_back(static_cast<int64_t>(items.size()));
    }
    out.users = embeddingTable(users, ids);
    if (!options.userRows.empty())
    {
      out.users.index = rows;
    }
    setCategories(
        out.users,
        userCategories(static_cast<int64_t>(rows.size()), categories.codes, offsets, items),
        categories.vocab, categories.name);
    if (options.projections)
    {
      out.userMap = projectPca(users);
    }
  }
  return out;
}

}  // namespace m6
