// The metric set, metric names and protocols, per-user rows and the activity breakdown of
// metrics.h.
#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "model/core/metrics.h"

namespace m6
{

namespace
{

const double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isRankingMetric(const std::string& bare)
{
  return bare == "hr" || bare == "ndcg" || bare == "mrr" || bare == "recall" ||
         bare == "coverage" || bare == "diversity";
}

// Appends a pointwise row's (prediction, label) pairs: its points, else its own pair.
void pointsOf(const UserMetricRow& r, std::vector<double>* pred, std::vector<double>* truth,
              std::vector<int>* labels)
{
  auto add = [&](double p, double l)
  {
    pred->push_back(p);
    truth->push_back(l);
    labels->push_back(l > 0.5 ? 1 : 0);
  };
  if (r.points.empty())
  {
    add(r.prediction, r.label);
    return;
  }
  for (const auto& [p, l] : r.points)
  {
    add(p, l);
  }
}

}  // namespace

std::string metricName(const std::string& bare, int k)
{
  return isRankingMetric(bare) ? bare + "@" + std::to_string(k) : bare;
}

std::string rankingProtocol(int k, bool sampled)
{
  std::string s = "leave-one-out by time; ";
  if (sampled)
  {
    s += "target ranked against 100 sampled negatives (inflated, not comparable to full "
         "ranking)";
  }
  else
  {
    s += "full ranking over items unseen in train";
  }
  return s + "; K=" + std::to_string(k);
}

std::string pointwiseProtocol(Task task, double ctrThreshold)
{
  if (task == Task::Ctr)
  {
    std::ostringstream os;
    os << ctrThreshold;
    return "leave-one-out by time; held-out interactions, label = rating >= " + os.str();
  }
  return "leave-one-out by time; held-out ratings";
}

void MetricSet::set(const std::string& name, double value)
{
  for (auto& kv : values)
  {
    if (kv.first == name)
    {
      kv.second = value;
      return;
    }
  }
  values.emplace_back(name, value);
}

bool MetricSet::has(const std::string& name) const
{
  return std::any_of(values.begin(), values.end(),
                     [&](const std::pair<std::string, double>& kv) { return kv.first == name; });
}

double MetricSet::get(const std::string& name, double fallback) const
{
  for (const auto& kv : values)
  {
    if (kv.first == name)
    {
      return kv.second;
    }
  }
  return fallback;
}

Json MetricSet::valuesJson() const
{
  Json o = Json::object();
  for (const auto& kv : values)
  {
    o[kv.first] = kv.second;
  }
  return o;
}

Json MetricSet::toJson() const
{
  Json o = Json::object();
  o["protocol"] = protocol;
  o["metrics"] = valuesJson();
  return o;
}

MetricSet MetricSet::fromJson(const Json& json)
{
  const Json* protocol = json.find("protocol");
  const Json* metrics = json.find("metrics");
  if (!json.isObject() || !protocol || !protocol->isString() || !metrics || !metrics->isObject())
  {
    throw std::invalid_argument("metric set: expected {\"protocol\": \"...\", \"metrics\": {...}}");
  }
  MetricSet m;
  m.protocol = protocol->asString();
  for (const auto& kv : metrics->asObject())
  {
    if (!kv.second.isNumber() && !kv.second.isNull())
    {
      throw std::invalid_argument("metric set: '" + kv.first + "' is not a number");
    }
    m.values.emplace_back(kv.first, kv.second.asDouble());  // null reads back as NaN
  }
  return m;
}

bool MetricSet::operator==(const MetricSet& other) const
{
  if (protocol != other.protocol || values.size() != other.values.size())
  {
    return false;
  }
  for (size_t i = 0; i < values.size(); ++i)
  {
    const auto& a = values[i];
    const auto& b = other.values[i];
    bool bothNaN = std::isnan(a.second) && std::isnan(b.second);
    if (a.first != b.first || (!bothNaN && a.second != b.second))
    {
      return false;
    }
  }
  return true;
}

double rowRankingMetric(const UserMetricRow& row, const std::string& bare, int k)
{
  if (bare == "hr")
  {
    return hitAtK(row.rank, k);
  }
  if (bare == "mrr")
  {
    return mrrAtK(row.rank, k);
  }
  if (bare == "ndcg")
  {
    return row.ranks.empty() ? ndcgAtK(row.rank, k) : ndcgAtK(row.ranks, k);
  }
  if (bare == "recall")
  {
    // One held-out target: recall@K equals HR@K.
    return row.ranks.empty() ? hitAtK(row.rank, k) : recallAtK(row.ranks, k);
  }
  throw std::invalid_argument("not a per-user ranking metric: " + bare);
}

std::vector<std::pair<std::string, double>> rowValues(const UserMetricRow& row, Task task, int k)
{
  if (task == Task::Ranking)
  {
    return {{metricName("hr", k), rowRankingMetric(row, "hr", k)},
            {metricName("ndcg", k), rowRankingMetric(row, "ndcg", k)},
            {metricName("mrr", k), rowRankingMetric(row, "mrr", k)},
            {metricName("recall", k), rowRankingMetric(row, "recall", k)}};
  }
  std::vector<double> pred;
  std::vector<double> truth;
  std::vector<int> labels;
  pointsOf(row, &pred, &truth, &labels);
  if (task == Task::Ctr)
  {
    return {{"logloss", logLoss(pred, labels)}};
  }
  double error = 0;
  double absError = 0;
  for (size_t i = 0; i < pred.size(); ++i)
  {
    error += pred[i] - truth[i];
    absError += std::fabs(pred[i] - truth[i]);
  }
  const double n = static_cast<double>(pred.size());
  return {{"error", error / n}, {"abs_error", absError / n}};
}

std::vector<UserMetricRow> rowsPerUser(const std::vector<UserMetricRow>& interactions)
{
  std::vector<UserMetricRow> out;
  for (const auto& r : interactions)
  {
    if (!out.empty() && out.back().user == r.user)
    {
      UserMetricRow& u = out.back();
      if (u.points.empty())
      {
        u.points.emplace_back(u.prediction, u.label);
      }
      u.points.emplace_back(r.prediction, r.label);
      continue;
    }
    out.push_back(r);
    out.back().points.clear();
  }
  return out;
}

MetricSet aggregateRows(const std::vector<UserMetricRow>& rows, Task task, int k,
                        const std::string& protocol)
{
  MetricSet m;
  m.protocol = protocol;
  if (task == Task::Ranking)
  {
    double hr = 0;
    double ndcg = 0;
    double mrr = 0;
    double recall = 0;
    for (const auto& r : rows)
    {
      hr += rowRankingMetric(r, "hr", k);
      ndcg += rowRankingMetric(r, "ndcg", k);
      mrr += rowRankingMetric(r, "mrr", k);
      recall += rowRankingMetric(r, "recall", k);
    }
    double n = rows.empty() ? kNaN : static_cast<double>(rows.size());
    m.set(metricName("hr", k), hr / n);
    m.set(metricName("ndcg", k), ndcg / n);
    m.set(metricName("mrr", k), mrr / n);
    // Leave-one-out has one held-out item per user, so there recall@K equals HR@K.
    m.set(metricName("recall", k), recall / n);
    return m;
  }
  std::vector<double> pred;
  std::vector<double> truth;
  std::vector<int> labels;
  for (const auto& r : rows)
  {
    pointsOf(r, &pred, &truth, &labels);
  }
  if (task == Task::Ctr)
  {
    m.set("auc", auc(pred, labels));
    m.set("logloss", logLoss(pred, labels));
  }
  else
  {
    m.set("rmse", rmse(pred, truth));
    m.set("mae", mae(pred, truth));
  }
  return m;
}

ActivityBucket activityBucket(int64_t trainInteractions)
{
  if (trainInteractions <= kColdMaxInteractions)
  {
    return ActivityBucket::Cold;
  }
  if (trainInteractions <= kMediumMaxInteractions)
  {
    return ActivityBucket::Medium;
  }
  return ActivityBucket::Heavy;
}

const char* activityBucketName(ActivityBucket b)
{
  switch (b)
  {
    case ActivityBucket::Cold:
      return "cold";
    case ActivityBucket::Medium:
      return "medium";
    case ActivityBucket::Heavy:
      return "heavy";
  }
  return "?";
}

std::vector<BucketMetrics> breakdownByActivity(const std::vector<UserMetricRow>& rows, Task task,
                                               int k, const std::string& protocol)
{
  std::vector<BucketMetrics> out;
  for (auto b : {ActivityBucket::Cold, ActivityBucket::Medium, ActivityBucket::Heavy})
  {
    std::vector<UserMetricRow> mine;
    for (const auto& r : rows)
    {
      if (activityBucket(r.trainInteractions) == b)
      {
        mine.push_back(r);
      }
    }
    BucketMetrics bm;
    bm.bucket = activityBucketName(b);
    bm.users = static_cast<int64_t>(mine.size());
    if (!mine.empty())
    {
      bm.metrics = aggregateRows(mine, task, k, protocol);
    }
    out.push_back(std::move(bm));
  }
  return out;
}

}  // namespace m6
