#include "model/softmax_loss.h"

namespace m6
{

namespace
{

struct SoftmaxCrossEntropy : public torch::autograd::Function<SoftmaxCrossEntropy>
{
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& targets)
  {
    torch::Tensor probs = torch::softmax(logits, 1);
    // The log-sum-exp from the softmax at each row's largest logit: that probability is at least
    // 1/N, so its log never underflows however far below it the target's logit lies. Both
    // maxima are plain vectorised reductions (max with indices is a scalar loop).
    torch::Tensor logSumExp = logits.amax(1) - probs.amax(1).log();
    torch::Tensor picked = logits.gather(1, targets.unsqueeze(1)).squeeze(1);
    ctx->save_for_backward({probs, targets});
    return (logSumExp - picked).mean();
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads)
  {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor& probs = saved[0];
    const torch::Tensor& targets = saved[1];
    // d/dlogits of the mean: (softmax - one-hot of the target) / B, times the incoming gradient.
    torch::Tensor scale = grads[0] / static_cast<double>(probs.size(0));
    torch::Tensor grad = probs * scale;
    grad.scatter_add_(1, targets.unsqueeze(1), (-scale).expand({probs.size(0), 1}));
    return {grad, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor softmaxCrossEntropy(const torch::Tensor& logits, const torch::Tensor& targets)
{
  TORCH_CHECK(logits.dim() == 2 && logits.scalar_type() == torch::kFloat32,
              "softmaxCrossEntropy: float logits [rows, classes], not ", logits.sizes());
  TORCH_CHECK(targets.dim() == 1 && targets.scalar_type() == torch::kInt64 &&
                  targets.size(0) == logits.size(0),
              "softmaxCrossEntropy: one int64 target per row");
  return SoftmaxCrossEntropy::apply(logits, targets);
}

}  // namespace m6
