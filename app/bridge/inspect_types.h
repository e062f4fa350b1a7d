// Value types of the inspection bridge (InspectWorker and its GUI handle RunInspector): what a
// loaded model is, one user's profile, recommendations and attention, the per-user metrics of a
// run, attention statistics across users and the embedding map.
//
// Everything is plain data copied through queued signals: strings for display, indices for the
// next request, floats for the plots. No tensors, no pointers into a model or a workspace.
//
// Thread affinity: none; values only. registerInspectTypes() is called by registerBridgeTypes().
#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <cstdint>
#include <limits>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/split.h"
#include "model/engine_types.h"
#include "model/inspection.h"

namespace m6
{

/// What the Inspect views read of a run's dataset and split (built by the inspect worker).
struct InspectCatalog
{
  /// The interactions `split` indexes: the dataset, or `owned` (a model file's histories, or the
  /// copy a random split reorders: model/core/split.h).
  const DatasetSnapshot* data = nullptr;
  std::shared_ptr<const DatasetSnapshot> owned;
  /// The run's split, as its evaluation made it (model/core/split.h); for a model file every
  /// interaction is training and split.name is "".
  Split split;
  std::vector<int32_t> itemCategory;  // per item, a code of categoryNames or -1
  std::vector<std::string> categoryNames;
  std::string categoryField;                   // "" when the dataset has none
  const FieldColumn* categoryMulti = nullptr;  // the category field when multi-valued (genres):
                                               // itemCategory holds its first value only
  const FieldColumn* tags = nullptr;  // a multi-valued item field shown beside the category
  std::vector<int64_t> popularity;    // training interactions per item (0 for cold items)
  bool hasProfiles = true;            // features, ratings and dates are real
  int historyLength = 0;              // L: the model reads the last L training items

  int64_t numUsers() const { return data->numUsers(); }
  int64_t numItems() const { return data->numItems(); }
  int64_t trainCount(int32_t user) const { return split.trainCount(*data, user); }
  /// Whether the item is one of the user's validation (Valid) or test (Test) targets.
  bool isTarget(int32_t user, int32_t item, SplitPart part) const;
  /// Whether the item has category `code` (any of its values for a multi-valued field).
  bool hasCategory(int32_t item, int32_t code) const;
  /// "category · tag, tag" ("" when neither is known; every value of a multi-valued category).
  std::string itemLabel(int32_t item) const;
  /// Index of an external id, or -1 (linear for users and items: called once per request).
  int32_t userIndex(const std::string& id) const;
  int32_t itemIndex(const std::string& id) const;
};

/// Which kind of request a reply or failure belongs to (each has its own stale-reply token).
enum class InspectChannel
{
  Open,
  User,
  Attention,
  Search,
  Metrics,
  Stats,
  Map
};

/// What is loaded for inspection: a run's model (or baseline), or a model file.
struct InspectSourceInfo
{
  qint64 runId = 0;      // 0 for a model file
  QString name;          // the run's name, or the file name
  QString kind;          // "m6", "baseline-pop", "baseline-bpr", "file"
  qint64 datasetId = 0;  // 0 for a model file
  QString datasetName;
  QString task;        // "ranking", "ctr", "rating"
  QString scorer;      // "dot", "mlp" ("" for baselines)
  QString loadedFrom;  // the checkpoint, factors or model file that was read
  bool hasAttention = false;
  QString noAttentionReason;  // why there is no attention panel (baselines)
  bool usesContext = false;   // hour / day of week change the scores
  bool hasProfiles = true;    // features, ratings and dates are known (false for a model file)
  bool hasEmbeddings = false;
  int layers = 0;
  int heads = 0;
  int historyLength = 0;
  int evalK = 10;
  qint64 users = 0;
  qint64 items = 0;
  QString categoryField;   // the item field shown as "category" ("" when none)
  QStringList categories;  // its values, in code order (the category filter)
  QStringList userFields;  // user feature names (search, map colours)
  QString note;            // e.g. "BPR-MF factors trained again and saved"
};

/// One user request: the profile, top K and the attention behind one recommendation.
struct UserRequest
{
  qint32 user = -1;  // user index; when < 0, userId is looked up
  QString userId;    // external id
  int k = 10;
  ContextOverride context;  // -1 = the default (the test interaction's time)
  int category = -1;        // category filter: a code of InspectSourceInfo::categories; -1 = all
  qint32 explainItem = -1;  // -1 = the first recommendation
  qint32 compareItem = -1;  // -1 = no comparison
};

/// One interaction of the user's timeline.
struct HistoryEntry
{
  qint32 item = -1;
  QString itemId;
  QString title;
  QString category;  // category value, and the item's tags after " · "
  double rating = std::numeric_limits<double>::quiet_NaN();
  qint64 time = DatasetSnapshot::kMissingTs;  // Unix seconds (UTC)
  QString part;           // "train", "valid" (held-out validation), "test" (held-out test)
  bool inWindow = false;  // one of the last L training items the model reads
};

struct UserProfile
{
  qint32 user = -1;
  QString userId;
  std::vector<std::pair<QString, QString>> features;  // name, value ("–" when missing)
  std::vector<HistoryEntry> history;                  // oldest first
  qint64 trainCount = 0;
  qint32 validItem = -1;
  qint32 testItem = -1;
  QString message;  // e.g. the user has no history
};

struct RecommendationRow
{
  int rank = 0;  // 1-based
  qint32 item = -1;
  QString itemId;
  QString title;
  QString category;  // category · tags
  float score = 0;
  qint64 popularity = 0;     // training interactions of the item
  bool validTarget = false;  // the user's held-out validation item
  bool testTarget = false;   // the user's held-out test item
  bool cold = false;         // a cold item of the cold-item protocol
  int defaultRank = 0;       // 1-based rank under the default context; 0 when not compared
};

/// The attention behind one (user, item) score, as the heatmap shows it.
struct AttentionMap
{
  bool valid = false;
  qint32 user = -1;
  qint32 item = -1;
  QString itemId;
  QString title;
  float score = 0;
  QStringList tokens;             // "user", "context", then "<id> <title>" oldest first
  std::vector<qint32> tokenItem;  // item index per token, -1 for user and context
  int layers = 0;
  int heads = 0;
  std::vector<float> weights;  // [layer][head][token], row-major
  QString note;                // e.g. the item was never seen in training

