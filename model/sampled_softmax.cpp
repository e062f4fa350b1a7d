#include "model/sampled_softmax.h"

namespace m6
{

SampledSoftmaxCandidates sampledSoftmaxCandidates(const torch::Tensor& targets,
                                                  const torch::Tensor& shared,
                                                  const torch::Tensor& samplerProb,
                                                  const torch::Tensor& targetProb)
{
  const int64_t b = targets.size(0);
  const int64_t m = shared.size(0);
  auto unique = torch::_unique(torch::cat({targets, shared}), /*sorted=*/true,
                               /*return_inverse=*/true);
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
