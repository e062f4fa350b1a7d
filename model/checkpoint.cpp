#include "model/checkpoint.h"

#include <filesystem>
#include <sstream>

#include "model/archive_file.h"
#include "model/package_format.h"
#include "model/rng.h"

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
  torch::serialize::OutputArchive root;
  torch::serialize::OutputArchive model;
  session.net->save(model);
  root.write("model", model);
  // The optimiser state goes in as bytes so that it can be checksummed like the rest: its own
  // archive, serialised here and checked before it is read back.
  std::string optimizerBytes;
  if (optimizer)
  {
    torch::serialize::OutputArchive opt;
    optimizer->save(opt);
    std::ostringstream bytes;
    opt.save_to(bytes);
    optimizerBytes = bytes.str();
    meta["optimizer_checksum"] =
        hex64(fnv1a(kFnvOffset, optimizerBytes.data(), optimizerBytes.size()));
    root.write("optimizer_state",
               torch::from_blob(optimizerBytes.data(),
                                {static_cast<int64_t>(optimizerBytes.size())}, torch::kUInt8));
    torch::Tensor rng;
    {
      auto gen = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> shared(globalRngMutex());  // not while another thread isolates
      std::lock_guard<std::mutex> lock(gen.mutex());
      rng = gen.get_state();
    }
    meta["rng_checksum"] = hex64(fnv1a(kFnvOffset, rng));
    root.write("rng", rng);
  }
  const std::string metaText = meta.dump();
  root.write("meta", c10::IValue(metaText));
  root.write("meta_checksum",
             c10::IValue(hex64(fnv1a(kFnvOffset, metaText.data(), metaText.size()))));
  saveArchiveFile(root, path, "checkpoint");
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
    const std::string& text = value.toStringRef();
    meta = Json::parse(text);
    if (meta.isObject() && meta.value("version", 0) >= 2)
    {
      c10::IValue sum;
      if (!root.try_read("meta_checksum", sum) || !sum.isString() ||
          sum.toStringRef() != hex64(fnv1a(kFnvOffset, text.data(), text.size())))
      {
        fail(path, "is corrupted: its metadata do not match the checksum saved with them");
      }
    }
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
  const int64_t version = meta.value("version", int64_t(0));
  if (version < 1 || version > kCheckpointVersion)
  {
    fail(path, "checkpoint version " + std::to_string(version) +
                   " is not supported (expected 1 to " + std::to_string(kCheckpointVersion) + ")");
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
      if (version >= 2)
      {
        torch::Tensor bytes;
        if (!root.try_read("optimizer_state", bytes))
        {
          fail(path, "has no optimiser state (not a resume point)");
        }
        bytes = bytes.to(torch::kUInt8).contiguous();
        const auto* data = reinterpret_cast<const char*>(bytes.data_ptr<uint8_t>());
        const size_t size = static_cast<size_t>(bytes.numel());
        if (meta.value("optimizer_checksum", "") != hex64(fnv1a(kFnvOffset, data, size)))
        {
          fail(path, "is corrupted: its optimiser state does not match the checksum saved with it");
        }
        opt.load_from(data, size);
      }
      else if (!root.try_read("optimizer", opt))
      {
        fail(path, "has no optimiser state (not a resume point)");
      }
      optimizer->load(opt);
      torch::Tensor rng;
      if (!root.try_read("rng", rng))
      {
        fail(path, "has no random generator state (not a resume point)");
      }
      if (version >= 2 && meta.value("rng_checksum", "") != hex64(fnv1a(kFnvOffset, rng)))
      {
        fail(path, "is corrupted: its random generator state does not match its checksum");
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
    const fs::path best = fs::path(path) / "best.pt";
    if (fs::is_regular_file(best, ec))
    {
      return best.string();
    }
    // last.pt is where training stopped, not the model the run reported: never a silent stand-in.
    if (fs::is_regular_file(fs::path(path) / "last.pt", ec))
    {
      throw std::runtime_error("checkpoint " + path +
                               ": the run folder has no best.pt (no epoch was validated, or the "
                               "file was removed); its last.pt is a resume point: resume the "
                               "run, or name last.pt itself to use the weights it holds");
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
