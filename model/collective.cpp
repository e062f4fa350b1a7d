// Collective: c10d's TCPStore and Gloo process group behind a small interface.
//
// ProcessGroupGloo.hpp declares the Gloo backend only when USE_C10D_GLOO is defined; Debian's
// LibTorch is built with it, and libgloo-dev provides the headers it includes.
#define USE_C10D_GLOO 1

#include "model/collective.h"

#include <chrono>
#include <thread>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include "model/checkpoint.h"

namespace m6
{

namespace
{

using Clock = std::chrono::steady_clock;

std::string aliveKey(int rank)
{
  return "m6/alive/" + std::to_string(rank);
}
std::string errorKey(int rank)
{
  return "m6/error/" + std::to_string(rank);
}

bool isLoopback(const std::string& host)
{
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

}  // namespace

struct Collective::Impl
{
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
};

Collective::Collective(const Distributed& d)
    : impl_(std::make_unique<Impl>()),
      rank_(d.rank),
      size_(d.worldSize),
      where_(d.host + ":" + std::to_string(d.port)),
      timeoutSeconds_(d.timeoutSeconds)
{
  const auto timeout = std::chrono::milliseconds(1000LL * d.timeoutSeconds);
  c10d::TCPStoreOptions opts;
  opts.port = static_cast<std::uint16_t>(d.port);
  opts.isServer = d.rank == 0;
  opts.numWorkers = static_cast<std::size_t>(d.worldSize);
  opts.waitWorkers = false;  // joined below, so a port in use and a missing rank read apart
  opts.timeout = timeout;
  try
  {
    impl_->store = c10::make_intrusive<c10d::TCPStore>(d.host, opts);
  }
  catch (const std::exception& e)
  {
    if (d.rank == 0)
    {
      throw std::runtime_error("rank 0 cannot serve the data-parallel job at " + where_ +
                               " (is the port in use, or the host not an address of this "
                               "machine?): " +
                               firstLine(e.what()));
    }
    throw std::runtime_error("rank " + std::to_string(d.rank) + " cannot reach the master at " +
                             where_ + " within " + std::to_string(d.timeoutSeconds) +
                             " s: " + firstLine(e.what()));
  }
  // Our own join count: TCPStore's waitForWorkers gives up silently when its time is over.
  try
  {
    // Two processes given the same --rank would each pair with rank 0 and corrupt the job.
    if (impl_->store->add("m6/rank/" + std::to_string(d.rank), 1) > 1)
    {
      throw std::runtime_error("another process has already joined as rank " +
                               std::to_string(d.rank) + ": every rank needs its own number");
    }
    int64_t joined = impl_->store->add("m6/joined", 1);
    const auto deadline = Clock::now() + timeout;
    while (d.rank == 0 && joined < d.worldSize)
    {
      for (int r = 0; r < d.worldSize; ++r)
      {
        if (impl_->store->add("m6/rank/" + std::to_string(r), 0) > 1)
        {
          throw std::runtime_error("two processes joined as rank " + std::to_string(r));
        }
      }
      if (Clock::now() > deadline)
      {
        throw std::runtime_error("only " + std::to_string(joined) + " of " +
                                 std::to_string(d.worldSize) + " ranks joined");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      joined = impl_->store->add("m6/joined", 0);
    }
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("rank " + std::to_string(d.rank) + " waited " +
                             std::to_string(d.timeoutSeconds) + " s at " + where_ +
                             " for the job to assemble: " + firstLine(e.what()));
  }
  try
  {
    auto options = c10d::ProcessGroupGloo::Options::create(timeout);
    // Each rank offers the address the others reach it by: loopback for a local job, else the
    // address this machine's host name resolves to.
    options->devices.push_back(isLoopback(d.host)
                                   ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
                                   : c10d::ProcessGroupGloo::createDefaultDevice());
    options->threads = 1;  // one collective at a time; the cores are the training's
    impl_->group =
        c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, d.rank, d.worldSize, options);
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("rank " + std::to_string(d.rank) +
                             " cannot connect to the other ranks of the job at " + where_ + ": " +
                             firstLine(e.what()));
  }
}

Collective::~Collective() = default;

void Collective::allreduceSum(std::vector<torch::Tensor>& tensors)
{
  try
  {
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    works.reserve(tensors.size());
    for (auto& t : tensors)
    {
      std::vector<torch::Tensor> one{t};
      works.push_back(impl_->group->allreduce(one));
    }
    for (auto& w : works)
    {
      w->wait();
    }
  }
  catch (const std::exception& e)
  {
    fail("all-reduce", e);
  }
}

void Collective::broadcast(torch::Tensor& tensor, int root)
{
  try
  {
    std::vector<torch::Tensor> one{tensor};
    c10d::BroadcastOptions opts;
    opts.rootRank = root;
    impl_->group->broadcast(one, opts)->wait();
  }
  catch (const std::exception& e)
  {
    fail("broadcast", e);
  }
}

torch::Tensor Collective::allgather(const torch::Tensor& tensor)
{
  try
  {
    std::vector<torch::Tensor> input{tensor.contiguous()};
    std::vector<std::vector<torch::Tensor>> output(1);
    for (int r = 0; r < size_; ++r)
    {
      output[0].push_back(torch::empty_like(input[0]));
    }
    impl_->group->allgather(output, input)->wait();
    return torch::stack(output[0]);
  }
  catch (const std::exception& e)
  {
    fail("all-gather", e);
  }
}

void Collective::announceFailure(const std::string& why) noexcept
{
  try
  {
    impl_->store->setTimeout(std::chrono::seconds(2));
    impl_->store->set(errorKey(rank_), std::vector<uint8_t>(why.begin(), why.end()));
  }
  catch (...)
  {
    // The store is gone too: the others will see this rank stop answering.
  }
}

std::string Collective::diagnose()
{
  // The ranks still alive check in; a rank that gave up said why (announceFailure). Three
  // seconds is long enough for every survivor to notice the same failure and check in.
  try
  {
    impl_->store->setTimeout(std::chrono::seconds(3));
    impl_->store->set(aliveKey(rank_), std::vector<uint8_t>{1});
    const auto deadline = Clock::now() + std::chrono::seconds(3);
    std::vector<int> missing;
    for (;;)
    {
      for (int r = 0; r < size_; ++r)
      {
        if (r != rank_ && impl_->store->check({errorKey(r)}))
        {
          auto bytes = impl_->store->get(errorKey(r));
          return "rank " + std::to_string(r) +
                 " failed: " + std::string(bytes.begin(), bytes.end());
        }
      }
      missing.clear();
      for (int r = 0; r < size_; ++r)
      {
        if (r != rank_ && !impl_->store->check({aliveKey(r)}))
        {
          missing.push_back(r);
        }
      }
      if (missing.empty() || Clock::now() > deadline)
      {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (missing.empty())
    {
      return "every rank is still reachable";
    }
    std::string names;
    for (size_t i = 0; i < missing.size(); ++i)
    {
      names += (i ? ", " : "") + std::to_string(missing[i]);
    }
    return (missing.size() == 1 ? "rank " : "ranks ") + names +
           " stopped answering (killed, hung for " + std::to_string(timeoutSeconds_) +
           " s, or cut off)";
  }
  catch (const std::exception&)
  {
    return "rank 0, which serves the job at " + where_ + ", stopped answering";
  }
}

void Collective::fail(const std::string& what, const std::exception& e)
{
  const std::string reason = firstLine(e.what());
  throw CollectiveError("data-parallel training ended on rank " + std::to_string(rank_) + " of " +
                        std::to_string(size_) + ": " + diagnose() + " (" + what + ": " + reason +
                        ")");
}

}  // namespace m6
