#include "model/package_format.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/checkpoint.h"
#include "model/package.h"

namespace m6
{

namespace
{

bool contains(const std::string& s, const char* what)
{
  return s.find(what) != std::string::npos;
}

ColumnKind columnKind(const std::string& kind, const std::string& path)
{
  if (kind == "categorical")
  {
    return ColumnKind::Categorical;
  }
  if (kind == "bag")
  {
    return ColumnKind::Bag;
  }
  if (kind == "numeric")
  {
    return ColumnKind::Numeric;
  }
  throw std::runtime_error(path + ": unknown column kind '" + kind + "'");
}

std::vector<ColumnSpec> columns(const Json& a, const char* key)
{
  std::vector<ColumnSpec> out;
  for (const auto& c : a.at(key).asArray())
  {
    ColumnSpec s;
    s.name = c.at("name").asString();
    s.moduleName = c.at("module").asString();
    s.kind = columnKind(c.at("kind").asString(), key);
    s.cardinality = c.at("rows").asInt();
    out.push_back(s);
  }
  return out;
}

}  // namespace

void modelFileFail(const std::string& path, const std::string& why)
{
  throw ModelFileError("model file " + path + ": " + why);
}

namespace
{

// Existence, size and the zip signature, before any parser sees the file.
void preflight(const std::string& path)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec))
  {
    modelFileFail(path, "no such file");
  }
  if (!fs::is_regular_file(path, ec))
  {
    modelFileFail(path, "not a file");
  }
  const auto size = fs::file_size(path, ec);
  if (ec || size == 0)
  {
    modelFileFail(path, "not an M6 model file (the file is empty)");
  }
  char magic[4] = {0, 0, 0, 0};
  std::ifstream in(path, std::ios::binary);
  in.read(magic, 4);
  if (!in)
  {
    modelFileFail(path, "not an M6 model file (too short to be one)");
  }
  if (!(magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4))
  {
    modelFileFail(path, "not an M6 model file (not a zip archive, which a model file is)");
  }
}

// The zip directory only (no record is parsed).
std::unique_ptr<caffe2::serialize::PyTorchStreamReader> zipReader(const std::string& path)
{
  try
  {
    return std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  }
  catch (const std::exception& e)
  {
    const std::string msg = firstLine(e.what());
    if (contains(msg, "central directory") || contains(msg, "failed reading zip archive"))
    {
      modelFileFail(path,
                    "truncated or damaged: the zip directory at its end is missing or "
                    "unreadable (" +
                        msg + ")");
    }
    if (contains(msg, "not in a subdirectory") || contains(msg, "file not found") ||
        contains(msg, "failed finding") || contains(msg, "locating file"))
    {
      modelFileFail(path,
                    "not an M6 model file (a zip archive, but not a LibTorch one: " + msg + ")");
    }
    modelFileFail(path, "truncated or damaged: " + msg);
  }
}

std::string recordText(caffe2::serialize::PyTorchStreamReader& r, const std::string& name)
{
  auto rec = r.getRecord(name);
  return std::string(static_cast<const char*>(std::get<0>(rec).get()), std::get<1>(rec));
}

uint64_t recordHash(caffe2::serialize::PyTorchStreamReader& r, const std::string& name)
{
  auto rec = r.getRecord(name);
  return fnv1a(kFnvOffset, std::get<0>(rec).get(), std::get<1>(rec));
}

bool isVersionRecord(const std::string& name)
{
  return name == "version" || name == ".data/version";
}

// A LibTorch archive without a manifest: say what it is without unpickling it.
[[noreturn]] void foreignArchive(const std::string& path, caffe2::serialize::PyTorchStreamReader& r)
{
  if (r.hasRecord("data.pkl"))
  {
    std::string pickle = recordText(r, "data.pkl");
    if (contains(pickle, "m6-checkpoint"))
    {
      modelFileFail(path,
                    "not an M6 model file (it is an M6 training checkpoint; export the run "
                    "to get a model file)");
    }
    modelFileFail(path, "not an M6 model file (a LibTorch archive without M6 model metadata)");
  }
  modelFileFail(path, "not an M6 model file (a zip archive, but not a LibTorch model)");
}

torch::serialize::InputArchive loadArchive(const std::string& path)
{
  torch::serialize::InputArchive archive;
  try
  {
    archive.load_from(path);
  }
  catch (const std::exception& e)
  {
    modelFileFail(path, "corrupted: " + firstLine(e.what()));
  }
  return archive;
}

}  // namespace

