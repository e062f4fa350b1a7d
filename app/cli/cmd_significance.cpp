// m6-cli significance: is run A better than run B on the same split? (see
// app/runner/run_significance.h)
#include <cmath>
#include <sstream>

#include "app/cli/cli.h"
#include "app/cli/run_driver.h"
#include "app/runner/run_significance.h"

namespace m6::cli
{

namespace
{

// A side named on the command line: "group:ID" (or "group:NAME") is a run group, anything else
// a run by id or name.
SignificanceSide sideOf(Context& ctx, const std::string& token)
{
  const std::string prefix = "group:";
  if (token.rfind(prefix, 0) == 0)
  {
    return {resolveGroup(ctx, token.substr(prefix.size())).id, true};
  }
  return {resolveRun(ctx, token).id, false};
}

std::string sideText(const SignificanceSide& side, const RunSignificance& r, bool isA)
{
  const std::vector<int64_t>& members = isA ? r.membersA : r.membersB;
  if (!side.group)
  {
    return "run " + std::to_string(members.front()) + " (" + (isA ? r.nameA() : r.nameB()) + ")";
  }
  std::string runs;
  for (int64_t id : members)
  {
    runs += (runs.empty() ? "" : ", ") + std::to_string(id);
  }
  return "group " + std::to_string(side.id) + " (" + (isA ? r.nameA() : r.nameB()) + "; runs " +
         runs + ", each user's value averaged over them)";
}

int cmdSignificance(Context& ctx, const Args& a)
{
  const SignificanceSide sa = sideOf(ctx, a.positional()[0]);
  const SignificanceSide sb = sideOf(ctx, a.positional()[1]);
  PairedOptions options;
  options.resamples = static_cast<int>(a.intValue("resamples", 10000, 1, 1000000));
  options.seed = static_cast<uint64_t>(a.intValue("seed", 1, 1, INT64_MAX));
  RunStore store(ctx.workspace());
  GroupStore groups(ctx.workspace());
  auto result = compareSides(store, &groups, sa, sb, a.value("metric"), options);
  if (!result)
  {
    throw CliError(result.error());
  }
  const PairedComparison& c = result->comparison;
  std::ostringstream h;
  h << "A: " << sideText(sa, *result, true) << "\nB: " << sideText(sb, *result, false) << "\n"
    << "dataset " << result->a.datasetName << "; " << result->protocol << "\n\n"
    << c.metric << " over " << formatCount(c.users) << " users: A " << formatNumber(c.meanA)
    << ", B " << formatNumber(c.meanB) << "\n"
    << "mean difference (A - B) " << formatNumber(c.meanDifference, "%+.4f") << ", 95% interval ["
    << formatNumber(c.ci.low, "%+.4f") << ", " << formatNumber(c.ci.high, "%+.4f")
    << "] (paired bootstrap, " << formatCount(c.resamples) << " resamples, seed " << c.seed << ")\n"
    << "Wilcoxon signed-rank p = " << formatNumber(c.wilcoxon.pValue, "%.3g") << " ("
    << (c.wilcoxon.exact ? "exact" : "normal approximation") << ", " << formatCount(c.wilcoxon.n)
    << " users differ)\n"
    << "A better for " << formatCount(c.better) << " users, worse for " << formatCount(c.worse)
    << ", tied for " << formatCount(c.tied) << "\n"
    << significanceVerdict(c) << "\n";
  ctx.finish(result->toJson(), h.str());
  return 0;
}

}  // namespace

Command significanceCommand()
{
  return {
      {"significance",
       "RUN_A RUN_B",
       "Is run A better than run B? A paired test over users on the same split",
       "Pairs the two runs' per-user test results by user (the runs must be on the same "
       "dataset, split and protocol, with the same held-out item for every user) and reports "
       "the mean difference A - B of the metric, its 95% paired-bootstrap interval, the "
       "Wilcoxon signed-rank p-value and how many users A does better, worse or the same "
       "for. Works between any recorded runs, baselines included. A side written group:ID (or "
       "group:NAME) is a run group (train --seeds N): each user's value on that side is the "
       "mean over the group's members with test results.",
       {{"metric", "M",
         "ndcg@K, hr@K, mrr@K or recall@K for ranking runs (any K; default ndcg at the "
         "run's K), logloss for ctr, abs_error or squared_error for rating"},
        {"resamples", "N", "bootstrap resamples (default 10000)"},
        {"seed", "S", "the bootstrap's seed (default 1): the same seed gives the same interval"}},
       2,
       2},
      cmdSignificance};
}

}  // namespace m6::cli
