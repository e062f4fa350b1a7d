#include "model/sampled_softmax.h"

#include <algorithm>
#include <limits>

#include "model/softmax_loss.h"

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

void hideSameUserTargets(SampledSoftmaxCandidates& c, const std::vector<int32_t>& users)
{
  const auto b = static_cast<int64_t>(users.size());
  const int64_t* label = c.labels.data_ptr<int64_t>();
  // Rows by user (a batch's rows of one user are few and, in a windows batch, adjacent).
  std::vector<int64_t> rows(static_cast<size_t>(b));
  for (int64_t r = 0; r < b; ++r)
  {
    rows[static_cast<size_t>(r)] = r;
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [&](int64_t x, int64_t y)
                   { return users[static_cast<size_t>(x)] < users[static_cast<size_t>(y)]; });
  torch::Tensor hidden;
  bool* h = nullptr;
  for (size_t begin = 0; begin < rows.size();)
  {
    size_t end = begin + 1;
    while (end < rows.size() &&
           users[static_cast<size_t>(rows[end])] == users[static_cast<size_t>(rows[begin])])
    {
      ++end;
    }
    for (size_t i = begin; end - begin > 1 && i < end; ++i)
    {
      for (size_t j = begin; j < end; ++j)
      {
        const int64_t mine = label[rows[i]];
        const int64_t theirs = label[rows[j]];
        if (theirs != mine)
        {
          if (!h)
          {
            hidden = torch::zeros({b, c.items.size(0)}, torch::kBool);
            h = hidden.data_ptr<bool>();
          }
          h[rows[i] * c.items.size(0) + theirs] = true;
        }
      }
    }
    begin = end;
  }
  c.hidden = hidden;
}

torch::Tensor sampledSoftmaxLoss(const torch::Tensor& scores, const SampledSoftmaxCandidates& c)
{
  torch::Tensor corrected = scores - c.logExpected.unsqueeze(0);
  if (c.hidden.defined())
  {
    corrected = corrected.masked_fill(c.hidden, -std::numeric_limits<float>::infinity());
  }
  return softmaxCrossEntropy(corrected, c.labels);
}

}  // namespace m6
