// What the per-user view and the embedding map show: embeddings with their 2-D PCA map,
// and attention statistics across users. Plain structs, no torch; Predictor (engine.h) and
// ModelPackage (package.h) fill them.
//
// Thread affinity: none; plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace m6
{

/// A row-major float matrix with a label per row.
struct EmbeddingTable
{
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> values;               // rows x cols, row-major
  std::vector<std::string> ids;            // external id per row
  std::vector<std::string> titles;         // items: display title ("" when none); users: ""
  std::vector<std::string> category;       // items: category value; users: their most frequent
                                           // training category; "" when unknown
  std::vector<int32_t> categoryCode;       // index into categoryNames, -1 when unknown
  std::vector<std::string> categoryNames;  // the category field's vocabulary (may be empty)
  std::string categoryField;               // the item field the categories come from, or ""
  std::vector<int32_t> index;              // entity index per row; empty: row r is entity r

  const float* row(int64_t r) const { return values.data() + r * cols; }
};

/// The first two principal components of a table's rows (centred, not scaled).
struct Projection2D
{
  std::vector<float> x;          // per row, coordinate on component 1
  std::vector<float> y;          // per row, coordinate on component 2
  double explained[2] = {0, 0};  // share of the total variance per component (0..1)
  double totalVariance = 0;      // sum of the per-column variances
};

/// Item tokens and user vectors with their maps.
struct Embeddings
{
  EmbeddingTable items;        // the item token of every item (what the scorers compare)
  EmbeddingTable users;        // dot: the user vector the dot scorer multiplies with item tokens
                               // (after the fusion, for the Predictor's default query: training
                               // history, test-time context); mlp: the user token u
  std::string userVectorKind;  // "dot: user vector after fusion" | "mlp: user token"
  Projection2D itemMap;
  Projection2D userMap;
};

struct EmbeddingOptions
{
  bool items = true;
  bool users = true;
  bool projections = true;  // compute the PCA maps
  /// The users to compute, ascending (empty: every user); the users' table then has these rows
  /// (EmbeddingTable::index) and their PCA is fitted on them. Sources that cannot choose give
  /// every user.
  std::vector<int32_t> userRows;
};

struct AttentionStatsOptions
{
  std::vector<int32_t> users;  // user indices; empty = every evaluable user (with a test target)
  int maxUsers = 2000;         // above this, a deterministic sample of that many users
  uint64_t seed = 1;           // of the sample
  int entropyBins = 20;        // histogram bins over [0, log(L + 2)] nats
};

/// One head of one fusion layer, averaged over the users.
struct HeadAttention
{
  int layer = 0;
  int head = 0;
  double userShare = 0;     // mean weight on the user token
  double contextShare = 0;  // mean weight on the context token
  double historyShare = 0;  // mean total weight on history tokens (the three shares sum to 1)
  /// [p - 1] = mean weight on the p-th most recent history item (p = 1..L); a user with fewer
  /// items contributes 0 there, so these sum to historyShare.
  std::vector<double> historyByRecency;
  double meanEntropy = 0;                 // nats, over the user's real tokens
  double meanNormalisedEntropy = 0;       // entropy / log(tokens): 0 = one token, 1 = uniform
  std::vector<int64_t> entropyHistogram;  // users per bin (edges in AttentionStats)
  /// Planted trigger categories (demo ground truth): mean weight per history token of a trigger
  /// category and of the other items, over the users that have both kinds. NaN without them.
  double triggerWeight = 0;
  double otherWeight = 0;
};

struct AttentionStats
{
  int64_t users = 0;  // users averaged over
  int layers = 0;
  int heads = 0;
  int historyLength = 0;
  /// Per user the attention behind their test item's score: the dot scorer's query is the user
  /// side (the same for every item); the mlp scorer's target attention is over the test item.
  std::string query;
  std::vector<HeadAttention> perHead;   // layer-major: [layer * heads + head]
  std::vector<double> entropyBinEdges;  // entropyBins + 1 edges, in nats
  std::vector<int64_t> historyUsers;    // [p - 1] = users with a p-th most recent item
  // Trigger categories, over every layer and head (the mean of the per-user means).
  bool hasTriggers = false;
  std::vector<std::string> triggerCategories;
  int64_t triggerUsers = 0;  // users with both trigger and other history items
  double triggerWeight = 0;
  double otherWeight = 0;
  std::string note;  // why the trigger comparison is missing, when it is
  bool cancelled = false;
};

}  // namespace m6
