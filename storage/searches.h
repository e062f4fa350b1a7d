// Hyperparameter searches as workspace records: what the search is (its spec: space, strategy,
// base configuration, seed, budget, as JSON the runner owns), its status, its best run, and one
// row per trial it started, naming the trial's ordinary run and the halving decision about it.
//
// Thread affinity: like Workspace (one thread at a time per SearchStore/Workspace).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/core/json.h"
#include "storage/result.h"
#include "storage/workspace.h"

namespace m6
{

struct SearchRecord
{
  int64_t id = 0;
  std::string name;
  int64_t datasetId = 0;
  std::string datasetName;  // filled when read
  Json spec = Json::object();
  std::string status = "running";  // running | finished | stopped | failed
  std::string message;
  int64_t createdAt = 0;
  int64_t finishedAt = 0;
  std::optional<int64_t> bestRun;
};

struct SearchTrialRecord
{
  int trial = 0;                 // 0-based, in the strategy's order
  std::optional<int64_t> runId;  // empty when the run was deleted
  Json values = Json::object();  // {"key": value}
  std::string decision;          // "" or why the trial was stopped early
};

class SearchStore
{
 public:
  explicit SearchStore(Workspace& ws) : ws_(ws) {}

  /// Inserts the search with a never-reused id; sets record.id (and a default name "search N").
  Result<int64_t> create(SearchRecord& record);
  Result<SearchRecord> search(int64_t id);
  /// Every search (of one dataset), newest first.
  Result<std::vector<SearchRecord>> searches(std::optional<int64_t> datasetId = std::nullopt);

  Status setStatus(int64_t id, const std::string& status, const std::string& message);
  Status setBestRun(int64_t id, std::optional<int64_t> runId);

  /// Records (or replaces) trial `trial` of the search.
  Status putTrial(int64_t searchId, const SearchTrialRecord& trial);
  Status setDecision(int64_t searchId, int trial, const std::string& decision);
  Result<std::vector<SearchTrialRecord>> trials(int64_t searchId);
  /// The search and trial a run belongs to, if it is a trial.
  Result<std::optional<std::pair<int64_t, int>>> trialOfRun(int64_t runId);

  /// Deletes the search record and its trial rows; the trials' runs stay.
  Status remove(int64_t id);

 private:
  Workspace& ws_;
};

}  // namespace m6
