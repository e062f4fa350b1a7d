// One training step's loss and every parameter's gradient, and the comparison of two such steps,
// for the tests that check two computations of the same step (test_fusion_tokens: split against
// whole tokens; test_history_windows: windows against per-example histories).
//
// Includes torch: include it first, in a test compiled with QT_NO_KEYWORDS.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "model/core/rng.h"
#include "model/session.h"
#include "model/training_step.h"

namespace m6test
{

struct StepResult
{
  float loss = 0;
  bool windowed = false;                       // the step's TrainingStep::windowed()
  std::map<std::string, torch::Tensor> grads;  // every parameter with a gradient (dense)
};

/// training.loss(batch) with negatives drawn from DemoRng(11), its backward, and what came of it.
inline StepResult lossAndGradients(m6::Session& session, m6::TrainingStep& training,
                                   const std::vector<int64_t>& batch)
{
  m6::DemoRng rng(11);
  torch::Tensor loss = training.loss(batch, rng);
  loss.backward();
  StepResult r;
  r.loss = loss.item<float>();
  r.windowed = training.windowed();
  for (const auto& p : session.net->named_parameters())
  {
    if (p.value().grad().defined())
    {
      r.grads[p.key()] = p.value().grad().to_dense().clone();
    }
  }
  return r;
}

/// Empty when `b` has `a`'s loss (to 1e-5, relative above 1) and, for every parameter, its
/// gradient (to 2e-4 of the gradient's largest value); otherwise the first difference. `compared`
/// receives the number of gradients compared.
inline std::string stepDifference(const StepResult& a, const StepResult& b, int* compared)
{
  *compared = 0;
  if (!(std::fabs(a.loss - b.loss) <= 1e-5f * std::max(1.0f, std::fabs(a.loss))))
  {
    return "loss " + std::to_string(a.loss) + " vs " + std::to_string(b.loss);
  }
  if (a.grads.size() != b.grads.size())
  {
    return std::to_string(a.grads.size()) + " gradients vs " + std::to_string(b.grads.size());
  }
  for (const auto& g : a.grads)
  {
    auto other = b.grads.find(g.first);
    if (other == b.grads.end())
    {
      return g.first + ": no gradient";
    }
    const float scale = std::max(1e-3f, g.second.abs().max().item<float>());
    const float diff = (g.second - other->second).abs().max().item<float>();
    if (!(diff <= 2e-4f * scale))
    {
      return g.first + ": gradient differs by " + std::to_string(diff) + " (scale " +
             std::to_string(scale) + ")";
    }
    ++*compared;
  }
  return {};
}

}  // namespace m6test
