#include "app/runner/run_config.h"

#include <stdexcept>
#include <string>

#include "model/engine.h"

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

namespace
{

std::string runLabelOf(const RunRecord& run)
{
  return "run " + std::to_string(run.id) + (run.name.empty() ? "" : " (" + run.name + ")");
}

// "a baseline (most popular)" for the kind "baseline-pop".
std::string baselinePhrase(const RunRecord& run)
{
  return "a baseline (" + baselineTitle(baselineName(run.kind)) + ")";
}

}  // namespace

std::string adaptBlocker(const RunRecord& run)
{
  if (run.kind == RunKind::M6)
  {
    return "";
  }
  return runLabelOf(run) + " is " + baselinePhrase(run) +
         "; only a trained M6 run can be adapted (its weights are what is carried over)";
}

std::string resumeBlocker(const RunRecord& run)
{
  if (run.kind == RunKind::M6)
  {
    return "";
  }
  return runLabelOf(run) + " is " + baselinePhrase(run) + "; there is nothing to resume";
}

}  // namespace m6
