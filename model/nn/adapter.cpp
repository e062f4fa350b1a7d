#include "model/nn/adapter.h"

namespace m6
{

AdapterImpl::AdapterImpl(int64_t dim, int64_t width)
    : down_(register_module("down", torch::nn::Linear(dim, width))),
      up_(register_module("up", torch::nn::Linear(width, dim)))
{
  torch::NoGradGuard guard;
  up_->weight.zero_();
  up_->bias.zero_();
}

torch::Tensor AdapterImpl::forward(const torch::Tensor& x)
{
  return x + up_(torch::gelu(down_(x)));
}

}  // namespace m6
