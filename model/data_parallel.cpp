// agreeOnJob, startJob, broadcastWeights, shareBytes, shareCheckpoint, checkInSync and
// GradientReducer.
#include "model/data_parallel.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "model/checkpoint.h"
#include "model/package_format.h"

namespace m6
{

namespace
{

namespace fs = std::filesystem;

constexpr int64_t kBucketBytes = 16 << 20;

template <typename T>
uint64_t hashVector(uint64_t h, const std::vector<T>& v)
{
  return fnv1a(h, v.data(), v.size() * sizeof(T));
}

uint64_t datasetFingerprint(const Session& s)
{
  uint64_t h = kFnvOffset;
  h = hashVector(h, s.data.user);
  h = hashVector(h, s.data.item);
  h = hashVector(h, s.data.ts);
  h = hashVector(h, s.data.rating);
  const std::string shape = s.architecture().dump();
  return fnv1a(h, shape.data(), shape.size());
}

uint64_t configFingerprint(const RunConfig& config)
{
  RunConfig c = config;
  c.train.threads = 1;  // neither changes what is computed
  c.train.checkpointEveryEpoch = true;
  const std::string text = toJson(c).dump();
  return fnv1a(kFnvOffset, text.data(), text.size());
}

std::vector<torch::Tensor> weightsOf(torch::nn::Module& net)
{
  std::vector<torch::Tensor> all;
  for (const auto& p : net.parameters())
  {
    all.push_back(p.data());
  }
  for (const auto& b : net.buffers())
  {
    all.push_back(b.data());
  }
  return all;
}

}  // namespace

bool agreeOnJob(Collective& c, const Session& session, bool resume)
{
  // Signed 64-bit lanes carry the unsigned hashes bit for bit.
  auto mine = torch::tensor({static_cast<int64_t>(datasetFingerprint(session)),
                             static_cast<int64_t>(configFingerprint(session.config)),
                             static_cast<int64_t>(resume ? 1 : 0)},
                            torch::kInt64);
  torch::Tensor all = c.allgather(mine);
  auto a = all.accessor<int64_t, 2>();
  for (int r = 1; r < c.size(); ++r)
  {
    if (a[r][0] != a[0][0])
    {
      throw std::runtime_error(
          "rank " + std::to_string(r) + " was given another dataset than rank 0 (fingerprints " +
          hex64(static_cast<uint64_t>(a[r][0])) + " and " + hex64(static_cast<uint64_t>(a[0][0])) +
          "): every rank must train on the same data");
    }
    if (a[r][1] != a[0][1])
    {
      throw std::runtime_error("rank " + std::to_string(r) +
                               " was given another configuration than rank 0: every rank must "
                               "train with the same settings (train.threads may differ)");
    }
  }
  return a[0][2] != 0;
}

void broadcastWeights(Collective& c, torch::nn::Module& net)
{
  torch::NoGradGuard noGrad;
  for (auto& t : weightsOf(net))
  {
    c.broadcast(t, 0);
  }
}

std::optional<std::string> shareBytes(Collective& c, const std::optional<std::string>& mine)
{
  auto size = torch::tensor({static_cast<int64_t>(mine ? mine->size() : -1)});
  c.broadcast(size, 0);
  const int64_t n = size.item<int64_t>();
  if (n < 0)
  {
    return std::nullopt;
  }
  if (n == 0)
  {
    return std::string();
  }
  std::string bytes = c.rank() == 0 ? *mine : std::string(static_cast<size_t>(n), '\0');
  auto payload = torch::from_blob(bytes.data(), {n}, torch::kUInt8);
  c.broadcast(payload, 0);
  return bytes;
}

JobStart startJob(Collective& c, const Session& session, bool resume, const std::string& adapted)
{
  JobStart start;
  start.resume = agreeOnJob(c, session, resume);
  start.adaptation = shareBytes(c, adapted).value_or(std::string());
  return start;
}

Json shareCheckpoint(Collective& c, const std::string& path, Session& session,
                     torch::optim::Optimizer* optimizer)
{
  std::optional<std::string> mine;
  if (c.rank() == 0)
  {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (in && !text.str().empty())
    {
      mine = text.str();
    }
  }
  const std::optional<std::string> bytes = shareBytes(c, mine);
  if (c.rank() == 0)
  {
    return loadCheckpoint(path, session, optimizer);  // throws with the reason when unreadable
  }
  if (!bytes)
  {
    throw std::runtime_error("rank 0 cannot read the checkpoint " + path);
  }
  // loadCheckpoint reads files: the bytes go to a private temporary file outside the workspace.
  const fs::path tmp = fs::temp_directory_path() / ("m6-rank" + std::to_string(c.rank()) + "-" +
                                                    std::to_string(::getpid()) + ".pt");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    if (!out)
    {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error("rank " + std::to_string(c.rank()) +
                               " cannot write a temporary copy of the checkpoint to " +
                               tmp.string());
    }
  }
  try
  {
    Json meta = loadCheckpoint(tmp.string(), session, optimizer);
    std::error_code ec;
    fs::remove(tmp, ec);
    return meta;
  }
  catch (...)
  {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void checkInSync(Collective& c, torch::nn::Module& net, int64_t step)
{
  torch::NoGradGuard noGrad;
  double sum = 0;
  double abs = 0;
  for (const auto& t : weightsOf(net))
  {
    sum += t.sum(torch::kFloat64).item<double>();
    abs += t.abs().sum(torch::kFloat64).item<double>();
  }
  torch::Tensor all = c.allgather(torch::tensor({sum, abs}, torch::kFloat64));
  auto a = all.accessor<double, 2>();
  for (int r = 1; r < c.size(); ++r)
  {
    for (int j = 0; j < 2; ++j)
    {
      const double scale = std::max(1.0, std::abs(a[0][1]));
      if (!(std::abs(a[r][j] - a[0][j]) <= 1e-6 * scale))
      {
        throw std::runtime_error(
            "the ranks' parameters drifted apart at step " + std::to_string(step) + ": rank " +
            std::to_string(r) + " differs from rank 0 (checksums " + std::to_string(a[r][j]) +
            " and " + std::to_string(a[0][j]) + "); the run stops rather than train on");
      }
    }
  }
}

GradientReducer::GradientReducer(Collective& c, std::vector<torch::Tensor> params,
                                 const std::vector<torch::Tensor>& sparse)
    : c_(c)
{
  for (auto& p : params)
  {
    const bool rows = std::any_of(sparse.begin(), sparse.end(),
                                  [&](const torch::Tensor& s)
                                  { return s.unsafeGetTensorImpl() == p.unsafeGetTensorImpl(); });
    (rows ? sparse_ : params_).push_back(std::move(p));
  }
  size_t first = 0;
  int64_t bytes = 0;
  for (size_t i = 0; i < params_.size(); ++i)
  {
    if (params_[i].scalar_type() != torch::kFloat32)
    {
      throw std::runtime_error("data-parallel training expects float32 parameters");
    }
    const int64_t b = params_[i].numel() * 4;
    if (i > first && bytes + b > kBucketBytes)
    {
      buckets_.emplace_back(first, i);
      first = i;
      bytes = 0;
    }
    bytes += b;
  }
  if (first < params_.size())
  {
    buckets_.emplace_back(first, params_.size());
  }
}

StepTotals GradientReducer::reduce(double examples, double loss, bool stop, bool pause)
{
  torch::NoGradGuard noGrad;
  std::vector<torch::Tensor>& flats = flats_;
  flats.resize(buckets_.size());
  for (size_t b = 0; b < buckets_.size(); ++b)
  {
    const auto [first, last] = buckets_[b];
    torch::Tensor& flat = flats[b];
    if (!flat.defined())
    {
      int64_t n = 0;
      for (size_t i = first; i < last; ++i)
      {
        n += params_[i].numel();
      }
      flat = torch::empty({n}, torch::kFloat32);  // kept for the next steps
    }
    int64_t offset = 0;
    for (size_t i = first; i < last; ++i)
    {
      const int64_t m = params_[i].numel();
      const torch::Tensor& g = params_[i].grad();
      if (g.defined() && examples > 0)
      {
        flat.narrow(0, offset, m).copy_(g.reshape({-1}));
      }
      else
      {
        flat.narrow(0, offset, m).zero_();
      }
      offset += m;
    }
    flat.mul_(examples);
  }
  flats.push_back(torch::tensor(
      {examples > 0 ? loss * examples : 0.0, examples, stop ? 1.0 : 0.0, pause ? 1.0 : 0.0},
      torch::kFloat64));
  c_.allreduceSum(flats);
  auto control = flats.back().accessor<double, 1>();
  StepTotals totals;
  totals.examples = control[1];
  totals.loss = totals.examples > 0 ? control[0] / totals.examples : 0;
  totals.stop = control[2] > 0;
  totals.pause = control[3] > 0;
  const double scale = totals.examples > 0 ? 1.0 / totals.examples : 0.0;
  for (size_t b = 0; b < buckets_.size(); ++b)
  {
    torch::Tensor& flat = flats[b];
    flat.mul_(scale);
    int64_t offset = 0;
    for (size_t i = buckets_[b].first; i < buckets_[b].second; ++i)
    {
      torch::Tensor& p = params_[i];
      const int64_t m = p.numel();
      if (!p.grad().defined())
      {
        p.mutable_grad() = torch::zeros_like(p);
      }
      p.mutable_grad().copy_(flat.narrow(0, offset, m).view(p.sizes()));
      offset += m;
    }
  }
  reduceSparse(examples, scale);
  return totals;
}

void GradientReducer::reduceSparse(double examples, double scale)
{
  if (sparse_.empty())
  {
    return;
  }
  const auto tables = static_cast<int64_t>(sparse_.size());
  std::vector<torch::Tensor> rows(sparse_.size());
  std::vector<torch::Tensor> values(sparse_.size());
  torch::Tensor counts = torch::zeros({tables}, torch::kInt64);
  for (int64_t t = 0; t < tables; ++t)
  {
    const torch::Tensor& p = sparse_[static_cast<size_t>(t)];
    const torch::Tensor& g = p.grad();
    if (g.defined() && g.is_sparse() && examples > 0)
    {
      torch::Tensor c = g.coalesce();
      rows[static_cast<size_t>(t)] = c._indices().reshape({-1});
      values[static_cast<size_t>(t)] = c._values() * examples;
    }
    else
    {
      rows[static_cast<size_t>(t)] = torch::empty({0}, torch::kInt64);
      values[static_cast<size_t>(t)] = torch::empty({0, p.size(1)}, torch::kFloat32);
    }
    counts[t] = rows[static_cast<size_t>(t)].size(0);
  }
  const torch::Tensor all = c_.allgather(counts);  // [ranks, tables]
  auto n = all.accessor<int64_t, 2>();
  for (int64_t t = 0; t < tables; ++t)
  {
    torch::Tensor& p = sparse_[static_cast<size_t>(t)];
    const int64_t most = all.select(1, t).max().item<int64_t>();
    if (most == 0)
    {
      p.mutable_grad().reset();  // no rank touched a row
      continue;
    }
    // Padded to the largest count (all-gather takes one shape), the padding cut off after.
    const torch::Tensor& r = rows[static_cast<size_t>(t)];
    const torch::Tensor& v = values[static_cast<size_t>(t)];
    torch::Tensor paddedRows = torch::zeros({most}, torch::kInt64);
    torch::Tensor paddedValues = torch::zeros({most, p.size(1)}, torch::kFloat32);
    paddedRows.narrow(0, 0, r.size(0)).copy_(r);
    paddedValues.narrow(0, 0, v.size(0)).copy_(v);
    const torch::Tensor gatheredRows = c_.allgather(paddedRows);      // [ranks, most]
    const torch::Tensor gatheredValues = c_.allgather(paddedValues);  // [ranks, most, d]
    std::vector<torch::Tensor> rowParts;
    std::vector<torch::Tensor> valueParts;
    for (int64_t k = 0; k < all.size(0); ++k)
    {
      rowParts.push_back(gatheredRows[k].narrow(0, 0, n[k][t]));
      valueParts.push_back(gatheredValues[k].narrow(0, 0, n[k][t]));
    }
    // The same parts in rank order on every rank: the same sums, so the ranks stay identical.
    p.mutable_grad() = torch::sparse_coo_tensor(torch::cat(rowParts).unsqueeze(0),
                                                torch::cat(valueParts) * scale, p.sizes())
                           .coalesce();
  }
}

StepTotals GradientReducer::exchangeFlags(bool stop, bool pause)
{
  std::vector<torch::Tensor> one{
      torch::tensor({stop ? 1.0 : 0.0, pause ? 1.0 : 0.0}, torch::kFloat64)};
  c_.allreduceSum(one);
  auto a = one[0].accessor<double, 1>();
  StepTotals totals;
  totals.stop = a[0] > 0;
  totals.pause = a[1] > 0;
  return totals;
}

}  // namespace m6
