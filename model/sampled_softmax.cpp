#include "model/sampled_softmax.h"

#include <algorithm>

namespace m6
{

std::pair<torch::Tensor, torch::Tensor> uniqueItems(const torch::Tensor& ids,
                                                    std::vector<int32_t>& scratch)
{
  torch::Tensor flat = ids.reshape({-1}).to(torch::kInt64).contiguous();
  const int64_t n = flat.size(0);
  const int64_t* v = flat.data_ptr<int64_t>();
  std::vector<int64_t> distinct;
  for (int64_t i = 0; i < n; ++i)
  {
    const auto id = static_cast<size_t>(v[i]);
    if (id >= scratch.size())
    {
      scratch.resize(id + 1, -1);
    }
    if (scratch[id] < 0)
    {
      scratch[id] = 0;
      distinct.push_back(v[i]);
    }
  }
  std::sort(distinct.begin(), distinct.end());
  torch::Tensor values = torch::empty({static_cast<int64_t>(distinct.size())}, torch::kInt64);
  int64_t* out = values.data_ptr<int64_t>();
  for (size_t j = 0; j < distinct.size(); ++j)
  {
    out[j] = distinct[j];
    scratch[static_cast<size_t>(distinct[j])] = static_cast<int32_t>(j);
  }
  torch::Tensor inverse = torch::empty({n}, torch::kInt64);
  int64_t* inv = inverse.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i)
  {
    inv[i] = scratch[static_cast<size_t>(v[i])];
  }
  for (int64_t id : distinct)
  {
    scratch[static_cast<size_t>(id)] = -1;
  }
  return {values, inverse};
}

SampledSoftmaxCandidates sampledSoftmaxCandidates(const torch::Tensor& targets,
                                                  const torch::Tensor& shared,
                                                  const torch::Tensor& samplerProb,
                                                  const torch::Tensor& targetProb,
                                                  std::vector<int32_t>& scratch)
{
  const int64_t b = targets.size(0);
  const int64_t m = shared.size(0);
  auto unique = uniqueItems(torch::cat({targets, shared}), scratch);
  SampledSoftmaxCandidates c;
  c.items = std::get<0>(unique);
  c.labels = std::get<1>(unique).narrow(0, 0, b);
  torch::Tensor expected = samplerProb.index_select(0, c.items) * static_cast<double>(m) +
                           targetProb.index_select(0, c.items) * static_cast<double>(b);
  c.logExpected = expected.log();
  return c;
}

torch::Tensor sampledSoftmaxLoss(const torch::Tensor& scores, const SampledSoftmaxCandidates& c)
{
  return torch::nn::functional::cross_entropy(scores - c.logExpected.unsqueeze(0), c.labels);
}

}  // namespace m6
