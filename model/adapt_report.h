// Task and domain adaptation: the options of adapt() and the report of what it carried
// over from the parent run. Plain structs and JSON, no torch (engine.h declares adapt()).
//
// How a parameter of the new run gets its start value (DESIGN.md section 3):
//  - matched by name and shape with the parent's parameter ("carried");
//  - id embeddings row by row by external id, where both datasets share ids; categorical and
//    multi-valued field embeddings row by row by value (the same genre or tag string keeps its
//    vector); text n-gram buckets by bucket when both runs hash text the same way; positional
//    embeddings by position from the end. A table with some rows matched is "carried-partly" and
//    names the count; its unmatched rows start at zero (a new item is its content, a new tag
//    starts as "no tag"), so the adapted model starts from what the parent would predict;
//  - the decoder head (dot: user_norm + user_projection; mlp: decoder) is re-initialised when the
//    task or the scorer changes, and so is every parameter whose shape differs ("re-initialised");
//  - parameters the parent does not have at all (adapters, fields the parent lacked) are "added".
// Frozen parameters are carried ones that are not trained (requires no gradient, not in the
// optimiser), so they stay bit-for-bit equal to the parent's.
//
// Thread affinity: none; plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/config.h"
#include "model/core/json.h"
#include "model/core/metrics.h"

namespace m6
{

struct AdaptOptions
{
  bool freezeEncoders = false;   // the user, item and context field encoders (carried tensors)
  bool freezeHistory = false;    // the history encoder
  bool freezeAttention = false;  // the fusion attention layers
  /// Parameter-efficient mode: every carried parameter is frozen and only the head, the
  /// adapters (model.adapter_width > 0 is required; adaptedConfig() sets it) and parameters that
  /// could not be carried are trained. Unmatched embedding rows stay zero and frozen, so new
  /// items and users are represented by their content.
  bool parameterEfficient = false;
  /// Learning rate of the carried (trainable) parameters; 0 = train.lr. Follows the same
  /// warm-up and decay schedule as train.lr.
  double carriedLr = 0;
  /// Re-initialise the head even when task and scorer are unchanged.
  bool newHead = false;
  /// adapt() evaluates the parent on the target (zero-shot) before fine-tuning.
  bool zeroShot = true;

  Json toJson() const;
  /// Reads toJson()'s shape; absent keys keep their defaults. Throws std::invalid_argument for a
  /// value of the wrong type.
  static AdaptOptions fromJson(const Json& json);
  bool operator==(const AdaptOptions& other) const;
};

/// Adapter width a parameter-efficient adaptation gets when the parent's config has none.
constexpr int kDefaultAdapterWidth = 8;

/// A starting config for an adapted run: the parent's, with model.adapter_width set
/// (kDefaultAdapterWidth, unless already set) in parameter-efficient mode. The caller then changes
/// the task and the rest.
RunConfig adaptedConfig(const RunConfig& parentConfig, const AdaptOptions& options);

/// One parameter of the adapted network.
struct AdaptParameter
{
  std::string name;  // registered name, e.g. "item_encoder.f_tags.weight"
  std::vector<int64_t> shape;
  int64_t count = 0;        // elements
  std::string status;       // "carried" | "carried-partly" | "re-initialised" | "added"
  int64_t rows = 0;         // embedding tables: rows (0 otherwise)
  int64_t rowsMatched = 0;  // embedding tables: rows carried by id, value or position
  bool frozen = false;
  bool trainable = true;  // false when frozen (or a zero row table left out in PEFT mode)
  std::string reason;     // one line: "matched 12 of 12 values", "task changed ranking -> ctr"
};

struct AdaptReport
{
  std::string parentCheckpoint;  // the file the weights came from
  std::vector<AdaptParameter> parameters;
  int64_t totalParameters = 0;
  int64_t trainableParameters = 0;
  double trainableShare = 0;       // trainable / total
  std::vector<std::string> notes;  // decisions in plain words ("task changed: new head", ...)

  bool empty() const { return parameters.empty(); }
  /// Names of the parameters with a status ("carried", ...), or frozen ones for "frozen".
  std::vector<std::string> names(const std::string& statusOrFrozen) const;
  /// {"parent_checkpoint", "parameters": [{"name", "shape", "count", "status", "rows",
  ///  "rows_matched", "frozen", "trainable", "reason"}], "carried": [names], "carried_partly",
  ///  "reinitialised", "added", "frozen", "total_parameters", "trainable_parameters",
  ///  "trainable_share", "notes"}
  Json toJson() const;
  static AdaptReport fromJson(const Json& json);
};

/// The parent evaluated on the target dataset before any fine-tuning, through the same carry-over.
struct ZeroShotResult
{
  bool available = false;  // false when the head had to be re-initialised (task/scorer change)
  std::string note;        // why not, or what the figures mean
  MetricSet valid;
  MetricSet test;

  Json toJson() const;
  static ZeroShotResult fromJson(const Json& json);
};

}  // namespace m6
