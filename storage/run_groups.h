// Run groups as workspace records: one configuration trained with several seeds, so a result is
// reported with its spread instead of as one lucky run. The group keeps the shared configuration
// (its seed is the first member's) and the planned seeds; each member is an ordinary run whose
// RunRecord::groupId names the group (RunStore::runsOfGroup lists them).
//
// Thread affinity: like Workspace (one thread at a time per GroupStore/Workspace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct RunGroupRecord
{
  int64_t id = 0;
  std::string name;
  int64_t datasetId = 0;
  std::string datasetName;  // filled when read
  std::string configJson;   // the shared configuration
  std::vector<int64_t> seeds;
  int64_t createdAt = 0;
  std::string note;
};

class GroupStore
{
 public:
  explicit GroupStore(Workspace& ws) : ws_(ws) {}

  /// Inserts the group with a never-reused id; sets record.id (and a default name "group N").
  Result<int64_t> create(RunGroupRecord& record);
  Result<RunGroupRecord> group(int64_t id);
  /// Every group (of one dataset), oldest first.
  Result<std::vector<RunGroupRecord>> groups(std::optional<int64_t> datasetId = std::nullopt);
  Status rename(int64_t id, const std::string& name);
  /// Deletes the group record; its member runs stay, no longer grouped.
  Status remove(int64_t id);

 private:
  Workspace& ws_;
};

}  // namespace m6
