#include "model/lazy_adam.h"

#include <cmath>
#include <memory>
#include <string>

namespace m6
{

namespace
{

struct SparseGrad
{
  size_t group = 0;
  torch::Tensor param;
  torch::Tensor grad;  // coalesced
};

// Takes the sparse gradients out of the parameters, so that the dense optimiser's step (which
// skips a parameter without a gradient) leaves them to lazyStep; the next backward sets new ones.
std::vector<SparseGrad> takeSparseGrads(std::vector<torch::optim::OptimizerParamGroup>& groups)
{
  std::vector<SparseGrad> out;
  for (size_t g = 0; g < groups.size(); ++g)
  {
    for (auto& p : groups[g].params())
    {
      if (p.grad().defined() && p.grad().is_sparse())
      {
        out.push_back({g, p, p.grad().coalesce()});
        p.mutable_grad().reset();
      }
    }
  }
  return out;
}

// Adam's update (torch/csrc/api/src/optim/adam.cpp and adamw.cpp, same order of operations) on
// the rows a sparse gradient holds; `decoupled`: AdamW's weight decay.
template <class Options, class State, class StateMap>
void lazyStep(std::vector<torch::optim::OptimizerParamGroup>& groups, StateMap& states,
              const std::vector<SparseGrad>& sparse, bool decoupled)
{
  torch::NoGradGuard guard;
  for (const SparseGrad& s : sparse)
  {
    if (s.grad._nnz() == 0)
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
    const torch::Tensor rows = s.grad._indices().reshape({-1});
    torch::Tensor grad = s.grad._values();
    torch::Tensor values = p.index_select(0, rows);
    if (o.weight_decay() != 0)
    {
      if (decoupled)
      {
        values.mul_(1 - o.lr() * o.weight_decay());
      }
      else
      {
        grad = grad.add(values, o.weight_decay());
      }
    }
    torch::Tensor m = st.exp_avg().index_select(0, rows).mul_(beta1).add_(grad, 1 - beta1);
    torch::Tensor v =
        st.exp_avg_sq().index_select(0, rows).mul_(beta2).addcmul_(grad, grad, 1 - beta2);
    st.exp_avg().index_copy_(0, rows, m);
    st.exp_avg_sq().index_copy_(0, rows, v);
    torch::Tensor denom;
    if (o.amsgrad())
    {
      torch::Tensor top = torch::max(st.max_exp_avg_sq().index_select(0, rows), v);
      st.max_exp_avg_sq().index_copy_(0, rows, top);
      denom = (top.sqrt() / std::sqrt(correction2)).add_(o.eps());
    }
    else
    {
      denom = (v.sqrt() / std::sqrt(correction2)).add_(o.eps());
    }
    values.addcdiv_(m, denom, -o.lr() / correction1);
    p.index_copy_(0, rows, values);
  }
}

}  // namespace

// A closure would recompute the gradients after the sparse ones were taken: the training loop
// never passes one.
torch::Tensor LazyAdam::step(LossClosure closure)
{
  std::vector<SparseGrad> sparse = takeSparseGrads(param_groups_);
  torch::Tensor loss = torch::optim::Adam::step(closure);
  lazyStep<torch::optim::AdamOptions, torch::optim::AdamParamState>(param_groups_, state_, sparse,
                                                                    false);
  return loss;
}

torch::Tensor LazyAdamW::step(LossClosure closure)
{
  std::vector<SparseGrad> sparse = takeSparseGrads(param_groups_);
  torch::Tensor loss = torch::optim::AdamW::step(closure);
  lazyStep<torch::optim::AdamWOptions, torch::optim::AdamWParamState>(param_groups_, state_, sparse,
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

}  // namespace m6
