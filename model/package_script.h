// The runnable methods of a model file (format version 2), private to model/.
//
// A .m6model is a TorchScript archive. Besides its tables and parameters, its root module carries
// TorchScript methods that recompute what ModelPackage computes, so Python (torch.jit.load) and
// C++ (torch::jit::load) can recommend without the workbench:
//   recommend(history: List[int], hour: int = -1, weekday: int = -1, k: int = 10)
//       -> Tuple[List[int], List[float]]             a new user given by item indices, oldest
//                                                       first; their items are excluded
//   recommend_user(user: int, hour, weekday, k)     a known user by index; training items excluded
//   score(history, items: List[int], hour, weekday) / score_user(user, items, hour, weekday)
//       -> List[float]                               the scores of chosen items
//   score_all(history, hour, weekday) / score_all_user(user, hour, weekday) -> Tensor [items]
//   explain(history, item: int, hour, weekday) / explain_user(user, item, hour, weekday)
//       -> Tuple[float, List[List[List[float]]]]     the score and the attention weights per
//                                                       fusion layer, head and token (user,
//                                                       context, then each history item read)
//   item_tokens() -> Tensor [items, d]
// Indices are positions in the vocab JSON's "users" / "items" lists; hour 0-23 and weekday 0-6
// (0 = Sunday) override the time context, -1 keeps the stored one. The source is generated for
// the network's shape (its fields, history encoder, scorer, adapters), so it reads the same
// parameters with the same operations in the same order as M6NetImpl: scores agree to float
// rounding and the top-K lists are the same.
//
// Thread affinity: none; pure functions.
#pragma once

#include <string>

#include "model/features.h"
#include "model/nn/m6_net.h"

namespace m6
{

/// The TorchScript source of the methods above for a network of shape `spec` whose context table
/// has the hour and weekday overrides at `hourColumn` / `weekdayColumn` (-1: none).
std::string packageScriptSource(const NetSpec& spec, int hourColumn, int weekdayColumn);

/// Loads the LibTorch archive `archiveBytes`, defines the methods on its root module (parameters
/// no longer require gradients: the file is for inference) and returns the archive saved again.
/// Throws std::runtime_error when the source does not compile (a bug, never user data).
std::string withScriptMethods(const std::string& archiveBytes, const std::string& source);

}  // namespace m6
