// The ranks of a data-parallel job talking through PyTorch's c10d (private to model/): a
// TCPStore rendezvous served by rank 0 and a Gloo process group over it. Every operation waits
// for its work to complete before returning (a result is never read early) and turns every
// failure into std::runtime_error saying which rank stopped answering, when that can be told:
// the ranks still alive check in at the store for a few seconds, and those that do not are named;
// when the store itself is gone, rank 0 (which serves it) is.
//
// Thread affinity: the thread that trains; one operation at a time.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

#include "model/engine.h"

namespace m6
{

/// A collective operation failed: another rank died, hung or gave up.
struct CollectiveError : std::runtime_error
{
  using std::runtime_error::runtime_error;
};

class Collective
{
 public:
  /// Joins the job described by `d` (rank 0 first binds host:port). Throws std::runtime_error
  /// when the port cannot be served, the master cannot be reached, or not every rank joins
  /// within d.timeoutSeconds.
  explicit Collective(const Distributed& d);
  ~Collective();
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }

  /// The operations below throw CollectiveError.

  /// Sums each tensor over the ranks, in place. Tensors must be contiguous and the same shapes
  /// and types on every rank.
  void allreduceSum(std::vector<torch::Tensor>& tensors);
  /// Rank `root`'s values into `tensor` on every rank (in place; same shape everywhere).
  void broadcast(torch::Tensor& tensor, int root = 0);
  /// Every rank's `tensor` stacked: [size, ...].
  torch::Tensor allgather(const torch::Tensor& tensor);

  /// Tells the other ranks why this one is about to give up (shown in their error), best effort.
  void announceFailure(const std::string& why) noexcept;

 private:
  [[noreturn]] void fail(const std::string& what, const std::exception& e);
  std::string diagnose();

  struct Impl;
  std::unique_ptr<Impl> impl_;
  int rank_ = 0;
  int size_ = 1;
  std::string where_;  // host:port
  int timeoutSeconds_ = 60;
};

}  // namespace m6
