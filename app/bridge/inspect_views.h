// The values the inspection pages show, built from an InspectCatalog and an InspectSource's
// answers: a user's profile and timeline, the recommendation rows with their markers, the
// attention map of an explanation, user search, the per-user metrics table and the embedding map.
// Pure functions (besides the source calls), so the worker stays short and tests can call them.
//
// Thread affinity: the InspectWorker's thread (they call the source); otherwise none.
#pragma once

#include <QString>
#include <vector>

#include "app/bridge/inspect_source.h"
#include "app/bridge/inspect_types.h"
#include "model/core/metrics.h"
#include "model/core/ranking_protocol.h"

namespace m6
{

/// Features, the timeline (training, validation and test interactions, oldest first) and the
/// held-out items. Throws std::out_of_range for a bad user index.
UserProfile buildProfile(const InspectCatalog& catalog, int32_t user);

/// Rows for the engine's recommendations (rank, texts, popularity, held-out and cold markers).
std::vector<RecommendationRow> recommendationRows(const InspectCatalog& catalog, int32_t user,
                                                  const std::vector<Recommendation>& recs);

/// Fills defaultRank of every row: the item's 1-based rank under `defaultScores` among the
/// candidates (not a training item of the user, allowed by `allowed` when given), ties ordered
/// by index as the engine's topK orders them.
void fillDefaultRanks(std::vector<RecommendationRow>& rows, const InspectCatalog& catalog,
                      int32_t user, const std::vector<float>& defaultScores,
                      const std::vector<uint8_t>* allowed);

/// The heatmap's data for an explanation, with a note when the item was never seen in training
/// or the user has no history.
AttentionMap attentionMap(const Explanation& e, const InspectCatalog& catalog, int32_t user,
                          int32_t item);

/// Items of one category (a code of catalog.categoryNames) as an allow-mask.
std::vector<uint8_t> categoryMask(const InspectCatalog& catalog, int category);

/// Users by id (exact, then prefix) or by a feature value ("north", or "region=north").
UserMatches findUsers(const InspectCatalog& catalog, const QString& text, int limit);

/// The per-user metrics table from evaluated rows (NDCG and hit at k).
UserMetricsTable metricsTable(const std::vector<UserMetricRow>& rows, const InspectCatalog& catalog,
                              Task task, int k);

/// Ranks of the test items of `targets` [begin, end) (rankingTargets of the test part), computed
/// with the source (full ranking: candidates exclude the user's training and validation items,
/// as the engine's protocol does). For runs without recorded per-user rows; a caller that must
/// stay cancellable asks for a few targets at a time (UserMetricsJob: one per step).
std::vector<UserMetricRow> computeTestRows(InspectSource& source, const InspectCatalog& catalog,
                                           const std::vector<RankingTarget>& targets, size_t begin,
                                           size_t end);

/// Rows 0..rows-1, or above maxPoints (> 0) a deterministic sample of maxPoints of them (the
/// same ones every time), ascending.
std::vector<int32_t> mapSample(int64_t rows, int maxPoints);

/// The 2-D map of items or users with its colourings; above maxPoints a deterministic sample
/// (the same points every time) and a note that says so. A table of chosen rows
/// (EmbeddingTable::index: the source computed only a sample) is shown whole, as that sample.
EmbeddingMap embeddingMap(const Embeddings& e, bool items, int maxPoints,
                          const InspectCatalog& catalog);

}  // namespace m6