void writeModelArchive(const std::string& bytes, const std::string& path)
{
  std::istringstream in(bytes);
  caffe2::serialize::PyTorchStreamReader reader(&in);
  caffe2::serialize::PyTorchStreamWriter writer(path);
  writer.setMinVersion(reader.version());
  Json records = Json::object();
  for (const auto& name : reader.getAllRecords())
  {
    if (isVersionRecord(name))
    {
      continue;  // the writer writes its own
    }
    auto rec = reader.getRecord(name);
    writer.writeRecord(name, std::get<0>(rec).get(), std::get<1>(rec));
    records[name] = hex64(fnv1a(kFnvOffset, std::get<0>(rec).get(), std::get<1>(rec)));
  }
  Json manifest = Json::object();
  manifest["format"] = kModelFormatTag;
  manifest["format_version"] = kModelFormatVersion;
  manifest["records"] = records;
  const std::string text = manifest.dump();
  writer.writeRecord(kManifestRecord, text.data(), text.size());
  writer.writeEndOfFile();
}

bool hasModelManifest(const std::string& path)
{
  preflight(path);
  return zipReader(path)->hasRecord(kManifestRecord);
}

torch::serialize::InputArchive openModelArchive(const std::string& path)
{
  preflight(path);
  auto reader = zipReader(path);
  if (!reader->hasRecord(kManifestRecord))
  {
    foreignArchive(path, *reader);
  }
  Json manifest;
  try
  {
    manifest = Json::parse(recordText(*reader, kManifestRecord));
  }
  catch (const std::exception& e)
  {
    modelFileFail(path, std::string("corrupted: its record list is unreadable (") + e.what() + ")");
  }
  if (!manifest.isObject() || manifest.value("format", "") != kModelFormatTag ||
      !manifest.contains("records") || !manifest.at("records").isObject())
  {
    modelFileFail(path, "corrupted: its record list is not an M6 model file's");
  }
  const int64_t version = manifest.value("format_version", int64_t(0));
  if (version > kModelFormatVersion)
  {
    modelFileFail(path, "written by a newer version of M6 Workbench (format " +
                            std::to_string(version) + "; this program reads format " +
                            std::to_string(kModelFormatVersion) + ")");
  }
  if (version < 1)
  {
    modelFileFail(path, "not an M6 model file (format version " + std::to_string(version) + ")");
  }
  const Json& records = manifest.at("records");
  try
  {
    std::vector<std::string> present = reader->getAllRecords();
    for (const auto& name : present)
    {
      if (isVersionRecord(name) || name == kManifestRecord)
      {
        continue;
      }
      const Json* expected = records.find(name);
      if (!expected)
      {
        modelFileFail(path, "corrupted: it holds a record it did not list (" + name + ")");
      }
      if (!expected->isString() || expected->asString() != hex64(recordHash(*reader, name)))
      {
        modelFileFail(path, "corrupted: " + name + " changed after the file was written");
      }
    }
    for (const auto& kv : records.asObject())
    {
      if (std::find(present.begin(), present.end(), kv.first) == present.end())
      {
        modelFileFail(path, "corrupted: " + kv.first + " is missing");
      }
    }
  }
  catch (const ModelFileError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    modelFileFail(path, "corrupted: " + firstLine(e.what()));
  }
  return loadArchive(path);
}

torch::serialize::InputArchive openTorchArchive(const std::string& path)
{
  preflight(path);
  zipReader(path);  // classifies a damaged zip before LibTorch parses it
  return loadArchive(path);
}

NetSpec netSpecFromArchitecture(const Json& a, const RunConfig& config)
{
  NetSpec spec;
  spec.model = config.model;
  spec.numUsers = a.at("users").asInt();
  spec.numItems = a.at("items").asInt();
  spec.userColumns = columns(a, "user_columns");
  spec.itemColumns = columns(a, "item_columns");
  spec.contextColumns = columns(a, "context_columns");
  spec.hasTimestamps = a.at("timestamps").asBool();
  if (spec.numUsers < 0 || spec.numItems < 0 || spec.numUsers > (int64_t(1) << 40) ||
      spec.numItems > (int64_t(1) << 40))
  {
    throw std::runtime_error("implausible user or item count");
  }
  for (const auto* cols : {&spec.userColumns, &spec.itemColumns, &spec.contextColumns})
  {
    for (const auto& c : *cols)
    {
      if (c.kind != ColumnKind::Numeric &&
          (c.cardinality < 1 || c.cardinality > (int64_t(1) << 31)))
      {
        throw std::runtime_error("implausible vocabulary size of " + c.name);
      }
    }
  }
  return spec;
}

uint64_t fnv1a(uint64_t h, const void* data, size_t bytes)
{
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < bytes; ++i)
  {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}

uint64_t fnv1a(uint64_t h, const torch::Tensor& t)
{
  torch::Tensor c = t.contiguous();
  return fnv1a(h, c.data_ptr(), static_cast<size_t>(c.numel()) * c.element_size());
}

std::string hex64(uint64_t v)
{
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace m6
