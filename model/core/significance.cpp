#include "model/core/significance.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "model/core/rng.h"

namespace m6
{

namespace
{

constexpr int64_t kExactMaxN = 50;

/// Two-sided normal tail: P(|Z| >= |z|).
double twoSidedNormal(double z)
{
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

/// Linear interpolation between order statistics (numpy's default percentile).
double quantile(const std::vector<double>& sorted, double q)
{
  if (sorted.empty())
  {
    return 0;
  }
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

/// "ndcg@10" -> ("ndcg", 10); ("", 0) when the name has no cut-off.
std::pair<std::string, int> splitCutoff(const std::string& metric)
{
  const auto at = metric.find('@');
  if (at == std::string::npos)
  {
    return {metric, 0};
  }
  const std::string digits = metric.substr(at + 1);
  if (digits.empty() || digits.size() > 6 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
  {
    return {metric, -1};
  }
  return {metric.substr(0, at), std::stoi(digits)};
}

bool isRankingMetric(const std::string& bare)
{
  return bare == "hr" || bare == "ndcg" || bare == "mrr" || bare == "recall";
}

std::string metricsOfTask(Task task)
{
  if (task == Task::Ranking)
  {
    return "ndcg@K, hr@K, mrr@K or recall@K (K from 1 to 100000)";
  }
  if (task == Task::Ctr)
  {
    return "logloss";
  }
  return "abs_error or squared_error";
}

}  // namespace

WilcoxonResult wilcoxonSignedRank(const std::vector<double>& differences)
{
  std::vector<double> mags;
  std::vector<bool> positive;
  for (double d : differences)
  {
    if (d != 0 && !std::isnan(d))
    {
      mags.push_back(std::fabs(d));
      positive.push_back(d > 0);
    }
  }
  WilcoxonResult r;
  r.n = static_cast<int64_t>(mags.size());
  if (r.n == 0)
  {
    return r;  // nothing differs: p = 1
  }
  std::vector<size_t> order(mags.size());
  for (size_t i = 0; i < order.size(); ++i)
  {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return mags[a] < mags[b]; });
  std::vector<double> ranks(mags.size());
  double tieTerm = 0;  // sum of t^3 - t over groups of tied magnitudes
  bool ties = false;
  for (size_t i = 0; i < order.size();)
  {
    size_t j = i;
    while (j + 1 < order.size() && mags[order[j + 1]] == mags[order[i]])
    {
      ++j;
    }
    const double average = (static_cast<double>(i + 1) + static_cast<double>(j + 1)) / 2.0;
    for (size_t m = i; m <= j; ++m)
    {
      ranks[order[m]] = average;
    }
    const auto t = static_cast<double>(j - i + 1);
    if (j > i)
    {
      ties = true;
      tieTerm += t * t * t - t;
    }
    i = j + 1;
  }
  for (size_t i = 0; i < ranks.size(); ++i)
  {
    r.wPlus += positive[i] ? ranks[i] : 0.0;
  }
  const auto n = static_cast<double>(r.n);
  if (r.n <= kExactMaxN && !ties)
  {
    // Under the null every sign pattern is equally likely: count the patterns per rank sum.
    const int64_t maxSum = r.n * (r.n + 1) / 2;
    std::vector<double> ways(static_cast<size_t>(maxSum + 1), 0.0);
    ways[0] = 1;
    for (int64_t rank = 1; rank <= r.n; ++rank)
    {
      for (int64_t s = maxSum; s >= rank; --s)
      {
        ways[static_cast<size_t>(s)] += ways[static_cast<size_t>(s - rank)];
      }
    }
    const double total = std::ldexp(1.0, static_cast<int>(r.n));
    const auto w = static_cast<int64_t>(std::llround(std::min(r.wPlus, n * (n + 1) / 2 - r.wPlus)));
    double tail = 0;
    for (int64_t s = 0; s <= w; ++s)
    {
      tail += ways[static_cast<size_t>(s)];
    }
    r.exact = true;
    r.pValue = std::min(1.0, 2.0 * tail / total);
    return r;
  }
  const double mean = n * (n + 1) / 4.0;
  const double variance = n * (n + 1) * (2 * n + 1) / 24.0 - tieTerm / 48.0;
  r.z = variance > 0 ? (r.wPlus - mean) / std::sqrt(variance) : 0.0;
  r.pValue = variance > 0 ? std::min(1.0, twoSidedNormal(r.z)) : 1.0;
  return r;
}

BootstrapInterval bootstrapMeanInterval(const std::vector<double>& values, int resamples,
                                        uint64_t seed, double confidence)
{
  BootstrapInterval out;
  if (values.empty() || resamples <= 0)
  {
    return out;
  }
  DemoRng rng(seed);
  const auto n = static_cast<uint64_t>(values.size());
  std::vector<double> means(static_cast<size_t>(resamples));
  for (auto& m : means)
  {
    double sum = 0;
    for (uint64_t i = 0; i < n; ++i)
    {
      sum += values[static_cast<size_t>(rng.below(n))];
    }
    m = sum / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  out.low = quantile(means, (1.0 - confidence) / 2.0);
  out.high = quantile(means, (1.0 + confidence) / 2.0);
  return out;
}

bool pairedHigherIsBetter(const std::string& metric)
{
  auto [bare, k] = splitCutoff(metric);
  if (k > 0 && isRankingMetric(bare))
  {
    return true;
  }
  if (k == 0 && (bare == "logloss" || bare == "abs_error" || bare == "squared_error"))
  {
    return false;
  }
  throw std::invalid_argument("unknown metric '" + metric +
                              "': use ndcg@K, hr@K, mrr@K, recall@K, logloss, abs_error or "
                              "squared_error");
}

std::vector<double> perUserValues(const std::vector<UserMetricRow>& rows, Task task,
                                  const std::string& metric)
{
  auto [bare, k] = splitCutoff(metric);
  const bool fits =
      (task == Task::Ranking && isRankingMetric(bare) && k > 0) ||
      (task == Task::Ctr && bare == "logloss" && k == 0) ||
      (task == Task::Rating && (bare == "abs_error" || bare == "squared_error") && k == 0);
  if (!fits)
  {
    throw std::invalid_argument("metric '" + metric + "' does not fit a " + wordOf(task) +
                                " run: use " + metricsOfTask(task));
  }
  std::vector<double> out;
  out.reserve(rows.size());
  for (const auto& r : rows)
  {
    double v = 0;
    if (bare == "hr" || bare == "recall" || bare == "ndcg" || bare == "mrr")
    {
      v = rowRankingMetric(r, bare, k);
    }
    else
    {
      // Pointwise: the mean over the user's held-out interactions (UserMetricRow::points).
      std::vector<std::pair<double, double>> points = r.points;
      if (points.empty())
      {
        points.emplace_back(r.prediction, r.label);
      }
      std::vector<double> pred;
      std::vector<int> labels;
      for (const auto& [p, l] : points)
      {
        const double e = p - l;
        v += bare == "abs_error" ? std::fabs(e) : e * e;
        pred.push_back(p);
        labels.push_back(l > 0.5 ? 1 : 0);
      }
      v = bare == "logloss" ? logLoss(pred, labels) : v / static_cast<double>(points.size());
    }
    out.push_back(v);
  }
  return out;
}

namespace
{

// `rows` in the order of `reference`'s users; throws when the users or held-out targets differ.
// `side` names the rows in the message ("run B", "a member of A").
std::vector<UserMetricRow> alignedTo(const std::vector<UserMetricRow>& reference,
                                     const std::vector<UserMetricRow>& rows,
                                     const std::string& side)
{
  if (rows.empty())
  {
    throw std::invalid_argument(side + " has no per-user test results to compare");
  }
  if (reference.size() != rows.size())
  {
    throw std::invalid_argument(
        "the runs evaluated different users (" + std::to_string(reference.size()) + " and " +
        std::to_string(rows.size()) + "): they were not evaluated on the same split");
  }
  std::unordered_map<int32_t, size_t> rowOfUser;
  rowOfUser.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i)
  {
    rowOfUser.emplace(rows[i].user, i);
  }
  std::vector<UserMetricRow> out;
  out.reserve(reference.size());
  for (const auto& r : reference)
  {
    auto it = rowOfUser.find(r.user);
    if (it == rowOfUser.end())
    {
      throw std::invalid_argument("user #" + std::to_string(r.user) + " was not evaluated by " +
                                  side + ": the runs were not evaluated on the same split");
    }
    const UserMetricRow& other = rows[it->second];
    if (other.item != r.item)
    {
      throw std::invalid_argument("user #" + std::to_string(r.user) + " held out item #" +
                                  std::to_string(r.item) + " in run A and item #" +
                                  std::to_string(other.item) + " in " + side +
                                  ": the runs were not evaluated on the same split");
    }
    out.push_back(other);
  }
  return out;
}

// Per user of `reference` (in its row order), the metric averaged over the side's members.
std::vector<double> memberMeans(const std::vector<UserMetricRow>& reference,
                                const std::vector<const std::vector<UserMetricRow>*>& members,
                                const std::string& side, Task task, const std::string& metric)
{
  if (members.empty())
  {
    throw std::invalid_argument(side + " has no runs with per-user test results to compare");
  }
  std::vector<double> sum(reference.size(), 0.0);
  for (size_t m = 0; m < members.size(); ++m)
  {
    const std::string who = members.size() == 1 ? "run " + side : "a member of " + side;
    const std::vector<double> v =
        perUserValues(alignedTo(reference, *members[m], who), task, metric);
    for (size_t i = 0; i < v.size(); ++i)
    {
      sum[i] += v[i];
    }
  }
  for (double& x : sum)
  {
    x /= static_cast<double>(members.size());
  }
  return sum;
}

}  // namespace

PairedComparison pairedComparison(const std::vector<UserMetricRow>& a,
                                  const std::vector<UserMetricRow>& b, Task task,
                                  const std::string& metric, const PairedOptions& options)
{
  return pairedGroupComparison({&a}, {&b}, task, metric, options);
}

PairedComparison pairedGroupComparison(const std::vector<const std::vector<UserMetricRow>*>& a,
                                       const std::vector<const std::vector<UserMetricRow>*>& b,
                                       Task task, const std::string& metric,
                                       const PairedOptions& options)
{
  if (a.empty() || a.front()->empty())
  {
    throw std::invalid_argument("run A has no per-user test results to compare");
  }
  const std::vector<UserMetricRow>& reference = *a.front();
  const std::vector<double> va = memberMeans(reference, a, "A", task, metric);
  const std::vector<double> vb = memberMeans(reference, b, "B", task, metric);
  const bool higher = pairedHigherIsBetter(metric);
  PairedComparison out;
  out.metric = metric;
  out.users = static_cast<int64_t>(reference.size());
  out.resamples = options.resamples;
  out.seed = options.seed;
  out.differences.resize(va.size());
  std::vector<size_t> byUser(reference.size());
  for (size_t i = 0; i < byUser.size(); ++i)
  {
    byUser[i] = i;
  }
  std::sort(byUser.begin(), byUser.end(),
            [&](size_t x, size_t y) { return reference[x].user < reference[y].user; });
  for (size_t j = 0; j < byUser.size(); ++j)
  {
    const size_t i = byUser[j];
    const double d = va[i] - vb[i];
    out.differences[j] = d;
    out.meanA += va[i];
    out.meanB += vb[i];
    if (d == 0)
    {
      ++out.tied;
    }
    else if ((d > 0) == higher)
    {
      ++out.better;
    }
    else
    {
      ++out.worse;
    }
  }
  const auto n = static_cast<double>(out.users);
  out.meanA /= n;
  out.meanB /= n;
  double sum = 0;
  for (double d : out.differences)
  {
    sum += d;
  }
  out.meanDifference = sum / n;
  out.ci =
      bootstrapMeanInterval(out.differences, options.resamples, options.seed, options.confidence);
  out.wilcoxon = wilcoxonSignedRank(out.differences);
  return out;
}

Json PairedComparison::toJson() const
{
  Json j = Json::object();
  j["metric"] = metric;
  j["users"] = users;
  j["mean_a"] = meanA;
  j["mean_b"] = meanB;
  j["mean_difference"] = meanDifference;
  Json ci95 = Json::array();
  ci95.push_back(ci.low);
  ci95.push_back(ci.high);
  j["ci95"] = ci95;
  j["p_value"] = wilcoxon.pValue;
  Json w = Json::object();
  w["n"] = wilcoxon.n;
  w["w_plus"] = wilcoxon.wPlus;
  w["z"] = wilcoxon.z;
  w["exact"] = wilcoxon.exact;
  j["wilcoxon"] = w;
  j["better"] = better;
  j["worse"] = worse;
  j["tied"] = tied;
  j["resamples"] = resamples;
  j["seed"] = seed;
  return j;
}

std::string significanceVerdict(const PairedComparison& c)
{
  if (c.wilcoxon.n == 0)
  {
    return "no user differs: the runs are indistinguishable on " + c.metric;
  }
  const bool aBetter = pairedHigherIsBetter(c.metric) ? c.meanDifference > 0 : c.meanDifference < 0;
  const std::string who = aBetter ? "A" : "B";
  const bool intervalExcludesZero = c.ci.low > 0 || c.ci.high < 0;
  if (c.wilcoxon.pValue < 0.05 && intervalExcludesZero)
  {
    return who + " is better, significantly (p < 0.05, and the interval excludes 0)";
  }
  if (c.wilcoxon.pValue < 0.05 || intervalExcludesZero)
  {
    return who + " looks better, but the two tests disagree: treat it as weak evidence";
  }
  return "no significant difference (p >= 0.05, the interval includes 0)";
}

}  // namespace m6
