// ModelPackage::Impl (private to model/): everything a model file holds, as tensors ready to score.
//
// Thread affinity: one thread at a time, like the ModelPackage.
#pragma once

#include <torch/torch.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "model/nn/m6_net.h"
#include "model/package.h"

namespace m6
{

struct ModelPackage::Impl
{
  std::string path;
  int version = 0;
  ModelCard card;
  RunConfig config;
  std::vector<std::string> userIds;
  std::vector<std::string> itemIds;
  std::vector<std::string> itemTitles;
  std::vector<std::string> itemCategory;  // per item, "" unknown
  std::vector<int32_t> itemCategoryCode;  // per item, -1 unknown
  std::vector<std::string> categoryNames;
  std::string categoryField;
  std::vector<uint8_t> cold;
  std::unordered_map<std::string, int32_t> userIndex;
  std::unordered_map<std::string, int32_t> itemIndex;

  M6Net net{nullptr};
  int64_t historyLength = 0;
  std::vector<torch::Tensor> itemColumns;  // [N + 1, ...] each
  std::vector<torch::Tensor> userColumns;  // [U + 1, ...] each
  std::vector<torch::Tensor> contextRows;  // [U + 1, ...] each: per user, then "no context"
  torch::Tensor histItems;                 // int64 [U, L]
  torch::Tensor histPad;                   // bool [U, L]
  torch::Tensor histGaps;                  // int64 [U, L]
  std::vector<int64_t> trainOffsets;       // U + 1
  std::vector<int32_t> trainItems;
  int hourColumn = -1;
  int weekdayColumn = -1;
  int recencyColumn = -1;
  torch::Tensor itemTokens;  // [N, d], computed once

  /// The user side of one query: a known user (user >= 0) or a history (user < 0).
  UserSide side(int32_t user, const ContextOverride& context, const HistoryQuery* query,
                std::vector<int32_t>* historyItems);
  std::vector<float> scores(const UserSide& side);
  Explanation explain(const UserSide& side, const std::vector<int32_t>& history, int32_t item);
  std::vector<Recommendation> top(const std::vector<float>& scores, int k,
                                  const std::vector<uint8_t>& excluded);
  void checkUser(int32_t user) const;
  void checkItem(int32_t item) const;
};

}  // namespace m6
