// Mean bags (titles, genres, tags) as sparse matrices in compressed rows, so that a training
// step's bag means and their weight gradient are one pass each, without the sort of the values
// that EmbeddingBag's backward does every step (model/nn/encoders.cpp). The catalogue's are built
// once per training session; a subset's (the items a sampled-softmax step touches, a batch's
// users) per step. Private to model/.
//
// Thread affinity: none; the tensors are read-only after construction.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/features.h"

namespace m6
{

/// A Bag column's mean over a whole table (rows 0..rows-1) as a sparse matrix M [rows x
/// cardinality] (entry (r, v): the share of row r's non-padding values equal to v), in compressed
/// rows both ways: M itself (each row's values) gives the bag means, its transpose (each value's
/// rows) times the output gradient gives the table's gradient, with no sort of the values per
/// step (EmbeddingBag's backward sorts them every time). Built once per training session.
struct BagMeans
{
  torch::Tensor rowOffsets;    // int64 [rows + 1]
  torch::Tensor rowValues;     // int64 [nnz], each in [1, cardinality)
  torch::Tensor rowWeights;    // float [nnz]
  torch::Tensor valueOffsets;  // int64 [cardinality + 1]
  torch::Tensor valueRows;     // int64 [nnz]
  torch::Tensor valueWeights;  // float [nnz]

  bool defined() const { return rowOffsets.defined(); }
};

/// Per column of `table`: its BagMeans, undefined for other kinds.
std::vector<BagMeans> bagMeans(const EntityTable& table);

/// The BagMeans of one Bag column's values, int64 [n, width] (0 pads; a value outside [1,
/// cardinality) is left out of the sum but counted, as in a whole table's). O(n * width +
/// cardinality).
BagMeans bagMeansOf(const torch::Tensor& values, int64_t cardinality);

/// EmbeddingBag's mean with padding index 0, differentiable in `weight` [cardinality, d]: row r is
/// the mean of weight's rows over row r of M (`m`), [n, d]; its gradient M's transpose times the
/// output's, one pass over `m`'s value rows.
torch::Tensor meanBags(const torch::Tensor& weight, const BagMeans& m);

}  // namespace m6
