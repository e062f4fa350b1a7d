// The in-memory dataset snapshot: what storage/ hands to model/ for training and evaluation.
//
// Contiguous plain arrays, no database handle and no torch: storage/ fills it with one sequential
// read of the workspace, model/ turns it into tensors. Users and items are dense indices
// 0..n-1; the external ids (as the user's files spell them) are kept for display and export.
//
// Thread affinity: none; a snapshot is immutable once built and may be shared read-only.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace m6
{

/// The kinds of feature field a dataset can declare, for users, items or interactions.
enum class FieldKind
{
  Categorical,  // one value from a vocabulary (gender, occupation, category)
  Multi,        // a set of values from a vocabulary (genres, tags)
  Numeric,      // a real number (age, price)
  Text,         // free text (title), hashed into n-grams by the model
  Timestamp     // Unix seconds (release date)
};

/// Which table a field describes.
enum class FieldEntity
{
  User,
  Item,
  Interaction
};

const char* fieldKindName(FieldKind k);  // "categorical", "multi", "numeric", "text", "timestamp"
bool parseFieldKind(const std::string& s, FieldKind* out);  // also accepts "multi-categorical"
const char* fieldEntityName(FieldEntity e);                 // "user", "item", "interaction"

/// One feature column over all entities of one kind (all users, all items or all interactions).
/// Only the members that match `kind` are filled.
struct FieldColumn
{
  std::string name;
  FieldKind kind = FieldKind::Categorical;

  // Categorical: codes[i] indexes vocab, -1 where missing.
  // Multi: the values of entity i are codes[offsets[i] .. offsets[i+1]) (offsets has n+1 entries).
  std::vector<int32_t> codes;
  std::vector<int64_t> offsets;
  std::vector<std::string> vocab;

  // Numeric and Timestamp: values[i], NaN where missing.
  std::vector<double> values;

  // Text: texts[i], empty where missing.
  std::vector<std::string> texts;
};

/// A whole dataset, interactions sorted by (user, timestamp, original order).
struct DatasetSnapshot
{
  std::string name;
  int64_t datasetId = 0;

  std::vector<std::string> userIds;     // external id of user index i
  std::vector<std::string> itemIds;     // external id of item index i
  std::vector<std::string> itemTitles;  // display title, may be empty

  std::vector<int32_t> user;  // per interaction
  std::vector<int32_t> item;  // per interaction
  std::vector<float> rating;  // per interaction; NaN where missing; empty when no ratings at all
  std::vector<int64_t> ts;    // per interaction; kMissingTs where missing; empty when no times
  std::vector<int64_t> userStart;  // interactions of user u are [userStart[u], userStart[u+1])

  std::vector<FieldColumn> userFields;
  std::vector<FieldColumn> itemFields;
  std::vector<FieldColumn> contextFields;  // per interaction

  std::string groundTruthJson;  // planted structure of a generated dataset, or empty
  // How the dataset was prepared from another one (model/core/prepare.h: "dedupe exact,
  // 5-core"), or empty; every protocol line names it.
  std::string preparation;
  // Without timestamps the importer puts each user's interactions in a fixed pseudo-random order
  // (a hash of their file positions), so that "the last one" is a random one and leave-one-out is
  // at random, not by file order (where the highest ids would become every user's test item).
  bool shuffledWithinUser = false;

  static constexpr int64_t kMissingTs = std::numeric_limits<int64_t>::min();

  int64_t numUsers() const { return static_cast<int64_t>(userIds.size()); }
  int64_t numItems() const { return static_cast<int64_t>(itemIds.size()); }
  int64_t numInteractions() const { return static_cast<int64_t>(user.size()); }
  bool hasRatings() const { return !rating.empty(); }
  bool hasTimestamps() const { return !ts.empty(); }
};

}  // namespace m6
