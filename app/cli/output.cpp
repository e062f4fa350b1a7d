// Output shared by several model commands: explanations and adaptation reports.
#include <sstream>

#include "app/cli/run_driver.h"

namespace m6::cli
{

Json explanationJson(const Explanation& e)
{
  Json tokens = Json::array();
  for (const auto& t : e.tokens)
  {
    tokens.push_back(t);
  }
  Json weights = Json::array();
  for (const auto& layer : e.weights)
  {
    Json l = Json::array();
    for (const auto& head : layer)
    {
      Json hd = Json::array();
      for (float w : head)
      {
        hd.push_back(static_cast<double>(w));
      }
      l.push_back(hd);
    }
    weights.push_back(l);
  }
  Json j = Json::object();
  j["score"] = static_cast<double>(e.score);
  j["tokens"] = tokens;
  j["weights"] = weights;
  return j;
}

std::string explanationText(const Explanation& e, const std::string& who, const std::string& item)
{
  std::ostringstream h;
  h << "Attention behind the score " << formatNumber(e.score) << " of item " << item << " for "
    << who << " (weights per head, last layer):\n";
  if (!e.weights.empty())
  {
    const auto& last = e.weights.back();
    for (size_t t = 0; t < e.tokens.size(); ++t)
    {
      h << "  " << padRight(e.tokens[t].substr(0, 48), 50);
      for (const auto& head : last)
      {
        h << padRight(formatNumber(head[t], "%.3f"), 8);
      }
      h << "\n";
    }
  }
  return h.str();
}

Json adaptationSummary(const AdaptReport& report, std::string* human)
{
  Json j = Json::object();
  std::ostringstream h;
  h << "adaptation:";
  for (const char* status : {"carried", "carried-partly", "re-initialised", "added"})
  {
    const size_t n = report.names(status).size();
    j[status] = static_cast<int64_t>(n);
    h << " " << n << " " << status << ",";
  }
  Json frozen = Json::array();
  for (const auto& name : report.names("frozen"))
  {
    frozen.push_back(name);
  }
  h << " " << frozen.size() << " frozen\n";
  j["frozen"] = frozen;
  j["trainable_parameters"] = report.trainableParameters;
  j["total_parameters"] = report.totalParameters;
  j["trainable_share"] = report.trainableShare;
  Json notes = Json::array();
  for (const auto& n : report.notes)
  {
    notes.push_back(n);
    h << "  " << n << "\n";
  }
  j["notes"] = notes;
  h << "trainable: " << formatCount(report.trainableParameters) << " of "
    << formatCount(report.totalParameters) << " parameters ("
    << formatNumber(100.0 * report.trainableShare, "%.2f") << "%)\n";
  if (human)
  {
    *human = h.str();
  }
  return j;
}

}  // namespace m6::cli
