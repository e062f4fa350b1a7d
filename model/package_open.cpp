// ModelPackage::open() and readWeights() of package.h: reading a model file defensively.
#include "model/checkpoint.h"
#include "model/package_format.h"
#include "model/package_impl.h"
#include "model/rng.h"
#include "model/threads.h"

namespace m6
{

namespace
{

// Reads a string attribute, or "" when absent or of another type.
std::string stringAttribute(torch::serialize::InputArchive& a, const char* key)
{
  c10::IValue v;
  if (a.try_read(key, v) && v.isString())
  {
    return v.toStringRef();
  }
  return "";
}

std::vector<std::string> stringList(const Json& j, const char* key)
{
  std::vector<std::string> out;
  for (const auto& e : j.at(key).asArray())
  {
    out.push_back(e.asString());
  }
  return out;
}

// Reads the tensors of a table archive in spec order; every one must have `rows` rows.
std::vector<torch::Tensor> readColumns(torch::serialize::InputArchive& a,
                                       const std::vector<ColumnSpec>& specs, int64_t rows,
                                       const char* what, uint64_t& sum)
{
  std::vector<torch::Tensor> out;
  for (const auto& s : specs)
  {
    torch::Tensor t;
    if (!a.try_read(s.moduleName, t, true) || t.dim() < 1 || t.size(0) != rows)
    {
      throw std::runtime_error(std::string(what) + " column " + s.moduleName +
                               " is missing or has the wrong size");
    }
    const bool integer = s.kind != ColumnKind::Numeric;
    if ((integer && t.scalar_type() != torch::kInt64) ||
        (!integer && t.scalar_type() != torch::kFloat32))
    {
      throw std::runtime_error(std::string(what) + " column " + s.moduleName +
                               " has the wrong type");
    }
    if (integer && t.numel() > 0 &&
        (t.min().item<int64_t>() < 0 || t.max().item<int64_t>() >= s.cardinality))
    {
      throw std::runtime_error(std::string(what) + " column " + s.moduleName +
                               " has codes outside its vocabulary");
    }
    sum = fnv1a(sum, t);
    out.push_back(t);
  }
  return out;
}

torch::Tensor readTensor(torch::serialize::InputArchive& a, const char* key,
                         std::vector<int64_t> shape, torch::ScalarType type, uint64_t& sum)
{
  torch::Tensor t;
  if (!a.try_read(key, t, true) || t.scalar_type() != type || t.sizes().vec() != shape)
  {
    throw std::runtime_error(std::string("table ") + key + " is missing or has the wrong shape");
  }
  sum = fnv1a(sum, t);
  return t;
}

// The network of a checkpoint or model file: meta (config + architecture) and the "model" archive.
M6Net buildNet(torch::serialize::InputArchive& root, const Json& meta)
{
  RunConfig config = fromJson(meta.at("config"));
  NetSpec spec = netSpecFromArchitecture(meta.at("architecture"), config);
  M6Net net{nullptr};
  {
    IsolatedSeed isolated(0);  // the weights are loaded next; a training run's stream stays put
    net = M6Net(spec);
  }
  torch::serialize::InputArchive model;
  if (!root.try_read("model", model))
  {
    throw std::runtime_error("it has no model weights");
  }
  loadNetWeights(model, *net);
  net->eval();
  return net;
}

void load(ModelPackage::Impl& im, torch::serialize::InputArchive& root, const Json& meta,
          const std::string& vocabText)
{
  im.config = fromJson(meta.at("config"));
  auto issues = validate(im.config, nullptr);
  if (!issues.empty())
  {
    throw std::runtime_error("its config is invalid: " + formatIssues(issues));
  }
  im.card = ModelCard::fromJson(meta.at("card"));
  im.historyLength = meta.at("history_length").asInt();
  if (im.historyLength != im.config.model.historyLength)
  {
    throw std::runtime_error("its history length disagrees with its config");
  }
  Json vocab = Json::parse(vocabText);
  im.userIds = stringList(vocab, "users");
  im.itemIds = stringList(vocab, "items");
  im.itemTitles = stringList(vocab, "item_titles");
  const Json& cat = vocab.at("item_category");
  im.categoryField = cat.at("field").asString();
  im.categoryNames = stringList(cat, "values");
  for (const auto& c : cat.at("codes").asArray())
  {
    int64_t code = c.asInt();
    bool known = code >= 0 && code < static_cast<int64_t>(im.categoryNames.size());
    im.itemCategoryCode.push_back(known ? static_cast<int32_t>(code) : -1);
    im.itemCategory.push_back(known ? im.categoryNames[static_cast<size_t>(code)] : "");
  }
  const Json& time = vocab.at("time_columns");
  im.hourColumn = static_cast<int>(time.at("hour_column").asInt());
  im.weekdayColumn = static_cast<int>(time.at("weekday_column").asInt());
  im.recencyColumn = static_cast<int>(time.at("recency_column").asInt());

  const NetSpec spec = netSpecFromArchitecture(meta.at("architecture"), im.config);
  const int64_t nU = spec.numUsers;
  const int64_t nI = spec.numItems;
  const int64_t L = im.historyLength;
  if (static_cast<int64_t>(im.userIds.size()) != nU ||
      static_cast<int64_t>(im.itemIds.size()) != nI ||
      static_cast<int64_t>(im.itemCategoryCode.size()) != nI ||
      (!im.itemTitles.empty() && static_cast<int64_t>(im.itemTitles.size()) != nI))
  {
    throw std::runtime_error("its vocabularies do not match its network");
  }
  im.itemTitles.resize(static_cast<size_t>(nI));
  const int64_t nContext = static_cast<int64_t>(spec.contextColumns.size());
  for (int c : {im.hourColumn, im.weekdayColumn, im.recencyColumn})
  {
    if (c < -1 || c >= nContext)
    {
      throw std::runtime_error("its time columns are out of range");
    }
  }
  for (int32_t i = 0; i < nU; ++i)
  {
    im.userIndex.emplace(im.userIds[static_cast<size_t>(i)], i);
  }
  for (int32_t i = 0; i < nI; ++i)
  {
    im.itemIndex.emplace(im.itemIds[static_cast<size_t>(i)], i);
  }

  uint64_t sum = fnv1a(kFnvOffset, vocabText.data(), vocabText.size());
  im.net = buildNet(root, meta);
  for (const auto& p : im.net->named_parameters())
  {
    sum = fnv1a(sum, p.value());
  }
  for (const auto& b : im.net->named_buffers())
  {
    sum = fnv1a(sum, b.value());
  }
  torch::serialize::InputArchive tables;
  torch::serialize::InputArchive items;
  torch::serialize::InputArchive users;
  torch::serialize::InputArchive q;
  if (!root.try_read("tables", tables) || !tables.try_read("items", items) ||
      !tables.try_read("users", users) || !tables.try_read("queries", q))
  {
    throw std::runtime_error("its tables are missing");
  }
  im.itemColumns = readColumns(items, spec.itemColumns, nI + 1, "item", sum);
  im.userColumns = readColumns(users, spec.userColumns, nU + 1, "user", sum);
  im.contextRows = readColumns(q, spec.contextColumns, nU + 1, "context", sum);
  im.histItems = readTensor(q, "hist_items", {nU, L}, torch::kInt32, sum).to(torch::kInt64);
  im.histPad = readTensor(q, "hist_pad", {nU, L}, torch::kBool, sum);
  im.histGaps = readTensor(q, "hist_gaps", {nU, L}, torch::kInt8, sum).to(torch::kInt64);
  torch::Tensor offsets = readTensor(q, "train_offsets", {nU + 1}, torch::kInt64, sum);
  torch::Tensor trainItems;
  if (!q.try_read("train_items", trainItems, true) || trainItems.scalar_type() != torch::kInt32 ||
      trainItems.dim() != 1)
  {
    throw std::runtime_error("table train_items is missing or has the wrong shape");
  }
  sum = fnv1a(sum, trainItems);
  torch::Tensor cold = readTensor(q, "cold", {nI}, torch::kUInt8, sum);
  if (hex64(sum) != meta.value("checksum", ""))
  {
    throw std::runtime_error(
        "checksum mismatch: the content changed after the file was written (corrupted)");
  }
  // Index ranges, so a crafted file cannot make index_select read out of bounds.
  if (im.histItems.numel() > 0 &&
      (im.histItems.min().item<int64_t>() < 0 || im.histItems.max().item<int64_t>() >= nI))
  {
    throw std::runtime_error("its histories name items outside the catalogue");
  }
  const int64_t* off = offsets.data_ptr<int64_t>();
  const int32_t* ti = trainItems.data_ptr<int32_t>();
  for (int64_t u = 0; u < nU; ++u)
  {
    if (off[u] < 0 || off[u + 1] < off[u] || off[u + 1] > trainItems.numel())
    {
      throw std::runtime_error("its training item offsets are inconsistent");
    }
  }
  im.trainOffsets.assign(off, off + nU + 1);
  im.trainItems.assign(ti, ti + trainItems.numel());
  for (int32_t i : im.trainItems)
  {
    if (i < 0 || i >= nI)
    {
      throw std::runtime_error("its training items lie outside the catalogue");
    }
  }
  const uint8_t* c = cold.data_ptr<uint8_t>();
  im.cold.assign(c, c + nI);
  torch::NoGradGuard guard;
  std::vector<torch::Tensor> all;
  for (const auto& col : im.itemColumns)
  {
    all.push_back(col.narrow(0, 0, nI));
  }
  im.itemTokens = im.net->encodeItems(torch::arange(nI, torch::kInt64), all);
}

}  // namespace

std::unique_ptr<ModelPackage> ModelPackage::open(const std::string& path)
{
  // Every record is checked against the manifest before LibTorch parses any of them.
  torch::serialize::InputArchive root = openModelArchive(path);
  if (stringAttribute(root, "m6_format") != kModelFormatTag)
  {
    modelFileFail(path, "corrupted: the M6 format tag is missing");
  }
  c10::IValue version;
  if (!root.try_read("m6_format_version", version) || !version.isInt())
  {
    modelFileFail(path, "corrupted: the format version is missing");
  }
  const int64_t v = version.toInt();
  if (v > kModelFormatVersion)
  {
    modelFileFail(path, "written by a newer version of M6 Workbench (format " + std::to_string(v) +
                            "; this program reads format " + std::to_string(kModelFormatVersion) +
                            ")");
  }
  if (v < 1)
  {
    modelFileFail(path, "not an M6 model file (format version " + std::to_string(v) + ")");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  impl->version = static_cast<int>(v);
  try
  {
    Json meta = Json::parse(stringAttribute(root, "meta"));
    if (meta.value("format", "") != kModelFormatTag)
    {
      throw std::runtime_error("its metadata is not a model file's");
    }
    setComputeThreads(fromJson(meta.at("config")).train.threads);
    load(*impl, root, meta, stringAttribute(root, "vocab"));
  }
  catch (const std::exception& e)
  {
    modelFileFail(path, std::string("corrupted: ") + firstLine(e.what()));
  }
  return std::unique_ptr<ModelPackage>(new ModelPackage(std::move(impl)));
}

std::vector<NamedWeights> readWeights(const std::string& pathOrRunDir)
{
  const std::string path = resolveCheckpointPath(pathOrRunDir);
  torch::serialize::InputArchive root =
      hasModelManifest(path) ? openModelArchive(path) : openTorchArchive(path);
  std::vector<NamedWeights> out;
  try
  {
    Json meta = Json::parse(stringAttribute(root, "meta"));
    const std::string format = meta.value("format", "");
    if (format != kModelFormatTag && format != "m6-checkpoint")
    {
      throw std::runtime_error("not an M6 checkpoint or model file");
    }
    M6Net net = buildNet(root, meta);
    for (const auto& p : net->named_parameters())
    {
      torch::Tensor t = p.value().detach().to(torch::kFloat32).contiguous();
      NamedWeights w;
      w.name = p.key();
      w.shape = t.sizes().vec();
      w.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
      out.push_back(std::move(w));
    }
  }
  catch (const ModelFileError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    modelFileFail(path, firstLine(e.what()));
  }
  return out;
}

}  // namespace m6
