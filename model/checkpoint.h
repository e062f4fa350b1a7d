// Checkpoint files (private to model/): one torch archive holding
//   "meta"      a JSON string: {"format": "m6-checkpoint", "version": 2, "architecture": {...},
//               "config": {...}, "state": {...}} (state = epoch, global step, best-so-far,
//               patience, epoch history);
//   "model"     the network's parameters and buffers by their registered names;
//   "optimizer_state" the optimiser's own archive as bytes (resume points only; version 1
//               files hold it as a nested archive "optimizer");
//   "rng"       torch's CPU generator state (resume points only);
//   "meta_checksum" FNV-1a 64 of the meta text (version 2).
// Everything is checksummed from version 2: meta by meta_checksum, and meta holds the
// checksums of the weights, the optimiser bytes and the generator state, so a changed byte
// anywhere is reported as corruption instead of training on or scoring with damaged state.
// Files are written to a temporary name and renamed, so a killed process never leaves a torn
// checkpoint under the real name.
//
// Loading checks the format, the architecture (model config and dataset shape) and every
// parameter's shape before anything is used, and turns every failure (missing, truncated, not
// an archive, another architecture) into std::runtime_error with the path and the reason.
//
// Thread affinity: the thread that owns the session; saving and loading with an optimiser
// also reads or sets torch's process-wide CPU generator.
#pragma once

#include <torch/torch.h>

#include <string>

#include "model/core/json.h"
#include "model/session.h"

namespace m6
{

constexpr int kCheckpointVersion = 2;

/// Writes a checkpoint. `optimizer` may be null (then no optimiser and RNG state is stored).
void saveCheckpoint(const std::string& path, Session& session, torch::optim::Optimizer* optimizer,
                    const Json& state);

/// Loads into the session's network (and optimiser and torch RNG when given). Returns the whole
/// "meta" object ("config", "state", ...). Throws std::runtime_error as described above.
Json loadCheckpoint(const std::string& path, Session& session, torch::optim::Optimizer* optimizer);

/// Loads network weights from an archive (a checkpoint's or a package's "model") and checks every
/// parameter's and buffer's shape. Throws std::runtime_error("weights do not fit this model: ...").
void loadNetWeights(torch::serialize::InputArchive& archive, torch::nn::Module& net);

/// FNV-1a 64 (hex) over every parameter and buffer in registration order.
std::string weightsChecksum(torch::nn::Module& net);

/// First line of a (torch) error message: the rest is often a C++ backtrace.
std::string firstLine(const std::string& message);

/// Resolves a run folder to its best.pt; a file path is returned as is. A folder with only
/// last.pt is an error that says so (last.pt is used only when named).
/// Throws std::runtime_error when nothing usable exists.
std::string resolveCheckpointPath(const std::string& path);

}  // namespace m6
