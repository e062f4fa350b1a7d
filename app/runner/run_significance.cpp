#include "app/runner/run_significance.h"

#include <cctype>
#include <optional>
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
  if (run.task == Task::Ctr)
  {
    return "logloss";
  }
  if (run.task == Task::Rating)
  {
    return "abs_error";
  }
  return "ndcg@" + std::to_string(cutoffOf(run.test.protocol));
}

namespace
{

// One side of a comparison: a run, or a group's members with test results.
struct Side
{
  std::vector<RunRecord> runs;
  std::vector<std::vector<UserMetricRow>> rows;
  std::optional<RunGroupRecord> group;
};

Result<Side> loadSide(RunStore& store, GroupStore* groups, const SignificanceSide& ref)
{
  Side side;
  if (!ref.group)
  {
    auto r = store.run(ref.id);
    if (!r)
    {
      return errorOf(r);
    }
    side.runs.push_back(*r);
  }
  else
  {
    if (!groups)
    {
      return makeError("run groups cannot be compared here");
    }
    auto g = groups->group(ref.id);
    if (!g)
    {
      return errorOf(g);
    }
    side.group = *g;
    auto members = store.runsOfGroup(ref.id);
    if (!members)
    {
      return errorOf(members);
    }
    for (const RunRecord& r : *members)
    {
      if (!r.test.empty())
      {
        side.runs.push_back(r);
      }
    }
    if (side.runs.empty())
    {
      return makeError("group " + std::to_string(ref.id) + " (" + g->name +
                       ") has no member with test results yet");
    }
  }
  for (const RunRecord& r : side.runs)
  {
    if (r.test.empty())
    {
      return makeError(label(r) + " has no test results (status: " + wordOf(r.status) + ")");
    }
    auto rows = store.userMetrics(r.id, "test");
    if (!rows)
    {
      return errorOf(rows);
    }
    if (rows->empty())
    {
      return makeError(label(r) +
                       " kept no per-user test results (baselines recorded before "
                       "this version did not): run it again to compare it");
    }
    side.rows.push_back(std::move(*rows));
  }
  return side;
}

}  // namespace

Result<RunSignificance> compareRuns(RunStore& store, int64_t runA, int64_t runB,
                                    const std::string& metric, const PairedOptions& options)
{
  return compareSides(store, nullptr, {runA, false}, {runB, false}, metric, options);
}

Result<RunSignificance> compareSides(RunStore& store, GroupStore* groups,
                                     const SignificanceSide& sideA, const SignificanceSide& sideB,
                                     const std::string& metric, const PairedOptions& options)
{
  if (sideA.id == sideB.id && sideA.group == sideB.group)
  {
    const std::string what = sideA.group ? "group " : "run ";
    return makeError("compare two different " + std::string(sideA.group ? "groups" : "runs") +
                     " (both are " + what + std::to_string(sideA.id) + ")");
  }
  auto a = loadSide(store, groups, sideA);
  if (!a)
  {
    return errorOf(a);
  }
  auto b = loadSide(store, groups, sideB);
  if (!b)
  {
    return errorOf(b);
  }
  const RunRecord& first = a->runs.front();
  for (const Side* side : {&*a, &*b})
  {
    for (const RunRecord& r : side->runs)
    {
      if (r.datasetId != first.datasetId)
      {
        return makeError(label(first) + " is on dataset '" + first.datasetName + "', " + label(r) +
                         " on '" + r.datasetName +
                         "': only runs on the same dataset and split compare");
      }
      if (r.task != first.task)
      {
        return makeError(label(first) + " is a " + wordOf(first.task) + " run, " + label(r) +
                         " a " + wordOf(r.task) +
                         " run: their per-user results measure different things");
      }
      if (withoutCutoff(r.test.protocol) != withoutCutoff(first.test.protocol))
      {
        return makeError("the runs were evaluated under different protocols: " + label(first) +
                         ": '" + first.test.protocol + "'; " + label(r) + ": '" + r.test.protocol +
                         "'");
      }
    }
  }
  for (const RunRecord& r : a->runs)
  {
    for (const RunRecord& o : b->runs)
    {
      if (r.id == o.id)
      {
        return makeError(label(r) + " is on both sides: compare runs that differ");
      }
    }
  }
  RunSignificance out;
  out.a = first;
  out.b = b->runs.front();
  for (const Side* side : {&*a, &*b})
  {
    auto& group = side == &*a ? out.groupA : out.groupB;
    auto& members = side == &*a ? out.membersA : out.membersB;
    group = side->group;
    for (const RunRecord& r : side->runs)
    {
      members.push_back(r.id);
    }
  }
  out.protocol = first.test.protocol;
  try
  {
    const std::string m = metric.empty() ? defaultSignificanceMetric(first) : metric;
    std::vector<const std::vector<UserMetricRow>*> rowsA;
    std::vector<const std::vector<UserMetricRow>*> rowsB;
    for (const auto& rows : a->rows)
    {
      rowsA.push_back(&rows);
    }
    for (const auto& rows : b->rows)
    {
      rowsB.push_back(&rows);
    }
    out.comparison = pairedGroupComparison(rowsA, rowsB, first.task, m, options);
  }
  catch (const std::invalid_argument& e)
  {
    return makeError(e.what());
  }
  return out;
}

std::string RunSignificance::nameA() const
{
  return groupA ? groupA->name + " (" + std::to_string(membersA.size()) + " seeds)" : a.name;
}

std::string RunSignificance::nameB() const
{
  return groupB ? groupB->name + " (" + std::to_string(membersB.size()) + " seeds)" : b.name;
}

Json RunSignificance::toJson() const
{
  Json j = comparison.toJson();
  const auto ids = [](const std::vector<int64_t>& v)
  {
    Json arr = Json::array();
    for (int64_t id : v)
    {
      arr.push_back(id);
    }
    return arr;
  };
  if (groupA)
  {
    j["group_a"] = groupA->id;
    j["runs_a"] = ids(membersA);
  }
  else
  {
    j["run_a"] = a.id;
  }
  if (groupB)
  {
    j["group_b"] = groupB->id;
    j["runs_b"] = ids(membersB);
  }
  else
  {
    j["run_b"] = b.id;
  }
  j["name_a"] = nameA();
  j["name_b"] = nameB();
  j["dataset"] = a.datasetName;
  j["protocol"] = protocol;
  return j;
}

}  // namespace m6
