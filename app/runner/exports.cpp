#include "app/runner/exports.h"

#include "app/runner/training_session.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace m6
{

namespace
{

std::string num(double v)
{
  if (std::isnan(v))
  {
    return "";
  }
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

/// Streams to "<path>.part" and renames on commit(); the destructor removes an uncommitted part.
class AtomicFile
{
 public:
  explicit AtomicFile(std::string path) : path_(std::move(path)), part_(path_ + ".part")
  {
    out_.open(part_, std::ios::binary | std::ios::trunc);
  }
  ~AtomicFile()
  {
    if (!committed_)
    {
      out_.close();
      std::error_code ec;
      std::filesystem::remove(part_, ec);
    }
  }
  bool ok() const { return static_cast<bool>(out_); }
  std::ofstream& stream() { return out_; }
  Status commit()
  {
    out_.close();
    if (!out_)
    {
      return makeError("cannot write " + part_);
    }
    std::error_code ec;
    std::filesystem::rename(part_, path_, ec);
    if (ec)
    {
      return makeError("cannot rename " + part_ + " to " + path_ + ": " + ec.message());
    }
    committed_ = true;
    return {};
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string part_;
  std::ofstream out_;
  bool committed_ = false;
};

}  // namespace

std::string csvField(const std::string& s)
{
  if (s.find_first_of(",\"\n\r") == std::string::npos)
  {
    return s;
  }
  std::string q = "\"";
  for (char c : s)
  {
    if (c == '"')
    {
      q += '"';
    }
    q += c;
  }
  return q + "\"";
}

Status writeFileAtomically(const std::string& path, const std::string& content)
{
  AtomicFile f(path);
  if (!f.ok())
  {
    return makeError("cannot write " + path);
  }
  f.stream() << content;
  return f.commit();
}

Status writeRunHistoryCsv(RunStore& store, const std::vector<int64_t>& runIds,
                          const std::string& path)
{
  struct Loaded
  {
    RunRecord run;
    std::vector<StepRecord> steps;
    std::vector<EpochRecord> epochs;
  };
  std::vector<Loaded> all;
  std::vector<std::string> metricNames;
  for (int64_t id : runIds)
  {
    auto r = store.run(id);
    auto s = store.steps(id);
    auto e = store.epochs(id);
    if (!r || !s || !e)
    {
      return makeError(!r ? r.error() : !s ? s.error() : e.error());
    }
    for (const auto& ep : *e)
    {
      for (const auto& kv : ep.valid.values)
      {
        if (std::find(metricNames.begin(), metricNames.end(), kv.first) == metricNames.end())
        {
          metricNames.push_back(kv.first);
        }
      }
    }
    all.push_back({*r, *s, *e});
  }
  AtomicFile f(path);
  if (!f.ok())
  {
    return makeError("cannot write " + path);
  }
  auto& out = f.stream();
  out << "run,run_name,kind,step,epoch,loss,lr";
  for (const auto& m : metricNames)
  {
    out << ",valid_" << csvField(m);
  }
  out << "\n";
  for (const auto& l : all)
  {
    const std::string prefix =
        std::to_string(l.run.id) + "," + csvField(l.run.name) + "," + csvField(l.run.kind) + ",";
    // Steps in order, each epoch's validation row right after its last step.
    size_t e = 0;
    auto epochRow = [&](const EpochRecord& ep, int64_t step) {
      out << prefix << step << "," << ep.epoch << "," << num(ep.trainLoss) << ",";
      for (const auto& m : metricNames)
      {
        out << "," << num(ep.valid.get(m));
      }
      out << "\n";
    };
    int64_t lastStep = 0;
    for (const auto& st : l.steps)
    {
      while (e < l.epochs.size() && l.epochs[e].epoch < st.epoch)
      {
        epochRow(l.epochs[e++], lastStep);
      }
      out << prefix << st.step << "," << st.epoch << "," << num(st.loss) << "," << num(st.lr);
      for (size_t k = 0; k < metricNames.size(); ++k)
      {
        out << ",";
      }
      out << "\n";
      lastStep = st.step;
    }
    while (e < l.epochs.size())
    {
      epochRow(l.epochs[e++], lastStep);
    }
  }
  return f.commit();
}

Status writeRecommendationsCsv(Predictor& predictor, const DatasetSnapshot& snapshot, int k,
                               const std::string& path,
                               const std::function<void(int64_t, int64_t)>& progress,
                               const std::atomic<bool>* cancel)
{
  if (k < 1)
  {
    return makeError("k must be at least 1");
  }
  AtomicFile f(path);
  if (!f.ok())
  {
    return makeError("cannot write " + path);
  }
  auto& out = f.stream();
  out << "user,rank,item,score\n";
  const int64_t n = snapshot.numUsers();
  try
  {
    for (int64_t u = 0; u < n; ++u)
    {
      if (cancel && cancel->load())
      {
        return cancelledError();
      }
      auto recs = predictor.recommend(static_cast<int32_t>(u), k);
      const std::string user = csvField(snapshot.userIds[static_cast<size_t>(u)]);
      int rank = 1;
      for (const auto& r : recs)
      {
        out << user << "," << rank++ << "," << csvField(snapshot.itemIds[static_cast<size_t>(r.item)])
            << "," << num(r.score) << "\n";
      }
      if (progress && (u % 200 == 0 || u + 1 == n))
      {
        progress(u + 1, n);
      }
    }
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("cannot compute recommendations: ") + e.what());
  }
  return f.commit();
}

Result<ExportInfo> exportRunModel(RunStore& store, const RunRecord& run,
                                  const DatasetSnapshot& snapshot, const std::string& path)
{
  if (run.kind != "m6")
  {
    return makeError("run " + std::to_string(run.id) + " is a " + run.kind +
                     " baseline: only a trained M6 run can be exported as a model file");
  }
  if (store.isActive(run.id))
  {
    return makeError("run " + std::to_string(run.id) +
                     " is still training; stop it or wait until it ends, then export it (its "
                     "model card needs the final metrics)");
  }
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(run.folder) / "best.pt", ec) &&
      !std::filesystem::exists(std::filesystem::path(run.folder) / "last.pt", ec))
  {
    return makeError("run " + std::to_string(run.id) + " has no checkpoint in " + run.folder +
                     " (it never finished an epoch, or the folder was removed)");
  }
  try
  {
    const RunConfig config = configOfRun(run);
    ModelCard card;
    card.name = run.name;
    card.dataset = run.datasetName;
    card.valid = run.valid;
    card.test = run.test;
    card.notes = run.note;
    if (run.parentRun)
    {
      auto parent = store.run(*run.parentRun);
      card.parentRun = (parent ? parent->name + " " : std::string()) + "(run " +
                       std::to_string(*run.parentRun) + ")";
    }
    return exportModel(run.folder, snapshot, config, card, path);
  }
  catch (const std::exception& e)
  {
    return makeError(std::string("export failed: ") + e.what());
  }
}

