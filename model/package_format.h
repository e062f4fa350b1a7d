// Private pieces of the .m6model format (package.h) shared by export, open and readWeights.
//
// Thread affinity: none; pure functions (reading files on the calling thread).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "model/core/config.h"
#include "model/core/json.h"
#include "model/nn/m6_net.h"

namespace m6
{

constexpr const char* kModelFormatTag = "m6-model";

/// A failure of a model file, already phrased for the user ("model file X: ...").
class ModelFileError : public std::runtime_error
{
 public:
  using std::runtime_error::runtime_error;
};

/// "model file <path>: <why>".
[[noreturn]] void modelFileFail(const std::string& path, const std::string& why);

/// The record of a model file that lists every other record with its FNV-1a 64 (hex), and the
/// format and version: {"format": "m6-model", "format_version": N, "records": {name: hash}}.
/// Python sees it as the extra file "m6_records.json".
constexpr const char* kManifestRecord = "extra/m6_records.json";

/// Rewrites a LibTorch archive (the bytes torch saved) to `path` with the manifest record added,
/// atomically. Throws std::runtime_error("model file PATH: cannot be written: <reason>").
void writeModelArchive(const std::string& archiveBytes, const std::string& path);

/// Opens a model file defensively. Before LibTorch parses anything (its unpickler is not made for
/// damaged input, and its zip reader skips CRC checks), the zip directory is read, the manifest
/// checked (format, version) and every record's hash compared with it. Every problem is a
/// ModelFileError: missing, empty, not a zip, truncated, corrupted, a zip of something else, a
/// LibTorch archive that is not a model file (a training checkpoint is named as such), a newer
/// format version.
torch::serialize::InputArchive openModelArchive(const std::string& path);

/// Opens an M6 training checkpoint (no manifest) after the same preliminary checks.
torch::serialize::InputArchive openTorchArchive(const std::string& path);

/// Whether the file at `path` carries a model file manifest (after the preliminary checks).
bool hasModelManifest(const std::string& path);

/// The network shape of a checkpoint's or model file's "architecture" JSON (see
/// Session::architecture) with the run's config. Throws std::runtime_error when it is malformed.
NetSpec netSpecFromArchitecture(const Json& architecture, const RunConfig& config);

/// FNV-1a 64, continued over raw bytes and over a tensor's contents (contiguous copy).
uint64_t fnv1a(uint64_t h, const void* data, size_t bytes);
uint64_t fnv1a(uint64_t h, const torch::Tensor& t);
constexpr uint64_t kFnvOffset = 1469598103934665603ULL;
std::string hex64(uint64_t v);

}  // namespace m6
