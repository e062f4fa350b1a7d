// Files that take results out of the workbench: a run's metric history and every user's top-K
// recommendations as CSV. Shared by the CLI and the GUI so both write the same columns.
//
// Files are written atomically: to "<path>.part", then renamed over <path>, so a failure or a
// cancel never leaves a half-written file under the final name.
//
// Thread affinity: the calling thread (a worker or the CLI).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/text.h"  // csvField, for the exports' callers
#include "model/engine.h"
#include "model/inspection.h"
#include "model/package.h"
#include "storage/result.h"
#include "storage/runs.h"

namespace m6
{

/// Columns: run, run_name, kind, step, epoch, loss, lr, then one column per validation metric
/// (empty on rows without an epoch end). One row per step, plus one per epoch end.
Status writeRunHistoryCsv(RunStore& store, const std::vector<int64_t>& runIds,
                          const std::string& path);

/// Columns: user, rank, item, score (external ids; rank 1 is best). `progress(done, total)`
/// is called every few hundred users.
Status writeRecommendationsCsv(Predictor& predictor, const DatasetSnapshot& snapshot, int k,
                               const std::string& path,
                               const std::function<void(int64_t, int64_t)>& progress = {},
                               const std::atomic<bool>* cancel = nullptr);

/// Exports a trained M6 run (its best checkpoint, else its last) as one .m6model file, with a
/// model card from the record: name, dataset, split protocol, validation and test metrics, the
/// parent run ("name (run N)") and the run's note. `snapshot` is the run's dataset. Errors: a
/// baseline run, a run without a checkpoint, a damaged config, an unwritable destination.
Result<ExportInfo> exportRunModel(RunStore& store, const RunRecord& run,
                                  const DatasetSnapshot& snapshot, const std::string& path);

/// The files written by writeEmbeddingFiles, relative to its folder.
std::vector<std::string> embeddingFileNames(const Embeddings& embeddings);

/// Writes `dir` (created when missing) with, for the items and for the users (when present):
/// item_embeddings.csv / user_embeddings.csv (id, title, category, d0, d1, ...), and the pair the
/// TensorBoard Embedding Projector loads: projector/items/vectors.tsv (one tab-separated vector
/// per line, no header) with projector/items/metadata.tsv (header id, title, category; one line
/// per vector), and the same under projector/users/. Each file is written atomically.
Status writeEmbeddingFiles(const Embeddings& embeddings, const std::string& dir);

}  // namespace m6
