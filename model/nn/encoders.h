// Field encoders (f_enc of DESIGN.md section 3): every field of one entity to a width-d
// embedding, merged into one token (private to model/).
//
// Registered names (checkpoint keys): "id" (Embedding, when ids are on), one module per field
// named by its ColumnSpec::moduleName ("f_category", "time_hour", ...), "bias" (a learned vector,
// so an entity without ids or fields still has a token), and "merge" (Linear, concat mode only).
//
// Thread affinity: a module is used by one thread at a time (the one that trains or evaluates).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/bag_means.h"
#include "model/features.h"

namespace m6
{

struct EntityEncoderOptions
{
  int64_t numIds = 0;  // 0: no id embedding
  std::vector<ColumnSpec> columns;
  int64_t dim = 64;
  bool concat = false;   // concat + linear instead of sum
  double idDropout = 0;  // training: share of rows whose id embedding is zero (model.id_dropout)
};

class EntityEncoderImpl : public torch::nn::Module
{
 public:
  explicit EntityEncoderImpl(const EntityEncoderOptions& options);

  /// ids: int64 [n] (ignored without id embeddings); columns: the gathered feature columns in
  /// the order of options.columns. Returns [n, dim]. While gradients are recorded, each mean bag
  /// and its weight gradient are one pass over compressed rows (EmbeddingBag's values; its
  /// backward sorts them), built per call unless `bagMeans` (optional, when the columns are a
  /// whole table in its order) holds bagMeans() of that table.
  torch::Tensor forward(const torch::Tensor& ids, const std::vector<torch::Tensor>& columns,
                        const std::vector<BagMeans>* bagMeans = nullptr);

  /// The tokens of n entities the id table does not know (a user the model never saw): the same
  /// sum without the id embedding. Returns [n, dim].
  torch::Tensor withoutIds(const std::vector<torch::Tensor>& columns, int64_t n);

  /// Whether the id embedding's gradient holds only the rows a step looked up (a sparse tensor,
  /// for LazyAdam) instead of a dense table. Off after construction.
  void setSparseIds(bool on);

  /// The id embedding (undefined without ids).
  torch::nn::Embedding idEmbedding() const { return id_; }

 private:
  EntityEncoderOptions options_;
  torch::nn::Embedding id_{nullptr};
  std::vector<torch::nn::Embedding> categorical_;
  std::vector<torch::nn::EmbeddingBag> bags_;
  std::vector<torch::nn::Linear> numeric_;
  std::vector<int> slot_;  // per column: its index in the vector of its kind
  torch::Tensor bias_;
  torch::nn::Linear merge_{nullptr};

  torch::Tensor combine(std::vector<torch::Tensor> parts, const std::vector<torch::Tensor>& columns,
                        int64_t n, const std::vector<BagMeans>* bagMeans = nullptr);
};
TORCH_MODULE(EntityEncoder);

}  // namespace m6
