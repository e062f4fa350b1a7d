#include "model/lazy_adam.h"

#include <cmath>
#include <memory>
#include <string>

#include "model/adam_rows.h"

namespace m6
{

namespace
{

struct TakenGrad
{
  size_t group = 0;
  torch::Tensor param;
  torch::Tensor grad;  // sparse: coalesced
};

// A dense gradient the one-pass update applies to: float, laid out as its contiguous parameter.
bool denseInPlace(const torch::Tensor& p, const torch::Tensor& grad)
{
  return grad.layout() == torch::kStrided && p.scalar_type() == torch::kFloat32 &&
         grad.scalar_type() == torch::kFloat32 && p.is_contiguous() && grad.is_contiguous() &&
         grad.sizes() == p.sizes();
}

// Takes out of the parameters every gradient this file updates: the sparse ones, and the dense
// ones of float parameters unless the group uses AMSGrad. Torch's step skips a parameter
// without a gradient, so it updates only the rest; the next backward then sets fresh gradients,
// as zero_grad with set_to_none would, which also spares zeroing and adding into the old ones.
template <class Options>
std::vector<TakenGrad> takeGrads(std::vector<torch::optim::OptimizerParamGroup>& groups)
{
  std::vector<TakenGrad> out;
  for (size_t g = 0; g < groups.size(); ++g)
  {
    const bool amsgrad = static_cast<const Options&>(groups[g].options()).amsgrad();
    for (auto& p : groups[g].params())
    {
      const torch::Tensor& grad = p.grad();
      if (!grad.defined())
      {
        continue;
      }
      if (grad.is_sparse())
      {
        out.push_back({g, p, grad.coalesce()});
      }
      else if (!amsgrad && denseInPlace(p, grad))
      {
        out.push_back({g, p, grad});
      }
      else
      {
        continue;
      }
      p.mutable_grad().reset();
    }
  }
  return out;
}

// The one-pass update of adam_rows.h applies to float tables laid out as rows.
bool inPlaceRows(const torch::Tensor& p, const torch::Tensor& m, const torch::Tensor& v,
                 const torch::Tensor& grad)
{
  auto rows = [&](const torch::Tensor& t)
  {
    return t.scalar_type() == torch::kFloat32 && t.is_contiguous() && t.dim() == 2 &&
           t.size(1) == p.size(1);
  };
  return rows(p) && rows(m) && rows(v) && rows(grad);
}

// The tensor form of the same update (AMSGrad, or a table of another layout): gather the rows,
// update the copies, scatter them back.
template <class State>
void gatheredRows(const torch::Tensor& p, State& st, const torch::Tensor& rows,
                  const torch::Tensor& gradient, const AdamRowConstants& k, bool amsgrad)
{
  torch::Tensor grad = gradient;
  torch::Tensor values = p.index_select(0, rows);
  if (k.weightDecay != 0)
  {
    if (k.decoupled)
    {
      values.mul_(1 - k.lr * k.weightDecay);
    }
    else
    {
      grad = grad.add(values, k.weightDecay);
    }
  }
  torch::Tensor m = st.exp_avg().index_select(0, rows).mul_(k.beta1).add_(grad, 1 - k.beta1);
  torch::Tensor v =
      st.exp_avg_sq().index_select(0, rows).mul_(k.beta2).addcmul_(grad, grad, 1 - k.beta2);
  st.exp_avg().index_copy_(0, rows, m);
  st.exp_avg_sq().index_copy_(0, rows, v);
  torch::Tensor denom;
  if (amsgrad)
  {
    torch::Tensor top = torch::max(st.max_exp_avg_sq().index_select(0, rows), v);
    st.max_exp_avg_sq().index_copy_(0, rows, top);
    denom = (top.sqrt() / std::sqrt(k.correction2)).add_(k.eps);
  }
  else
  {
    denom = (v.sqrt() / std::sqrt(k.correction2)).add_(k.eps);
  }
  values.addcdiv_(m, denom, -k.lr / k.correction1);
  p.index_copy_(0, rows, values);
}

// Adam's update (torch/csrc/api/src/optim/adam.cpp and adamw.cpp, same order of operations) of
// the taken gradients: a sparse one's rows, a dense one's every value; `decoupled`: AdamW's
// weight decay.
template <class Options, class State, class StateMap>
void takenStep(std::vector<torch::optim::OptimizerParamGroup>& groups, StateMap& states,
               const std::vector<TakenGrad>& taken, bool decoupled)
{
  torch::NoGradGuard guard;
  for (const TakenGrad& s : taken)
  {
    const bool sparse = s.grad.is_sparse();
    if (sparse && s.grad._nnz() == 0)
    {
      continue;
    }
    const auto& o = static_cast<const Options&>(groups[s.group].options());
    torch::Tensor p = s.param;
    const std::string key = c10::guts::to_string(p.unsafeGetTensorImpl());
    auto it = states.find(key);
    if (it == states.end())
    {
      auto fresh = std::make_unique<State>();
      fresh->step(0);
      fresh->exp_avg(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      fresh->exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      if (o.amsgrad())
      {
        fresh->max_exp_avg_sq(torch::zeros_like(p, torch::MemoryFormat::Preserve));
      }
      it = states.emplace(key, std::move(fresh)).first;
    }
    auto& st = static_cast<State&>(*it->second);
    st.step(st.step() + 1);
    const double beta1 = std::get<0>(o.betas());
    const double beta2 = std::get<1>(o.betas());
    const double correction1 = 1 - std::pow(beta1, static_cast<double>(st.step()));
    const double correction2 = 1 - std::pow(beta2, static_cast<double>(st.step()));
    AdamRowConstants k;
    k.beta1 = beta1;
    k.beta2 = beta2;
    k.correction1 = correction1;
    k.correction2 = correction2;
    k.lr = o.lr();
    k.eps = o.eps();
    k.weightDecay = o.weight_decay();
    k.decoupled = decoupled;
    if (!sparse)
    {
      // Moments loaded from a checkpoint may come in another layout; the values are what count.
      if (!st.exp_avg().is_contiguous() || !st.exp_avg_sq().is_contiguous())
      {
        st.exp_avg(st.exp_avg().contiguous());
        st.exp_avg_sq(st.exp_avg_sq().contiguous());
      }
      adamInPlace(p.data_ptr<float>(), st.exp_avg().template data_ptr<float>(),
                  st.exp_avg_sq().template data_ptr<float>(), s.grad.data_ptr<float>(), p.numel(),
                  k);
      continue;
    }
    const torch::Tensor rows = s.grad._indices().reshape({-1}).contiguous();
    torch::Tensor grad = s.grad._values().contiguous();
    if (!o.amsgrad() && inPlaceRows(p, st.exp_avg(), st.exp_avg_sq(), grad))
    {
      adamRowsInPlace(p.data_ptr<float>(), st.exp_avg().template data_ptr<float>(),
                      st.exp_avg_sq().template data_ptr<float>(), p.size(1),
                      rows.data_ptr<int64_t>(), rows.size(0), grad.data_ptr<float>(), k);
      continue;
    }
    gatheredRows(p, st, rows, grad, k, o.amsgrad());
  }
}

}  // namespace

// A closure would recompute the gradients after the sparse ones were taken: the training loop
// never passes one.
torch::Tensor LazyAdam::step(LossClosure closure)
{
  std::vector<TakenGrad> taken = takeGrads<torch::optim::AdamOptions>(param_groups_);
  torch::Tensor loss = torch::optim::Adam::step(closure);
  takenStep<torch::optim::AdamOptions, torch::optim::AdamParamState>(param_groups_, state_, taken,
                                                                     false);
  return loss;
}

torch::Tensor LazyAdamW::step(LossClosure closure)
{
  std::vector<TakenGrad> taken = takeGrads<torch::optim::AdamWOptions>(param_groups_);
  torch::Tensor loss = torch::optim::AdamW::step(closure);
  takenStep<torch::optim::AdamWOptions, torch::optim::AdamWParamState>(param_groups_, state_, taken,
                                                                       true);
  return loss;
}

void coalesceSparseGrads(const std::vector<torch::Tensor>& params)
{
  for (const auto& p : params)
  {
    if (p.grad().defined() && p.grad().is_sparse() && !p.grad().is_coalesced())
    {
      p.mutable_grad() = p.grad().coalesce();
    }
  }
}

double clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm)
{
  // torch's arithmetic, in its order: per-gradient norms, the norm of those, and
  // min(1, maxNorm / (norm + 1e-6)) as a float tensor.
  std::vector<torch::Tensor> grads;
  std::vector<torch::Tensor> norms;
  for (const auto& p : params)
  {
    if (p.grad().defined())
    {
      grads.push_back(p.grad());
      norms.push_back(p.grad().norm(2));
    }
  }
  if (grads.empty())
  {
    return 0.0;
  }
  const torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2);
  const torch::Tensor coef = torch::clamp(maxNorm / (total + 1e-6), c10::nullopt, 1.0);
  if (coef.item<float>() < 1.0f)
  {
    for (auto& g : grads)
    {
      // clip_grad_norm_ scales `grad.data()`, which for a sparse gradient is a copy whose values
      // the product replaces: LibTorch 1.13 leaves sparse gradients unscaled (Python's form
      // too). Kept, so that runs train as they did; scaling them is a change of its own.
      if (!g.is_sparse())
      {
        g.mul_(coef);
      }
    }
  }
  return total.item<double>();
}

}  // namespace m6
