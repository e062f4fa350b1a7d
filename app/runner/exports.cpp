#include "app/runner/exports.h"

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

}  // namespace m6
