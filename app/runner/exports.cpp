#include "app/runner/exports.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "app/runner/training_session.h"
#include "model/core/atomic_file.h"

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

/// An ostream over m6::AtomicFile (temporary file, renamed on commit(); removed otherwise), so
/// a full disk surfaces as one clear error at commit() and never leaves a partial file.
class AtomicStream : private std::streambuf
{
 public:
  explicit AtomicStream(const std::string& path) : file_(path), out_(this)
  {
    setp(buf_, buf_ + sizeof buf_);
  }
  bool ok() const { return file_.ok(); }
  Status openError() const { return makeError(file_.error()); }
  std::ostream& stream() { return out_; }
  Status commit()
  {
    out_.flush();
    if (!file_.commit())
    {
      return makeError(file_.error());
    }
    return {};
  }

 private:
  int_type overflow(int_type c) override
  {
    drain();
    if (c != traits_type::eof())
    {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return file_.ok() ? traits_type::not_eof(c) : traits_type::eof();
  }
  int sync() override
  {
    drain();
    return file_.ok() ? 0 : -1;
  }
  void drain()
  {
    file_.write(pbase(), static_cast<size_t>(pptr() - pbase()));
    setp(buf_, buf_ + sizeof buf_);
  }

  AtomicFile file_;
  char buf_[1 << 16];
  std::ostream out_;
};

Status writeWhole(const std::string& path, const std::string& content)
{
  if (std::string error = writeFileAtomically(path, content); !error.empty())
  {
    return makeError(error);
  }
  return {};
}

}  // namespace

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
  AtomicStream f(path);
  if (!f.ok())
  {
    return f.openError();
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
    const std::string prefix = std::to_string(l.run.id) + "," + csvField(l.run.name) + "," +
                               csvField(wordOf(l.run.kind)) + ",";
    // Steps in order, each epoch's validation row right after its last step.
    size_t e = 0;
    auto epochRow = [&](const EpochRecord& ep, int64_t step)
    {
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
  AtomicStream f(path);
  if (!f.ok())
  {
    return f.openError();
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
        out << user << "," << rank++ << ","
            << csvField(snapshot.itemIds[static_cast<size_t>(r.item)]) << "," << num(r.score)
            << "\n";
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
  if (run.kind != RunKind::M6)
  {
    return makeError("run " + std::to_string(run.id) + " is a " + wordOf(run.kind) +
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
  if (auto ok = writeWhole((fs::path(dir) / (singular + "_embeddings.csv")).string(), csv.str());
      !ok)
  {
    return ok;
  }
  if (auto ok = writeWhole(base + "/vectors.tsv", projectorVectorsTsv(t)); !ok)
  {
    return ok;
  }
  return writeWhole(base + "/metadata.tsv", projectorMetadataTsv(t));
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
