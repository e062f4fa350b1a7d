// The pieces of data-parallel training that sit on the collectives (private to model/): the
// start-up agreement (same dataset, same config, rank 0's weights and resume point everywhere),
// the gradient average of a step and the check that the ranks' parameters stay identical.
//
// LibTorch has no C++ DistributedDataParallel, so the reduction is written here: after each
// rank's backward pass its gradients, weighted by its examples in the step, are flattened into
// buckets of at most 16 MiB and summed with one all-reduce per bucket (sent back to back), then
// divided by the step's examples: exactly the gradient of the mean loss over the global batch.
// Row-sparse gradients (the id tables under train.sparse_rows) travel as their rows instead: an
// all-gather of each rank's rows, summed where they meet, so a step sends what the batch
// touched, not every row of a 162,541-user table.
// The step's loss and the stop and pause requests travel in the same exchange, so every rank
// takes the same decisions at the same step.
//
// Thread affinity: the thread that trains.
#pragma once

#include <torch/torch.h>

#include <optional>
#include <string>
#include <vector>

#include "model/collective.h"
#include "model/core/json.h"
#include "model/session.h"

namespace m6
{

/// Compares a fingerprint of the dataset (shape and every interaction) and of the config (the
/// knobs that change results) across the ranks; throws std::runtime_error on every rank naming
/// the first rank that differs from rank 0. Returns rank 0's `resume` (it decides).
bool agreeOnJob(Collective& c, const Session& session, bool resume);

/// What the ranks agree on before the first step (startJob).
struct JobStart
{
  bool resume = false;     // rank 0's: it decides
  std::string adaptation;  // rank 0's adaptation record (adapt.json's options, report and
                           // parent config) when the job trains an adapted run, else empty
};

/// agreeOnJob, then rank 0's `adapted` (empty for a plain run; the other ranks pass "") on every
/// rank, so ranks started as plain `train` followers learn that they continue an adaptation.
/// Every rank calls it once, before the training loop.
JobStart startJob(Collective& c, const Session& session, bool resume, const std::string& adapted);

/// Rank 0's `mine` on every rank (the others' `mine` is ignored); nullopt everywhere when rank 0
/// has none (it could not read what it meant to send).
std::optional<std::string> shareBytes(Collective& c, const std::optional<std::string>& mine);

/// Rank 0's parameters and buffers on every rank.
void broadcastWeights(Collective& c, torch::nn::Module& net);

/// Rank 0's checkpoint file at `path` loaded on every rank (the others receive its bytes; they
/// read no file of theirs); returns its meta like loadCheckpoint().
Json shareCheckpoint(Collective& c, const std::string& path, Session& session,
                     torch::optim::Optimizer* optimizer);

/// Throws std::runtime_error when a rank's parameters differ from rank 0's (relative 1e-6 on a
/// sum and an absolute sum, so machines with other floating-point units are not refused).
void checkInSync(Collective& c, torch::nn::Module& net, int64_t step);

struct StepTotals
{
  double loss = 0;      // mean over the global batch
  double examples = 0;  // in the global batch
  bool stop = false;    // a rank asked to stop
  bool pause = false;   // a rank asked to pause
};

class GradientReducer
{
 public:
  /// `sparse`: the parameters among `params` whose gradients are row-sparse (id tables under
  /// train.sparse_rows): they travel as their rows, not in the dense buckets.
  GradientReducer(Collective& c, std::vector<torch::Tensor> params,
                  const std::vector<torch::Tensor>& sparse = {});

  /// Replaces every gradient with the examples-weighted mean over the ranks (an undefined
  /// dense gradient counts as zero and becomes defined), and sums the rest. A row-sparse
  /// gradient becomes the coalesced sum of every rank's rows, weighted the same way (undefined
  /// when no rank touched a row). `examples` may be 0.
  StepTotals reduce(double examples, double loss, bool stop, bool pause);

  /// Only the stop and pause requests (while paused, every 200 ms).
  StepTotals exchangeFlags(bool stop, bool pause);

 private:
  /// All-gathers the row-sparse gradients' rows (counts, then indices and values padded to the
  /// largest count) and sets each one's weighted sum, times `scale`.
  void reduceSparse(double examples, double scale);

  Collective& c_;
  std::vector<torch::Tensor> params_;  // dense
  std::vector<torch::Tensor> sparse_;
  std::vector<std::pair<size_t, size_t>> buckets_;  // [first, last) parameter indices
  std::vector<torch::Tensor> flats_;  // one buffer per bucket, then the control values
};

}  // namespace m6
