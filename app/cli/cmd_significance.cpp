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

int cmdSignificance(Context& ctx, const Args& a)
{
  RunRecord ra = resolveRun(ctx, a.positional()[0]);
  RunRecord rb = resolveRun(ctx, a.positional()[1]);
  PairedOptions options;
  options.resamples = static_cast<int>(a.intValue("resamples", 10000, 1, 1000000));
  options.seed = static_cast<uint64_t>(a.intValue("seed", 1, 1, INT64_MAX));
  RunStore store(ctx.workspace());
  auto result = compareRuns(store, ra.id, rb.id, a.value("metric"), options);
  if (!result)
  {
    throw CliError(result.error());
  }
  const PairedComparison& c = result->comparison;
  std::ostringstream h;
  h << "A: run " << ra.id << " (" << ra.name << ")\nB: run " << rb.id << " (" << rb.name << ")\n"
    << "dataset " << ra.datasetName << "; " << result->protocol << "\n\n"
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
       "for. Works between any recorded runs, baselines included.",
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
