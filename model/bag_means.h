// The catalogue's mean bags (titles, genres, tags) as sparse matrices in compressed rows, built
// once per training session so that each step's bag means and their gradient are one pass each
// (model/nn/encoders.cpp, BagMean). Private to model/.
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

}  // namespace m6
