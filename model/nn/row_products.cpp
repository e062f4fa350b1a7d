#include "model/nn/row_products.h"

#include "model/nn/row_kernels.h"

namespace m6
{

namespace
{

// Batch entries per task when the products are split over threads.
constexpr int64_t kRowGrain = 16;

torch::Tensor dotsOf(const torch::Tensor& a, const torch::Tensor& x)
{
  torch::Tensor ac = a.contiguous();
  torch::Tensor xc = x.contiguous();
  const int64_t r = ac.size(1);
  const int64_t j = xc.size(1);
  const int64_t e = ac.size(2);
  torch::Tensor out = torch::empty({ac.size(0), r, j}, ac.options());
  const float* ap = ac.data_ptr<float>();
  const float* xp = xc.data_ptr<float>();
  float* op = out.data_ptr<float>();
  at::parallel_for(0, ac.size(0), kRowGrain,
                   [&](int64_t begin, int64_t end)
                   { rowDotsKernel(ap, xp, op, begin, end, r, j, e); });
  return out;
}

torch::Tensor mixOf(const torch::Tensor& w, const torch::Tensor& x)
{
  torch::Tensor wc = w.contiguous();
  torch::Tensor xc = x.contiguous();
  const int64_t r = wc.size(1);
  const int64_t j = wc.size(2);
  const int64_t e = xc.size(2);
  torch::Tensor out = torch::empty({wc.size(0), r, e}, xc.options());
  const float* wp = wc.data_ptr<float>();
  const float* xp = xc.data_ptr<float>();
  float* op = out.data_ptr<float>();
  at::parallel_for(0, wc.size(0), kRowGrain,
                   [&](int64_t begin, int64_t end)
                   { rowMixKernel(wp, xp, op, begin, end, r, j, e); });
  return out;
}

void checkShapes(const char* what, const torch::Tensor& a, const torch::Tensor& x, int64_t aDim,
                 int64_t xDim)
{
  TORCH_CHECK(
      a.dim() == 3 && x.dim() == 3 && a.size(0) == x.size(0) && a.size(aDim) == x.size(xDim), what,
      ": shapes ", a.sizes(), " and ", x.sizes(), " do not match");
  TORCH_CHECK(a.scalar_type() == torch::kFloat32 && x.scalar_type() == torch::kFloat32, what,
              ": float tensors only");
}

struct RowDots : public torch::autograd::Function<RowDots>
{
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& a,
                               const torch::Tensor& x)
  {
    ctx->save_for_backward({a, x});
    return dotsOf(a, x);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads)
  {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor& g = grads[0];  // [B, R, J]
    torch::Tensor da = ctx->needs_input_grad(0) ? mixOf(g, saved[1]) : torch::Tensor();
    torch::Tensor dx =
        ctx->needs_input_grad(1) ? mixOf(g.transpose(1, 2), saved[0]) : torch::Tensor();
    return {da, dx};
  }
};

struct RowMix : public torch::autograd::Function<RowMix>
{
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& w,
                               const torch::Tensor& x)
  {
    ctx->save_for_backward({w, x});
    return mixOf(w, x);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads)
  {
    auto saved = ctx->get_saved_variables();
    const torch::Tensor& g = grads[0];  // [B, R, E]
    torch::Tensor dw = ctx->needs_input_grad(0) ? dotsOf(g, saved[1]) : torch::Tensor();
    torch::Tensor dx =
        ctx->needs_input_grad(1) ? mixOf(saved[0].transpose(1, 2), g) : torch::Tensor();
    return {dw, dx};
  }
};

}  // namespace

torch::Tensor rowDots(const torch::Tensor& a, const torch::Tensor& x)
{
  checkShapes("rowDots", a, x, 2, 2);
  return RowDots::apply(a, x);
}

torch::Tensor rowMix(const torch::Tensor& w, const torch::Tensor& x)
{
  checkShapes("rowMix", w, x, 2, 1);
  return RowMix::apply(w, x);
}

torch::Tensor weightedRowSums(const torch::Tensor& table, const torch::Tensor& offsets,
                              const torch::Tensor& index, const torch::Tensor& weights)
{
  TORCH_CHECK(table.dim() == 2 && table.scalar_type() == torch::kFloat32,
              "weightedRowSums: a float table [rows, width]");
  TORCH_CHECK(offsets.scalar_type() == torch::kInt64 && index.scalar_type() == torch::kInt64 &&
                  weights.scalar_type() == torch::kFloat32 && index.numel() == weights.numel(),
              "weightedRowSums: int64 offsets and index, float weights of the index's length");
  torch::Tensor t = table.contiguous();
  torch::Tensor o = offsets.contiguous();
  torch::Tensor ix = index.contiguous();
  torch::Tensor w = weights.contiguous();
  const int64_t n = o.numel() - 1;
  const int64_t width = t.size(1);
  const int64_t* op = o.data_ptr<int64_t>();
  TORCH_CHECK(n >= 0 && op[0] == 0 && op[n] == ix.numel(),
              "weightedRowSums: offsets do not span the index");
  torch::Tensor out = torch::empty({n, width}, t.options());
  const float* tp = t.data_ptr<float>();
  const int64_t* ip = ix.data_ptr<int64_t>();
  const float* wp = w.data_ptr<float>();
  float* outp = out.data_ptr<float>();
  at::parallel_for(0, n, kRowGrain,
                   [&](int64_t begin, int64_t end)
                   { weightedRowSumsKernel(tp, op, ip, wp, outp, begin, end, width); });
  return out;
}

}  // namespace m6
