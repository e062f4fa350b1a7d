// Evaluation metrics, the named metric set every report carries with its protocol, per-user rows
// and the breakdown by user activity.
//
// Ranks are 0-based: rank 0 is the top of the list. Tie policy: a target whose score equals the
// score of other candidates is ranked AFTER all of them (pessimistic), so a constant scorer gets
// the worst possible rank instead of a lucky one. A NaN target score ranks last; NaN scores of
// other candidates rank after the target.
//
// Names are lower case; ranking metrics carry their cut-off: "hr@10", "ndcg@10", "mrr@10",
// "recall@10", "coverage@10", "diversity@10"; pointwise ones do not: "auc", "logloss", "rmse",
// "mae".
//
// Thread affinity: none; pure functions and plain values.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "model/core/config_values.h"
#include "model/core/json.h"

namespace m6
{

// ---- ranking ----------------------------------------------------------------------------------

/// Rank of `target` among the candidates: every index of scores[0..n) whose `excluded` flag is 0
/// (excluded may be null). The target counts as a candidate even when flagged excluded.
int64_t targetRank(const float* scores, int64_t n, int64_t target, const uint8_t* excluded);

/// The k best candidates, best first; equal scores are ordered by index. NaN scores rank last.
std::vector<int32_t> topK(const float* scores, int64_t n, int k, const uint8_t* excluded);

/// The 0-based position `item` takes in topK(scores, n, n, excluded), the order of recommendation
/// lists (unlike targetRank, ties do not count against it). The item counts as a candidate even
/// when flagged excluded.
int64_t listPosition(const float* scores, int64_t n, int64_t item, const uint8_t* excluded);

double hitAtK(int64_t rank, int k);   // 1 if rank < k, else 0
double ndcgAtK(int64_t rank, int k);  // 1 / log2(rank + 2) if rank < k, else 0 (one target)
double mrrAtK(int64_t rank, int k);   // 1 / (rank + 1) if rank < k, else 0

/// Several relevant items of one user, given their ranks: the share found in the top k.
double recallAtK(const std::vector<int64_t>& targetRanks, int k);
/// Several relevant items: DCG of the hits over the ideal DCG of min(targets, k) hits.
double ndcgAtK(const std::vector<int64_t>& targetRanks, int k);

/// Share of the catalogue that appears in at least one of the lists.
double coverage(const std::vector<std::vector<int32_t>>& lists, int64_t numItems);

/// Intra-list diversity of one list: the share of item pairs with different categories; items
/// with an unknown category (< 0) are skipped. NaN when fewer than two items have a category.
double intraListDiversity(const std::vector<int32_t>& list,
                          const std::vector<int32_t>& itemCategory);

// ---- pointwise --------------------------------------------------------------------------------

/// Area under the ROC curve (ties count one half). NaN unless both labels occur.
double auc(const std::vector<double>& scores, const std::vector<int>& labels);
/// Mean binary cross-entropy of probabilities, clipped to [1e-7, 1 - 1e-7].
double logLoss(const std::vector<double>& probabilities, const std::vector<int>& labels);
double rmse(const std::vector<double>& predictions, const std::vector<double>& truth);
double mae(const std::vector<double>& predictions, const std::vector<double>& truth);

// ---- metric sets ------------------------------------------------------------------------------

/// "ndcg" + k -> "ndcg@10" for ranking metrics; pointwise names are returned unchanged.
std::string metricName(const std::string& bare, int k);

/// Protocol labels. Every MetricSet carries one, so a sampled figure is never read as a full one.
std::string rankingProtocol(int k, bool sampled);
std::string pointwiseProtocol(Task task, double ctrThreshold);

/// Ordered name -> value, plus the protocol the values were measured under.
struct MetricSet
{
  std::string protocol;
  std::vector<std::pair<std::string, double>> values;

  void set(const std::string& name, double value);  // replaces or appends
  bool has(const std::string& name) const;
  double get(const std::string& name,
             double fallback = std::numeric_limits<double>::quiet_NaN()) const;
  bool empty() const { return values.empty(); }

  /// {"protocol": "...", "metrics": {"ndcg@10": x, ...}}
  Json toJson() const;
  /// Just the values: {"ndcg@10": x, ...} (what the CLI prints beside a separate "protocol").
  Json valuesJson() const;
  /// Reads toJson()'s shape. Throws std::invalid_argument when it is not that shape.
  static MetricSet fromJson(const Json& json);

  bool operator==(const MetricSet& other) const;
};

// ---- per user ---------------------------------------------------------------------------------

/// One evaluated user: the held-out target and how the model did on it.
struct UserMetricRow
{
  int32_t user = -1;
  int32_t item = -1;              // the held-out target item
  int64_t trainInteractions = 0;  // the user's training interactions (activity)
  int64_t rank = -1;  // ranking: 0-based rank of the target (the best-ranked one); -1 pointwise
  /// Ranking with several held-out targets per user (ratio and global-time splits): every
  /// target's rank in the same list (other targets count as candidates above it, as in RecBole);
  /// empty for one target (leave-one-out), whose rank is `rank`.
  std::vector<int64_t> ranks;
  double prediction = std::numeric_limits<double>::quiet_NaN();  // score, probability or rating
  double label = std::numeric_limits<double>::quiet_NaN();       // ctr 0/1 or the true rating
  /// Pointwise tasks with several held-out interactions for the user (ratio and global splits):
  /// every one's (prediction, label) in held-out order, the first being `prediction`, `label`;
  /// empty for one. Per-user values are means over them; aggregates count each one.
  std::vector<std::pair<double, double>> points;
};

/// Pointwise rows of single interactions, in user order, as one row per user (several
/// interactions of a user go into UserMetricRow::points).
std::vector<UserMetricRow> rowsPerUser(const std::vector<UserMetricRow>& interactions);

/// One ranking metric of one row ("hr", "ndcg", "mrr" or "recall" at k): with several targets,
/// HR is whether any is in the top k, MRR the first hit's reciprocal rank, Recall the share of
/// the targets in the top k and NDCG the hits' DCG over the ideal DCG (metrics.h).
double rowRankingMetric(const UserMetricRow& row, const std::string& bare, int k);

/// The metric values of one row: hr/ndcg/mrr/recall@k (ranking), logloss (ctr), error and
/// absolute error (rating).
std::vector<std::pair<std::string, double>> rowValues(const UserMetricRow& row, Task task, int k);

/// Aggregates rows into a MetricSet: means of the ranking metrics, or AUC/LogLoss (ctr), or
/// RMSE/MAE (rating) over the rows.
MetricSet aggregateRows(const std::vector<UserMetricRow>& rows, Task task, int k,
                        const std::string& protocol);

/// User activity by the number of training interactions: cold <= 5, medium 6..20, heavy > 20.
enum class ActivityBucket
{
  Cold,
  Medium,
  Heavy
};
constexpr int64_t kColdMaxInteractions = 5;
constexpr int64_t kMediumMaxInteractions = 20;

ActivityBucket activityBucket(int64_t trainInteractions);
const char* activityBucketName(ActivityBucket b);  // "cold", "medium", "heavy"

struct BucketMetrics
{
  std::string bucket;  // "cold", "medium", "heavy"
  int64_t users = 0;
  MetricSet metrics;  // aggregateRows over the bucket's rows (empty when users == 0)
};

/// One entry per bucket, cold, medium, heavy, always all three.
std::vector<BucketMetrics> breakdownByActivity(const std::vector<UserMetricRow>& rows, Task task,
                                               int k, const std::string& protocol);

}  // namespace m6
