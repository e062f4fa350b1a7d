#include "model/checkpoint.h"

#include "model/package_format.h"
#include "model/rng.h"

#include <filesystem>
#include <sstream>

namespace m6
{

namespace
{

namespace fs = std::filesystem;

// Our own failures, told apart from torch's so they pass through the catch blocks unchanged.
class CheckpointError : public std::runtime_error
{
 public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const std::string& path, const std::string& why)
{
  throw CheckpointError("checkpoint " + path + ": " + why);
}

std::string shapeText(const torch::Tensor& t)
{
  std::ostringstream os;
  os << t.sizes();
  return os.str();
}

// The keys in which two architecture descriptions differ, for the error message.
std::string differences(const Json& saved, const Json& current)
{
  std::string out;
  if (saved.isObject() && current.isObject())
  {
    for (const auto& kv : current.asObject())
    {
      const Json* other = saved.find(kv.first);
      if (!other)
      {
        out += (out.empty() ? "" : ", ") + kv.first;
      }
      else if (*other != kv.second)
      {
        if (kv.second.isObject())
        {
          for (const auto& inner : kv.second.asObject())
          {
            const Json* o = other->find(inner.first);
            if (!o || *o != inner.second)
            {
              out += (out.empty() ? "" : ", ") + kv.first + "." + inner.first + " (saved " +
                     (o ? o->dump() : "none") + ", now " + inner.second.dump() + ")";
            }
          }
        }
        else
        {
          out += (out.empty() ? "" : ", ") + kv.first + " (saved " + other->dump() + ", now " +
                 kv.second.dump() + ")";
        }
      }
    }
  }
  return out.empty() ? "unknown differences" : out;
}

// Checkpoints written before a model knob existed lack it in their architecture: read their model
// config with that knob's default, so they still load (and compare equal when it is unused).
Json normalisedArchitecture(const Json& saved)
{
  const Json* model = saved.find("model");
  if (!saved.isObject() || !model)
  {
    return saved;
  }
  Json a = saved;
  try
  {
    Json wrap = Json::object();
    wrap["model"] = *model;
    a["model"] = toJson(fromJson(wrap))["model"];
  }
  catch (const std::exception&)
  {
    return saved;  // an unreadable config: the comparison below reports the difference
  }
  return a;
}

}  // namespace

std::string firstLine(const std::string& s)
{
  size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

void loadNetWeights(torch::serialize::InputArchive& archive, torch::nn::Module& net)
{
  // Module::load would silently resize parameters (Tensor::set_), so compare shapes after.
  std::vector<std::pair<std::string, std::vector<int64_t>>> shapes;
  for (const auto& p : net.named_parameters())
  {
    shapes.emplace_back(p.key(), p.value().sizes().vec());
  }
  for (const auto& b : net.named_buffers())
  {
    shapes.emplace_back(b.key(), b.value().sizes().vec());
  }
  try
  {
    net.load(archive);
  }
  catch (const std::exception& e)
  {
    throw std::runtime_error("weights do not fit this model: " + firstLine(e.what()));
  }
  auto params = net.named_parameters();
  auto buffers = net.named_buffers();
  for (const auto& s : shapes)
  {
    const torch::Tensor* t = params.find(s.first);
    if (!t)
    {
      t = buffers.find(s.first);
    }
    if (!t || t->sizes().vec() != s.second)
    {
      throw std::runtime_error("weights do not fit this model: " + s.first + " has shape " +
                               (t ? shapeText(*t) : "none"));
    }
  }
}

// FNV-1a 64 over every parameter and buffer in registration order: a changed byte in a saved
// checkpoint is reported as corruption instead of giving silently wrong scores.
std::string weightsChecksum(torch::nn::Module& net)
{
  uint64_t h = kFnvOffset;
  for (const auto& p : net.named_parameters())
  {
    h = fnv1a(h, p.key().data(), p.key().size());
    h = fnv1a(h, p.value());
  }
  for (const auto& b : net.named_buffers())
  {
    h = fnv1a(h, b.key().data(), b.key().size());
    h = fnv1a(h, b.value());
  }
  return hex64(h);
}

void saveCheckpoint(const std::string& path, Session& session, torch::optim::Optimizer* optimizer,
                    const Json& state)
{
  Json meta = Json::object();
  meta["format"] = "m6-checkpoint";
  meta["version"] = kCheckpointVersion;
  meta["architecture"] = session.architecture();
  meta["config"] = toJson(session.config);
  meta["state"] = state;
  meta["weights_checksum"] = weightsChecksum(*session.net);
  std::string tmp = path + ".tmp";
  try
  {
    torch::serialize::OutputArchive root;
    root.write("meta", c10::IValue(meta.dump()));
    torch::serialize::OutputArchive model;
    session.net->save(model);
    root.write("model", model);
    if (optimizer)
    {
      torch::serialize::OutputArchive opt;
      optimizer->save(opt);
      root.write("optimizer", opt);
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> shared(globalRngMutex());  // not while another thread isolates
      std::lock_guard<std::mutex> lock(gen.mutex());
      root.write("rng", gen.get_state());
    }
    root.save_to(tmp);
  }
  catch (const c10::Error& e)
  {
    fail(path, "cannot be written: " + firstLine(e.what()));
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec)
  {
    fail(path, "cannot be written: " + ec.message());
  }
}

Json loadCheckpoint(const std::string& path, Session& session, torch::optim::Optimizer* optimizer)
{
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
  {
    fail(path, "no such file");
  }
  torch::serialize::InputArchive root;
  try
  {
    root.load_from(path);
  }
  catch (const std::exception& e)
  {
    fail(path, "not a readable checkpoint (truncated or corrupt?): " + firstLine(e.what()));
  }
  Json meta;
  try
  {
    c10::IValue value;
    if (!root.try_read("meta", value) || !value.isString())
    {
      fail(path, "not an M6 checkpoint (no M6 metadata)");
    }
    meta = Json::parse(value.toStringRef());
  }
  catch (const CheckpointError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    fail(path, "not an M6 checkpoint: " + firstLine(e.what()));
  }
  if (!meta.isObject() || meta.value("format", "") != "m6-checkpoint")
  {
    fail(path, "not an M6 checkpoint (wrong format tag)");
  }
  if (meta.value("version", 0) != kCheckpointVersion)
  {
    fail(path, "checkpoint version " + std::to_string(meta.value("version", 0)) +
                   " is not supported (expected " + std::to_string(kCheckpointVersion) + ")");
  }
  const Json* savedRaw = meta.find("architecture");
  Json saved = savedRaw ? normalisedArchitecture(*savedRaw) : Json();
  Json current = session.architecture();
  if (!savedRaw || saved != current)
  {
    fail(path, "was saved for another architecture or dataset: " + differences(saved, current));
  }
  try
  {
    torch::serialize::InputArchive model;
    if (!root.try_read("model", model))
    {
      fail(path, "has no model weights");
    }
    loadNetWeights(model, *session.net);
  }
  catch (const CheckpointError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    fail(path, firstLine(e.what()));
  }
  // Checkpoints before the checksum was recorded have none; theirs is not checked.
  const std::string expected = meta.value("weights_checksum", "");
  if (!expected.empty() && expected != weightsChecksum(*session.net))
  {
    fail(path, "is corrupted: its weights do not match the checksum saved with them");
  }
  try
  {
    for (const auto& p : session.net->named_parameters())
    {
      if (!torch::isfinite(p.value()).all().item<bool>())
      {
        fail(path, "is corrupted: parameter " + p.key() + " holds NaN or infinite values");
      }
    }
  }
  catch (const CheckpointError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    fail(path, firstLine(e.what()));
  }
  if (optimizer)
  {
    try
    {
      torch::serialize::InputArchive opt;
      if (!root.try_read("optimizer", opt))
      {
        fail(path, "has no optimiser state (not a resume point)");
      }
      optimizer->load(opt);
      torch::Tensor rng;
      if (!root.try_read("rng", rng))
      {
        fail(path, "has no random generator state (not a resume point)");
      }
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> shared(globalRngMutex());
      std::lock_guard<std::mutex> lock(gen.mutex());
      gen.set_state(rng);
    }
    catch (const CheckpointError&)
    {
      throw;
    }
    catch (const std::exception& e)
    {
      fail(path, "optimiser state does not fit: " + firstLine(e.what()));
    }
  }
  if (!meta.contains("state") || !meta.contains("config"))
  {
    fail(path, "has incomplete M6 metadata");
  }
  return meta;
}

std::string resolveCheckpointPath(const std::string& path)
{
  std::error_code ec;
  if (fs::is_directory(path, ec))
  {
    for (const char* name : {"best.pt", "last.pt"})
    {
      fs::path p = fs::path(path) / name;
      if (fs::is_regular_file(p, ec))
      {
        return p.string();
      }
    }
    throw std::runtime_error("checkpoint " + path + ": the run folder has no best.pt or last.pt");
  }
  if (!fs::exists(path, ec))
  {
    throw std::runtime_error("checkpoint " + path + ": no such file");
  }
  return path;
}

}  // namespace m6
