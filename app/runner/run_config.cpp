#include "app/runner/run_config.h"

#include <stdexcept>
#include <string>

namespace m6
{

RunConfig configOfRun(const RunRecord& run)
{
  try
  {
    return fromJson(Json::parse(run.configJson));
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("run " + std::to_string(run.id) +
                             " has a damaged configuration: " + e.what());
  }
}

}  // namespace m6
