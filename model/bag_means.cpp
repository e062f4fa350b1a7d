#include "model/bag_means.h"

#include <algorithm>
#include <numeric>

#include "model/nn/row_products.h"

namespace m6
{

namespace
{

torch::Tensor int64Tensor(const std::vector<int64_t>& v)
{
  torch::Tensor t = torch::empty({static_cast<int64_t>(v.size())}, torch::kInt64);
  std::copy(v.begin(), v.end(), t.data_ptr<int64_t>());
  return t;
}

torch::Tensor floatTensor(const std::vector<float>& v)
{
  torch::Tensor t = torch::empty({static_cast<int64_t>(v.size())}, torch::kFloat32);
  std::copy(v.begin(), v.end(), t.data_ptr<float>());
  return t;
}

BagMeans bagMeansOfRows(const torch::Tensor& column, int64_t rows, int64_t cardinality)
{
  torch::Tensor values = column.narrow(0, 0, rows).contiguous();
  const int64_t width = values.size(1);
  const int64_t* v = values.data_ptr<int64_t>();
  // M by rows: each row's non-padding values, each weighing 1 / their count.
  std::vector<int64_t> rowOffsets(static_cast<size_t>(rows) + 1, 0);
  std::vector<int64_t> rowValues;
  std::vector<float> rowWeights;
  rowValues.reserve(static_cast<size_t>(rows * width));
  rowWeights.reserve(static_cast<size_t>(rows * width));
  std::vector<int64_t> perValue(static_cast<size_t>(cardinality) + 1, 0);
  for (int64_t r = 0; r < rows; ++r)
  {
    const int64_t* row = v + r * width;
    const auto count = std::count_if(row, row + width, [](int64_t x) { return x != 0; });
    for (int64_t j = 0; j < width; ++j)
    {
      if (row[j] > 0 && row[j] < cardinality)
      {
        rowValues.push_back(row[j]);
        rowWeights.push_back(1.0f / static_cast<float>(count));
        ++perValue[static_cast<size_t>(row[j]) + 1];
      }
    }
    rowOffsets[static_cast<size_t>(r) + 1] = static_cast<int64_t>(rowValues.size());
  }
  // M by values (its transpose), by a counting sort of the entries on their value.
  std::partial_sum(perValue.begin(), perValue.end(), perValue.begin());
  std::vector<int64_t> valueRows(rowValues.size());
  std::vector<float> valueWeights(rowValues.size());
  std::vector<int64_t> next(perValue.begin(), perValue.end() - 1);
  for (int64_t r = 0; r < rows; ++r)
  {
    for (int64_t k = rowOffsets[static_cast<size_t>(r)]; k < rowOffsets[static_cast<size_t>(r) + 1];
         ++k)
    {
      const auto at =
          static_cast<size_t>(next[static_cast<size_t>(rowValues[static_cast<size_t>(k)])]++);
      valueRows[at] = r;
      valueWeights[at] = rowWeights[static_cast<size_t>(k)];
    }
  }
  BagMeans m;
  m.rowOffsets = int64Tensor(rowOffsets);
  m.rowValues = int64Tensor(rowValues);
  m.rowWeights = floatTensor(rowWeights);
  m.valueOffsets = int64Tensor(perValue);
  m.valueRows = int64Tensor(valueRows);
  m.valueWeights = floatTensor(valueWeights);
  return m;
}

// The mean bags forward through M's rows and backward through its transpose's.
struct MeanBags : public torch::autograd::Function<MeanBags>
{
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& weight,
                               const BagMeans& m)
  {
    ctx->saved_data["offsets"] = m.valueOffsets;
    ctx->saved_data["rows"] = m.valueRows;
    ctx->saved_data["weights"] = m.valueWeights;
    return weightedRowSums(weight, m.rowOffsets, m.rowValues, m.rowWeights);
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads)
  {
    return {
        weightedRowSums(grads[0], ctx->saved_data["offsets"].toTensor(),
                        ctx->saved_data["rows"].toTensor(), ctx->saved_data["weights"].toTensor()),
        torch::Tensor()};
  }
};

}  // namespace

BagMeans bagMeansOf(const torch::Tensor& values, int64_t cardinality)
{
  TORCH_CHECK(values.dim() == 2 && values.scalar_type() == torch::kInt64,
              "bagMeansOf: int64 values [n, width]");
  return bagMeansOfRows(values, values.size(0), cardinality);
}

torch::Tensor meanBags(const torch::Tensor& weight, const BagMeans& m)
{
  return MeanBags::apply(weight, m);
}

std::vector<BagMeans> bagMeans(const EntityTable& table)
{
  std::vector<BagMeans> out;
  for (const auto& c : table.columns)
  {
    out.push_back(c.spec.kind == ColumnKind::Bag
                      ? bagMeansOfRows(c.data, table.rows, c.spec.cardinality)
                      : BagMeans());
  }
  return out;
}

}  // namespace m6
