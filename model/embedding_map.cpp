#include "model/embedding_map.h"

#include <algorithm>

namespace m6
{

Projection2D projectPca(const torch::Tensor& x)
{
  Projection2D p;
  const int64_t n = x.size(0);
  p.x.assign(static_cast<size_t>(n), 0.0f);
  p.y.assign(static_cast<size_t>(n), 0.0f);
  if (n < 2 || x.size(1) < 1)
  {
    return p;
  }
  torch::NoGradGuard guard;
  torch::Tensor xd = x.to(torch::kFloat64);
  torch::Tensor centred = xd - xd.mean(0, true);
  torch::Tensor cov = torch::matmul(centred.t(), centred) / static_cast<double>(n - 1);
  auto eig = torch::linalg::eigh(cov, "L");  // ascending eigenvalues
  torch::Tensor values = std::get<0>(eig).clamp_min(0);
  torch::Tensor vectors = std::get<1>(eig);
  const int64_t d = values.size(0);
  p.totalVariance = values.sum().item<double>();
  const int64_t components = std::min<int64_t>(2, d);
  for (int64_t c = 0; c < components; ++c)
  {
    torch::Tensor v = vectors.select(1, d - 1 - c);
    int64_t largest = v.abs().argmax().item<int64_t>();
    if (v[largest].item<double>() < 0)
    {
      v = -v;
    }
    torch::Tensor coords = torch::matmul(centred, v).to(torch::kFloat32).contiguous();
    const float* src = coords.data_ptr<float>();
    std::copy(src, src + n, c == 0 ? p.x.begin() : p.y.begin());
    p.explained[c] = p.totalVariance > 0 ? values[d - 1 - c].item<double>() / p.totalVariance : 0.0;
  }
  return p;
}

EmbeddingTable embeddingTable(const torch::Tensor& x, const std::vector<std::string>& ids)
{
  EmbeddingTable t;
  torch::Tensor c = x.to(torch::kFloat32).contiguous();
  t.rows = c.size(0);
  t.cols = c.size(1);
  const float* src = c.data_ptr<float>();
  t.values.assign(src, src + t.rows * t.cols);
  t.ids = ids;
  t.titles.assign(static_cast<size_t>(t.rows), std::string());
  t.category.assign(static_cast<size_t>(t.rows), std::string());
  t.categoryCode.assign(static_cast<size_t>(t.rows), -1);
  return t;
}

std::vector<int32_t> userCategories(int64_t users, const std::vector<int32_t>& itemCategory,
                                    const std::vector<int64_t>& offsets,
                                    const std::vector<int32_t>& items)
{
  int32_t maxCode = -1;
  for (int32_t c : itemCategory)
  {
    maxCode = std::max(maxCode, c);
  }
  std::vector<int32_t> out(static_cast<size_t>(users), -1);
  std::vector<int64_t> counts(static_cast<size_t>(maxCode + 1), 0);
  for (int64_t u = 0; u < users && maxCode >= 0; ++u)
  {
    std::fill(counts.begin(), counts.end(), 0);
    for (int64_t j = offsets[static_cast<size_t>(u)]; j < offsets[static_cast<size_t>(u) + 1]; ++j)
    {
      int32_t c = itemCategory[static_cast<size_t>(items[static_cast<size_t>(j)])];
      if (c >= 0)
      {
        ++counts[static_cast<size_t>(c)];
      }
    }
    auto best = std::max_element(counts.begin(), counts.end());
    if (*best > 0)
    {
      out[static_cast<size_t>(u)] = static_cast<int32_t>(best - counts.begin());
    }
  }
  return out;
}

void setCategories(EmbeddingTable& t, const std::vector<int32_t>& codes,
                   const std::vector<std::string>& names, const std::string& field)
{
  t.categoryNames = names;
  t.categoryField = field;
  for (size_t r = 0; r < t.categoryCode.size() && r < codes.size(); ++r)
  {
    int32_t c = codes[r];
    bool known = c >= 0 && static_cast<size_t>(c) < names.size();
    t.categoryCode[r] = known ? c : -1;
    t.category[r] = known ? names[static_cast<size_t>(c)] : std::string();
  }
}

}  // namespace m6
