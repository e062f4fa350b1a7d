// Predictor::Impl, shared by the files that implement the Predictor (private to model/).
//
// Thread affinity: one thread at a time, like the Predictor.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "model/engine.h"
#include "model/evaluate.h"
#include "model/session.h"

namespace m6
{

struct Predictor::Impl
{
  // Shared with the caller (the workbench's snapshot store), or a copy the Predictor owns: either
  // way it outlives the Predictor.
  std::shared_ptr<const DatasetSnapshot> snapshot;
  /// The interactions session->split indexes (the session's reordered copy for a random split).
  const DatasetSnapshot& data() const { return session ? session->data : *snapshot; }
  std::unique_ptr<Session> session;
  std::unique_ptr<ModelScorer> scorer;  // holds the catalogue's item tokens
  std::string path;
  int64_t parameters = 0;

  void checkUser(int32_t user) const;
  void checkItem(int32_t item) const;

  /// After the training part: history = last L training items; context = the held-out test
  /// interaction, else the user's last interaction.
  QuerySpec query(int32_t user, const ContextOverride& o) const;

  std::vector<float> scores(int32_t user, const ContextOverride& o);
};

/// Labels of the history tokens of an explanation: "<external id> <title>".
std::string itemLabel(const DatasetSnapshot& data, int32_t item);

}  // namespace m6
