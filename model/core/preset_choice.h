// The preset used when none is named: "auto", resolved by the dataset's size. The presets were
// chosen by one rule (issue 15): the default gives the best validation NDCG@10 reachable in about
// two minutes on a 100,000-interaction dataset on a two-core laptop. Since the thorough preset
// trains with the sampled softmax and one fusion layer it meets that rule on the 100,000-
// interaction datasets measured here (ml-latest-small: 83 s against balanced's 75 s, validation
// NDCG@10 0.0760 against 0.0691 over seeds 1-5), while on large data it costs about three times
// balanced's time per example (the 25M benchmark), where balanced is the better use of an hour.
// So auto picks thorough up to kThoroughUpToInteractions interactions and balanced above; the
// choice depends on the interaction count alone (never on the machine's speed), so a dataset
// always gets the same configuration.
//
// Thread affinity: none; pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace m6
{

/// The name that stands for "pick by the dataset's size".
inline constexpr const char* kAutoPreset = "auto";

/// Auto picks thorough up to this many interactions (about two minutes for thorough here at
/// 150,000 interactions, by the 100,000-interaction runs' times), balanced above.
inline constexpr int64_t kThoroughUpToInteractions = 150000;

/// "thorough" for up to kThoroughUpToInteractions interactions, "balanced" above.
std::string autoPresetFor(int64_t interactions);

/// `name` itself, or for "auto" the preset autoPresetFor picks for `interactions`.
std::string resolvePresetName(const std::string& name, int64_t interactions);

}  // namespace m6
