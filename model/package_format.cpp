#include "model/package_format.h"

#include <caffe2/serialize/inline_container.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/archive_file.h"
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

uint64_t littleEndian(const unsigned char* p, int bytes)
{
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
  {
    v = (v << 8) | p[i];
  }
  return v;
}

// The sizes the zip directory declares, checked before any record is inflated: LibTorch's reader
// allocates a record's declared size and inflates into it, so a small file declaring gigabytes
// would be unpacked before anything could refuse it. M6 writes records uncompressed (each
// declared size is then bounded by the file's own); a compressed record (a model file zipped
// again by some tool) is accepted while everything together inflates to at most
// kMaxInflation times the file.
void checkDeclaredSizes(const std::string& path, uint64_t fileSize)
{
  constexpr uint64_t kMaxInflation = 16;
  std::ifstream in(path, std::ios::binary);
  const uint64_t tail = std::min<uint64_t>(fileSize, 65535 + 22);
  std::vector<unsigned char> end(tail);
  in.seekg(static_cast<std::streamoff>(fileSize - tail));
  in.read(reinterpret_cast<char*>(end.data()), static_cast<std::streamsize>(tail));
  if (!in)
  {
    return;  // unreadable: the zip reader's own error says so
  }
  int64_t eocd = -1;
  for (int64_t i = static_cast<int64_t>(tail) - 22; i >= 0; --i)
  {
    if (littleEndian(&end[static_cast<size_t>(i)], 4) == 0x06054b50)
    {
      eocd = i;
      break;
    }
  }
  if (eocd < 0)
  {
    return;  // no directory: the zip reader reports a truncated file
  }
  const unsigned char* e = &end[static_cast<size_t>(eocd)];
  uint64_t entries = littleEndian(e + 10, 2);
  uint64_t dirSize = littleEndian(e + 12, 4);
  uint64_t dirOffset = littleEndian(e + 16, 4);
  if ((entries == 0xFFFF || dirOffset == 0xFFFFFFFF) && eocd >= 20 &&
      littleEndian(e - 20, 4) == 0x07064b50)
  {
    // Zip64: the real counts are in the zip64 end record the locator points at.
    unsigned char z[56];
    in.seekg(static_cast<std::streamoff>(littleEndian(e - 20 + 8, 8)));
    if (!in.read(reinterpret_cast<char*>(z), sizeof z) || littleEndian(z, 4) != 0x06064b50)
    {
      modelFileFail(path, "truncated or damaged: its zip64 directory record is unreadable");
    }
    entries = littleEndian(z + 32, 8);
    dirSize = littleEndian(z + 40, 8);
    dirOffset = littleEndian(z + 48, 8);
  }
  if (dirOffset > fileSize || dirSize > fileSize - dirOffset || entries > dirSize / 46)
  {
    modelFileFail(path, "truncated or damaged: its zip directory points outside the file");
  }
  std::vector<unsigned char> dir(dirSize);
  in.seekg(static_cast<std::streamoff>(dirOffset));
  if (!in.read(reinterpret_cast<char*>(dir.data()), static_cast<std::streamsize>(dirSize)))
  {
    modelFileFail(path, "truncated or damaged: its zip directory is unreadable");
  }
  uint64_t declared = 0;
  size_t at = 0;
  for (uint64_t k = 0; k < entries; ++k)
  {
    if (at + 46 > dir.size() || littleEndian(&dir[at], 4) != 0x02014b50)
    {
      modelFileFail(path, "truncated or damaged: its zip directory is malformed");
    }
    const unsigned char* h = &dir[at];
    const uint64_t method = littleEndian(h + 10, 2);
    uint64_t packed = littleEndian(h + 20, 4);
    uint64_t size = littleEndian(h + 24, 4);
    const size_t nameLen = littleEndian(h + 28, 2);
    const size_t extraLen = littleEndian(h + 30, 2);
    const size_t commentLen = littleEndian(h + 32, 2);
    if (at + 46 + nameLen + extraLen + commentLen > dir.size())
    {
      modelFileFail(path, "truncated or damaged: its zip directory is malformed");
    }
    const std::string name(reinterpret_cast<const char*>(h + 46), nameLen);
    // Zip64 sizes live in the extra field (id 1): the uncompressed size first, then the packed.
    for (size_t x = 46 + nameLen; x + 4 <= 46 + nameLen + extraLen;)
    {
      const uint64_t id = littleEndian(h + x, 2);
      const size_t len = littleEndian(h + x + 2, 2);
      size_t field = x + 4;
      if (id == 1)
      {
        if (size == 0xFFFFFFFF && field + 8 <= x + 4 + len)
        {
          size = littleEndian(h + field, 8);
          field += 8;
        }
        if (packed == 0xFFFFFFFF && field + 8 <= x + 4 + len)
        {
          packed = littleEndian(h + field, 8);
        }
      }
      x += 4 + len;
    }
    if (packed > fileSize || (method == 0 && size != packed))
    {
      modelFileFail(path, "truncated or damaged: record " + name + " declares " +
                              std::to_string(size) + " bytes in a file of " +
                              std::to_string(fileSize));
    }
    declared += size;
    if (declared > kMaxInflation * fileSize + (64u << 20))
    {
      auto size = [](uint64_t b) {
        return b < (1u << 20) ? std::to_string(b >> 10) + " KiB" : std::to_string(b >> 20) + " MiB";
      };
      modelFileFail(path, "not a usable model file: its records would inflate to more than " +
                              size(declared) + " from a file of " + size(fileSize) +
                              " (M6 writes model files uncompressed); refused before unpacking");
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
}

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
  checkDeclaredSizes(path, size);
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
  writeArchiveFile(path, "model file",
                   [&bytes](const std::function<size_t(const void*, size_t)>& sink)
                   {
                     std::istringstream in(bytes);
                     caffe2::serialize::PyTorchStreamReader reader(&in);
                     caffe2::serialize::PyTorchStreamWriter writer(sink);
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
                       records[name] =
                           hex64(fnv1a(kFnvOffset, std::get<0>(rec).get(), std::get<1>(rec)));
                     }
                     Json manifest = Json::object();
                     manifest["format"] = kModelFormatTag;
                     manifest["format_version"] = kModelFormatVersion;
                     manifest["records"] = records;
                     const std::string text = manifest.dump();
                     writer.writeRecord(kManifestRecord, text.data(), text.size());
                     writer.writeEndOfFile();
                   });
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
