// Bottleneck adapters for parameter-efficient adaptation (private to model/).
//
// x + up(gelu(down(x))), with `up` initialised to zero, so a network with fresh adapters computes
// exactly what it computed without them: an adapted run starts from its parent's behaviour and
// the adapters learn only the difference. Width r adds 2*d*r + r + d parameters per adapter.
//
// Registered names: "down", "up".
//
// Thread affinity: a module is used by one thread at a time (the one that trains or evaluates).
#pragma once

#include <torch/torch.h>

namespace m6
{

class AdapterImpl : public torch::nn::Module
{
 public:
  AdapterImpl(int64_t dim, int64_t width);

  /// x [..., d] -> [..., d].
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Linear down_{nullptr};
  torch::nn::Linear up_{nullptr};
};
TORCH_MODULE(Adapter);

}  // namespace m6
