#include "app/runner/run_significance.h"

#include <cctype>
#include <stdexcept>

namespace m6
{

namespace
{

/// The protocol without its cut-off: "...; K=10; ..." -> "...; K=; ...". Ranks are stored, so
/// runs reported at different K still compare at any K.
std::string withoutCutoff(const std::string& protocol)
{
  std::string out;
  for (size_t i = 0; i < protocol.size(); ++i)
  {
    out += protocol[i];
    if (protocol[i] == '=' && i > 0 && protocol[i - 1] == 'K')
    {
      while (i + 1 < protocol.size() && std::isdigit(static_cast<unsigned char>(protocol[i + 1])))
      {
        ++i;
      }
    }
  }
  return out;
}

int cutoffOf(const std::string& protocol)
{
  const auto at = protocol.find("K=");
  if (at == std::string::npos)
  {
    return 10;
  }
  int k = 0;
  for (size_t i = at + 2;
       i < protocol.size() && std::isdigit(static_cast<unsigned char>(protocol[i])); ++i)
  {
    k = k * 10 + (protocol[i] - '0');
    if (k > 100000)
    {
      return 10;
    }
  }
  return k > 0 ? k : 10;
}

std::string label(const RunRecord& r)
{
  return "run " + std::to_string(r.id) + " (" + r.name + ")";
}

}  // namespace

std::string defaultSignificanceMetric(const RunRecord& run)
{
  if (run.task == "ctr")
  {
    return "logloss";
  }
  if (run.task == "rating")
  {
    return "abs_error";
  }
  return "ndcg@" + std::to_string(cutoffOf(run.test.protocol));
}

Result<RunSignificance> compareRuns(RunStore& store, int64_t runA, int64_t runB,
                                    const std::string& metric, const PairedOptions& options)
{
  if (runA == runB)
  {
    return makeError("compare two different runs (both are run " + std::to_string(runA) + ")");
  }
  auto a = store.run(runA);
  if (!a)
  {
    return makeError(a.error());
  }
  auto b = store.run(runB);
  if (!b)
  {
    return makeError(b.error());
  }
  if (a->datasetId != b->datasetId)
  {
    return makeError(label(*a) + " is on dataset '" + a->datasetName + "', " + label(*b) + " on '" +
                     b->datasetName + "': only runs on the same dataset and split compare");
  }
  if (a->task != b->task)
  {
    return makeError(label(*a) + " is a " + a->task + " run, " + label(*b) + " a " + b->task +
                     " run: their per-user results measure different things");
  }
  for (const RunRecord* r : {&*a, &*b})
  {
    if (r->test.empty())
    {
      return makeError(label(*r) + " has no test results (status: " + r->status + ")");
    }
  }
  if (withoutCutoff(a->test.protocol) != withoutCutoff(b->test.protocol))
  {
    return makeError("the runs were evaluated under different protocols: " + label(*a) + ": '" +
                     a->test.protocol + "'; " + label(*b) + ": '" + b->test.protocol + "'");
  }
  auto rowsA = store.userMetrics(runA, "test");
  if (!rowsA)
  {
    return makeError(rowsA.error());
  }
  auto rowsB = store.userMetrics(runB, "test");
  if (!rowsB)
  {
    return makeError(rowsB.error());
  }
  for (const auto& [r, rows] : {std::make_pair(&*a, &*rowsA), std::make_pair(&*b, &*rowsB)})
  {
    if (rows->empty())
    {
      return makeError(label(*r) +
                       " kept no per-user test results (baselines recorded before "
                       "this version did not): run it again to compare it");
    }
  }
  RunSignificance out;
  out.a = *a;
  out.b = *b;
  out.protocol = a->test.protocol;
  try
  {
    const std::string m = metric.empty() ? defaultSignificanceMetric(*a) : metric;
    out.comparison = pairedComparison(*rowsA, *rowsB, a->task, m, options);
  }
  catch (const std::invalid_argument& e)
  {
    return makeError(e.what());
  }
  return out;
}

Json RunSignificance::toJson() const
{
  Json j = comparison.toJson();
  j["run_a"] = a.id;
  j["run_b"] = b.id;
  j["name_a"] = a.name;
  j["name_b"] = b.name;
  j["dataset"] = a.datasetName;
  j["protocol"] = protocol;
  return j;
}

}  // namespace m6