  int tokenCount() const { return static_cast<int>(tokens.size()); }
  float weight(int layer, int head, int token) const
  {
    return weights[static_cast<size_t>(layer * heads + head) * static_cast<size_t>(tokenCount()) +
                   static_cast<size_t>(token)];
  }
};

struct UserView
{
  qint64 runId = 0;
  UserProfile profile;
  int k = 10;
  ContextOverride context;
  int category = -1;
  std::vector<RecommendationRow> recommendations;
  bool contextCompared = false;  // defaultRank is filled (a context override is set)
  AttentionMap attention;        // of explainItem (or the first recommendation)
  AttentionMap compare;          // of compareItem, when asked
  QString attentionMessage;      // why there is no attention, when there is none
  double seconds = 0;            // time the worker spent on the request
};

/// Attention for one (user, item) pair, and optionally a second item on the same scale.
struct AttentionRequest
{
  qint32 user = -1;
  QString itemId;  // looked up when item < 0 ("Explain item…")
  qint32 item = -1;
  qint32 compareItem = -1;
  ContextOverride context;
};

struct AttentionPair
{
  AttentionMap first;
  AttentionMap second;  // invalid unless a comparison was asked
};

struct UserMatch
{
  qint32 user = -1;
  QString userId;
  QString why;  // "id", "region = north", ...
};

struct UserMatches
{
  QString query;
  std::vector<UserMatch> matches;
  bool truncated = false;
};

/// One evaluated user of the run's test set.
struct UserMetricEntry
{
  qint32 user = -1;
  QString userId;
  qint32 item = -1;  // the held-out test item
  QString itemId;
  QString title;
  qint64 rank = -1;  // 0-based (ranking tasks); -1 otherwise
  double ndcg = 0;
  double hit = 0;
  qint64 history = 0;  // training interactions
  QString bucket;      // "cold", "medium", "heavy"
  double prediction = std::numeric_limits<double>::quiet_NaN();
};

struct UserMetricsTable
{
  qint64 runId = 0;
  QString task;
  int k = 10;
  QString source;  // "recorded with the run" | "computed now (full ranking)"
  QString protocol;
  std::vector<UserMetricEntry> rows;
};

/// A colouring of the embedding map: a label per code, a code per point (-1 unknown).
struct MapColouring
{
  QString name;
  QStringList labels;
  std::vector<qint32> codes;
};

struct EmbeddingMap
{
  bool items = true;          // items or users
  qint64 total = 0;           // points before sampling
  std::vector<qint32> index;  // item or user index per point shown
  std::vector<float> x;
  std::vector<float> y;
  QStringList ids;
  QStringList titles;  // items: titles; users: ""
  std::vector<MapColouring> colourings;
  double explained[2] = {0, 0};
  QString vectorKind;  // what a user point is (engine's userVectorKind)
  QString note;        // "4,000 of 12,000 items shown (deterministic sample)", or ""
};

/// Attention across users, as the engine computed it, for the run it belongs to.
struct AttentionStatsView
{
  qint64 runId = 0;
  AttentionStats stats;
};

void registerInspectTypes();

/// An interaction time as the Inspect page shows it: "2024-05-01 10:00" (UTC), or "–".
QString formatTime(int64_t unixSeconds);

}  // namespace m6

Q_DECLARE_METATYPE(m6::InspectChannel)
Q_DECLARE_METATYPE(m6::InspectSourceInfo)
Q_DECLARE_METATYPE(m6::UserRequest)
Q_DECLARE_METATYPE(m6::UserView)
Q_DECLARE_METATYPE(m6::AttentionRequest)
Q_DECLARE_METATYPE(m6::AttentionPair)
Q_DECLARE_METATYPE(m6::UserMatches)
Q_DECLARE_METATYPE(m6::UserMetricsTable)
Q_DECLARE_METATYPE(m6::EmbeddingMap)
Q_DECLARE_METATYPE(m6::AttentionStatsView)
