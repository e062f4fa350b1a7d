// The exported model file (.m6model) and ModelPackage, which recommends and explains from
// one without a workspace or a dataset.
//
// Layout (format version 2; version 1 files, which lack the methods, still open): one LibTorch
// archive (the TorchScript zip that torch::save and torch.jit.save write), so Python can open it
// with torch.jit.load. Its root module holds
//   m6_format          "m6-model" (string attribute)
//   m6_format_version  2 (int attribute)
//   meta               JSON string: format, format_version, program, created, card, config (the
//                      full RunConfig), architecture (network shape), layout, checksum
//   vocab              JSON string: user and item external ids in index order, item titles, the
//                      item category field, every encoded field with its values (categorical and
//                      multi-valued vocabularies, numeric standardisation already applied in the
//                      tables), the text hashing settings, the time columns, the cold items
//   model              submodule: the network's parameters and buffers by registered name
//   tables             submodule: "items" and "users" (the encoded feature rows the item and user
//                      encoders read, one tensor per field, plus a final "missing" row) and
//                      "queries" (per known user the query the Predictor would build: the last L
//                      training items, their padding and time gaps, the test-time context row,
//                      and every training item, to exclude from recommendations)
//   methods            TorchScript methods on the root module (version 2, package_script.h):
//                      recommend, recommend_user, score, score_user, score_all, score_all_user,
//                      explain, explain_user, item_tokens; meta["methods"] lists their signatures
// The checksum (FNV-1a 64 over vocab and every tensor's bytes) is checked on open, and the
// manifest record hashes every record (the methods' code too), so a changed byte is reported as
// corruption instead of giving silently wrong scores.
// Written atomically: to "<path>.tmp", then renamed.
//
// Thread affinity: exportModel and ModelPackage run on the calling thread (a worker or the CLI);
// one ModelPackage is used by one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "model/engine.h"

namespace m6
{

constexpr int kModelFormatVersion = 2;

/// What the file says about the model, for people.
struct ModelCard
{
  std::string name;           // the run's name
  std::string dataset;        // "" = the snapshot's name
  std::string splitProtocol;  // "" = the leave-one-out protocol description
  MetricSet valid;            // with their protocol
  MetricSet test;
  std::string created;         // ISO 8601 UTC; "" = now
  std::string programVersion;  // "" = "M6 Workbench <version>"
  std::string parentRun;       // the run it was adapted from, "" when none
  std::string notes;

  Json toJson() const;
  static ModelCard fromJson(const Json& json);
};

struct ExportInfo
{
  std::string path;
  int64_t bytes = 0;
  int formatVersion = kModelFormatVersion;
  std::string checksum;  // hex FNV-1a 64 of the content
};

/// Writes `path` (conventionally *.m6model) from a checkpoint file or run folder (its best.pt,
/// else last.pt) and the snapshot and config it was trained with. Throws std::invalid_argument
/// for an invalid config and std::runtime_error naming the file for an unreadable checkpoint or
/// an unwritable destination.
ExportInfo exportModel(const std::string& checkpointOrRunDir, const DatasetSnapshot& snapshot,
                       const RunConfig& config, const ModelCard& card, const std::string& path);

/// A user the model never saw, given by their history.
struct HistoryQuery
{
  static constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

  std::vector<std::string> items;   // external item ids, oldest first
  std::vector<int64_t> timestamps;  // Unix seconds per item, or empty
  int64_t timestamp = kNoTime;      // when the recommendation is for (gives hour, weekday, gaps)
  ContextOverride context;          // hour / day of week; overrides the timestamp's
  bool ignoreUnknownItems = false;  // false: an unknown item id throws std::invalid_argument
};

/// The plain weights of a checkpoint or model file (for inspection and tests).
struct NamedWeights
{
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};
/// Every parameter of the network in a checkpoint (.pt, or a run folder: its best.pt, else
/// last.pt) or model file (.m6model), by name. Throws std::runtime_error like ModelPackage::open.
std::vector<NamedWeights> readWeights(const std::string& path);

class ModelPackage
{
 public:
  /// Opens a model file. Throws std::runtime_error whose message names the file and the problem:
  /// "no such file", "not an M6 model file (...)", "truncated or damaged: ...", "corrupted: ...",
  /// "written by a newer version of M6 Workbench (format N; this program reads 1)". Never
  /// crashes on a bad file.
  static std::unique_ptr<ModelPackage> open(const std::string& path);
  ~ModelPackage();
  ModelPackage(const ModelPackage&) = delete;
  ModelPackage& operator=(const ModelPackage&) = delete;

  const std::string& path() const;
  int formatVersion() const;
  const ModelCard& card() const;
  const RunConfig& config() const;

  int64_t numUsers() const;
  int64_t numItems() const;
  const std::vector<std::string>& userIds() const;
  const std::vector<std::string>& itemIds() const;
  const std::vector<std::string>& itemTitles() const;
  /// Per item its category value ("" unknown), from the field named categoryField().
  const std::vector<std::string>& itemCategories() const;
  const std::string& categoryField() const;
  /// Per item, 1 for the cold items of the cold-item protocol (all 0 without it).
  const std::vector<uint8_t>& coldItems() const;
  /// Index of an external id, or -1.
  int32_t userIndex(const std::string& externalId) const;
  int32_t itemIndex(const std::string& externalId) const;
  /// A known user's training items (indices), oldest first: excluded from recommendations; the
  /// last L of them are the history the model reads.
  std::vector<int32_t> trainingItems(int32_t user) const;

  // Known users, by index (like Predictor: training history, test-time context) ...
  std::vector<Recommendation> recommend(int32_t user, int k, ContextOverride context = {},
                                        const std::vector<uint8_t>* allowedItems = nullptr);
  Explanation explain(int32_t user, int32_t item, ContextOverride context = {});
  std::vector<float> scoreAll(int32_t user, ContextOverride context = {});
  // ... or by external id (std::invalid_argument for an unknown id) ...
  std::vector<Recommendation> recommend(const std::string& userId, int k,
                                        ContextOverride context = {});
  Explanation explain(const std::string& userId, const std::string& itemId,
                      ContextOverride context = {});
  // ... and users the model never saw: their history excludes its items from recommendations.
  std::vector<Recommendation> recommend(const HistoryQuery& query, int k,
                                        const std::vector<uint8_t>* allowedItems = nullptr);
  Explanation explain(const HistoryQuery& query, const std::string& itemId);
  std::vector<float> scoreAll(const HistoryQuery& query);

  /// As Predictor::embeddings, for the known users and every item.
  Embeddings embeddings(const EmbeddingOptions& options = {});

  struct Impl;

 private:
  explicit ModelPackage(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The TensorBoard Embedding Projector's files for a table: vectors.tsv (one row of
/// tab-separated values per entity) and metadata.tsv (a header "id\ttitle\tcategory", then one row
/// per entity; tabs and newlines in labels become spaces).
std::string projectorVectorsTsv(const EmbeddingTable& table);
std::string projectorMetadataTsv(const EmbeddingTable& table);

}  // namespace m6
