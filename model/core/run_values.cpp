#include "model/core/run_values.h"

namespace m6
{

const std::vector<EnumWord<RunStatus>>& enumWords(RunStatus)
{
  static const std::vector<EnumWord<RunStatus>> words{
      {RunStatus::Created, "created"},   {RunStatus::Running, "running"},
      {RunStatus::Finished, "finished"}, {RunStatus::Stopped, "stopped"},
      {RunStatus::Diverged, "diverged"}, {RunStatus::Failed, "failed"}};
  return words;
}

const std::vector<EnumWord<RunKind>>& enumWords(RunKind)
{
  static const std::vector<EnumWord<RunKind>> words{{RunKind::M6, "m6"},
                                                    {RunKind::BaselinePop, "baseline-pop"},
                                                    {RunKind::BaselineBpr, "baseline-bpr"},
                                                    {RunKind::BaselineItemKnn, "baseline-itemknn"},
                                                    {RunKind::BaselineEase, "baseline-ease"}};
  return words;
}

bool hasEnded(RunStatus status)
{
  return status == RunStatus::Finished || status == RunStatus::Diverged ||
         status == RunStatus::Failed;
}

namespace
{
const char* const kBaselinePrefix = "baseline-";
}

std::string baselineName(RunKind kind)
{
  const std::string word = wordOf(kind);
  return word.rfind(kBaselinePrefix, 0) == 0 ? word.substr(std::string(kBaselinePrefix).size())
                                             : std::string();
}

std::optional<RunKind> baselineKind(const std::string& name)
{
  if (name.empty())
  {
    return std::nullopt;
  }
  return enumFromWord<RunKind>(kBaselinePrefix + name);
}

}  // namespace m6
