#include "model/core/preset_choice.h"

namespace m6
{

std::string autoPresetFor(int64_t interactions)
{
  return interactions <= kThoroughUpToInteractions ? "thorough" : "balanced";
}

std::string resolvePresetName(const std::string& name, int64_t interactions)
{
  return name == kAutoPreset ? autoPresetFor(interactions) : name;
}

}  // namespace m6
