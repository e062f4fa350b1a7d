#include "model/softmax_loss.h"

namespace m6
{

namespace
{

// Probabilities from here up keep their relative precision in float (the normal range starts at
// about 1.2e-38); below, -log(p) would lose digits or become infinite.
constexpr float kSmallestSafe = 1e-30f;

struct SoftmaxCrossEntropy : public torch::autograd::Function<SoftmaxCrossEntropy>
{
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& logits,
                               const torch::Tensor& targets)
  {
    torch::Tensor probs = torch::softmax(logits, 1);
    ctx->save_for_backward({probs, targets});
    // A row's loss is -log of its target's probability, unless that probability underflows (a
    // target far below its row): then the log-sum-exp comes from the softmax at the row's
    // largest logit, which is at least 1/N. The two maxima are passes over all the logits,
    // so they are taken only for such a batch.
    const torch::Tensor rows = targets.unsqueeze(1);
    const torch::Tensor picked = probs.gather(1, rows).squeeze(1);
    if (picked.min().item<float>() > kSmallestSafe)
    {
      return -picked.log().mean();
    }
    const torch::Tensor logSumExp = logits.amax(1) - probs.amax(1).log();
    return (logSumExp - logits.gather(1, rows).squeeze(1)).mean();
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
