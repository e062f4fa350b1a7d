// Predictor::embeddings(): item tokens and user vectors with their PCA maps.
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
    std::vector<torch::Tensor> parts;
    for (int64_t start = 0; start < d.numUsers(); start += kUserBatch)
    {
      std::vector<QuerySpec> queries;
      for (int64_t u = start; u < std::min(d.numUsers(), start + kUserBatch); ++u)
      {
        queries.push_back(im.query(static_cast<int32_t>(u), {}));
      }
      UserSide side = im.scorer->userSide(queries);
      parts.push_back(s.net->dot() ? s.net->userVector(side) : side.u);
    }
    torch::Tensor users = parts.empty() ? torch::zeros({0, s.config.model.dim}) : torch::cat(parts);
    out.users = embeddingTable(users, d.userIds);
    std::vector<int64_t> offsets = {0};
    std::vector<int32_t> items;
    for (int64_t u = 0; u < d.numUsers(); ++u)
    {
      for (int64_t n = d.userStart[static_cast<size_t>(u)];
           n < s.split.trainEnd[static_cast<size_t>(u)]; ++n)
      {
        items.push_back(d.item[static_cast<size_t>(n)]);
      }
      offsets.push_back(static_cast<int64_t>(items.size()));
    }
    setCategories(out.users, userCategories(d.numUsers(), categories.codes, offsets, items),
                  categories.vocab, categories.name);
    if (options.projections)
    {
      out.userMap = projectPca(users);
    }
  }
  return out;
}

}  // namespace m6