namespace
{

std::string tableCell(const std::vector<std::string>& v, int64_t r)
{
  return r < static_cast<int64_t>(v.size()) ? v[static_cast<size_t>(r)] : std::string();
}

Status writeTable(const EmbeddingTable& t, const std::string& stem, const std::string& dir)
{
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "projector" / stem, ec);
  if (ec)
  {
    return makeError("cannot create " + (fs::path(dir) / "projector" / stem).string() + ": " +
                     ec.message());
  }
  std::ostringstream csv;
  csv << "id,title,category";
  for (int64_t c = 0; c < t.cols; ++c)
  {
    csv << ",d" << c;
  }
  csv << "\n";
  for (int64_t r = 0; r < t.rows; ++r)
  {
    const std::string id = tableCell(t.ids, r);
    const std::string title = tableCell(t.titles, r);
    const std::string category = tableCell(t.category, r);
    csv << csvField(id) << "," << csvField(title) << "," << csvField(category);
    const float* row = t.row(r);
    for (int64_t c = 0; c < t.cols; ++c)
    {
      csv << "," << num(row[c]);
    }
    csv << "\n";
  }
  const std::string base = (fs::path(dir) / "projector" / stem).string();
  const std::string singular = stem == "items" ? "item" : "user";
  if (auto ok = writeFileAtomically((fs::path(dir) / (singular + "_embeddings.csv")).string(),
                                    csv.str());
      !ok)
  {
    return ok;
  }
  if (auto ok = writeFileAtomically(base + "/vectors.tsv", projectorVectorsTsv(t)); !ok)
  {
    return ok;
  }
  return writeFileAtomically(base + "/metadata.tsv", projectorMetadataTsv(t));
}

}  // namespace

std::vector<std::string> embeddingFileNames(const Embeddings& e)
{
  std::vector<std::string> names;
  for (const auto* stem : {"items", "users"})
  {
    const EmbeddingTable& t = std::string(stem) == "items" ? e.items : e.users;
    if (t.rows == 0)
    {
      continue;
    }
    const std::string singular = std::string(stem) == "items" ? "item" : "user";
    names.push_back(singular + "_embeddings.csv");
    names.push_back(std::string("projector/") + stem + "/vectors.tsv");
    names.push_back(std::string("projector/") + stem + "/metadata.tsv");
  }
  return names;
}

Status writeEmbeddingFiles(const Embeddings& e, const std::string& dir)
{
  if (e.items.rows == 0 && e.users.rows == 0)
  {
    return makeError("there are no embeddings to write");
  }
  if (e.items.rows > 0)
  {
    if (auto ok = writeTable(e.items, "items", dir); !ok)
    {
      return ok;
    }
  }
  if (e.users.rows > 0)
  {
    return writeTable(e.users, "users", dir);
  }
  return {};
}

}  // namespace m6
