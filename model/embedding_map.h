// Embedding tables and their 2-D PCA maps (private to model/), shared by Predictor::embeddings
// and ModelPackage::embeddings.
//
// Thread affinity: none; pure functions of their inputs.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "model/inspection.h"

namespace m6
{

/// The first two principal components of the rows of x [n, d] (float), centred, in double
/// precision. Each component's sign is fixed so that its largest loading is positive, so the map
/// does not flip between runs. n < 2 gives zeros.
Projection2D projectPca(const torch::Tensor& x);

/// A table from x [n, d] with its ids; titles and categories are filled by the caller.
EmbeddingTable embeddingTable(const torch::Tensor& x, const std::vector<std::string>& ids);

/// Per user, the most frequent category among their training items (ties: the lowest code), or
/// -1; trainItems(u) lists user u's training items.
std::vector<int32_t> userCategories(int64_t users, const std::vector<int32_t>& itemCategory,
                                    const std::vector<int64_t>& offsets,
                                    const std::vector<int32_t>& items);

/// Fills category, categoryCode, categoryNames and categoryField of a table from codes.
void setCategories(EmbeddingTable& table, const std::vector<int32_t>& codes,
                   const std::vector<std::string>& names, const std::string& field);

}  // namespace m6
