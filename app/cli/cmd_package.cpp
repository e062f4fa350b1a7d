// Taking models out of the workspace: export a run as a .m6model file, export its
// embeddings, and recommend / explain from a model file alone (no workspace), for users the model
// knows or new users given by their history.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/cli/run_driver.h"
#include "app/runner/exports.h"
#include "model/package.h"

namespace m6::cli
{

namespace
{

int cmdExport(Context& ctx, const Args& a)
{
  if (!a.has("out"))
  {
    throw CliError("export needs --out FILE.m6model");
  }
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  requireCheckpoint(run);
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  RunStore store(ctx.workspace());
  auto info = exportRunModel(store, run, data.snapshot, a.value("out"));
  if (!info)
  {
    throw CliError(info.error());
  }
  Json j = Json::object();
  j["run"] = run.id;
  j["path"] = info->path;
  j["bytes"] = info->bytes;
  j["format_version"] = info->formatVersion;
  j["checksum"] = info->checksum;
  ctx.finish(j,
             "Wrote " + info->path + " (" + formatCount(info->bytes) + " bytes, format " +
                 std::to_string(info->formatVersion) + ") from run " + std::to_string(run.id) +
                 "\nIt runs without the workbench: torch.jit.load(FILE).recommend(history, hour, "
                 "weekday, k) in Python, torch::jit::load in C++ (see the README)\n");
  return 0;
}

int cmdExportEmbeddings(Context& ctx, const Args& a)
{
  if (!a.has("out-dir"))
  {
    throw CliError("export-embeddings needs --out-dir DIR");
  }
  RunRecord run = resolveRun(ctx, a.positional()[0]);
  const std::string checkpoint = requireCheckpoint(run);
  LoadedDataset data = loadDataset(ctx, run.datasetName);
  Embeddings e;
  try
  {
    auto predictor = Predictor::open(checkpoint, data.snapshot, configOfRunOrFail(run));
    EmbeddingOptions o;
    o.projections = false;
    e = predictor->embeddings(o);
  }
  catch (const CliError&)
  {
    throw;
  }
  catch (const std::exception& ex)
  {
    throw CliError(ex.what(), 2);
  }
  const std::string dir = a.value("out-dir");
  if (auto ok = writeEmbeddingFiles(e, dir); !ok)
  {
    throw CliError(ok.error());
  }
  Json files = Json::array();
  std::ostringstream h;
  h << "Wrote " << formatCount(e.items.rows) << " item and " << formatCount(e.users.rows)
    << " user embeddings (" << e.items.cols << " dimensions; users: " << e.userVectorKind << ") to "
    << dir << ":\n";
  for (const auto& f : embeddingFileNames(e))
  {
    files.push_back(f);
    h << "  " << f << "\n";
  }
  h << "Load a projector/*/vectors.tsv with its metadata.tsv in the TensorBoard Embedding "
       "Projector (projector.tensorflow.org: Load).\n";
  Json j = Json::object();
  j["run"] = run.id;
  j["dir"] = dir;
  j["files"] = files;
  j["items"] = e.items.rows;
  j["users"] = e.users.rows;
  j["dimensions"] = e.items.cols;
  ctx.finish(j, h.str());
  return 0;
}

std::unique_ptr<ModelPackage> openPackage(const std::string& path)
{
  try
  {
    return ModelPackage::open(path);
  }
  catch (const std::exception& e)
  {
    throw CliError(e.what(), 2);
  }
}

void splitIds(const std::string& text, std::vector<std::string>& out)
{
  std::string cur;
  for (char c : text)
  {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')
    {
      if (!cur.empty())
      {
        out.push_back(cur);
      }
      cur.clear();
    }
    else
    {
      cur += c;
    }
  }
  if (!cur.empty())
  {
    out.push_back(cur);
  }
}

/// A new user's history: --history ID,ID,... (repeatable) and/or --history-file FILE (ids
/// separated by commas, spaces or lines), oldest first.
HistoryQuery historyFromArgs(const Args& a)
{
  HistoryQuery q;
  for (const auto& list : a.values("history"))
  {
    splitIds(list, q.items);
  }
  if (a.has("history-file"))
  {
    std::ifstream in(a.value("history-file"), std::ios::binary);
    if (!in)
    {
      throw CliError("cannot read " + a.value("history-file"));
    }
    // A history is a list of item ids: 16 MiB is millions of them. Read no more than that, so
    // a wrong file (/dev/zero, a disk image) is an error, not a process that grows until killed.
    constexpr std::streamsize kMaxHistoryBytes = std::streamsize(16) << 20;
    std::string text(static_cast<size_t>(kMaxHistoryBytes) + 1, '\0');
    in.read(text.data(), kMaxHistoryBytes + 1);
    text.resize(static_cast<size_t>(in.gcount()));
    if (static_cast<std::streamsize>(text.size()) > kMaxHistoryBytes)
    {
      throw CliError(a.value("history-file") +
                     " is larger than 16 MiB: --history-file takes a list of item ids");
    }
    splitIds(text, q.items);
  }
  q.context.hourOfDay = static_cast<int>(a.intValue("hour", -1, -1, 23));
  q.context.dayOfWeek = static_cast<int>(a.intValue("dow", -1, -1, 6));
  q.ignoreUnknownItems = a.has("skip-unknown");
  return q;
}

std::string describeUser(const Args& a, const HistoryQuery& q)
{
  return a.has("user") ? "user " + a.value("user")
                       : "a new user with " + std::to_string(q.items.size()) + " items of history";
}

template <typename F>
auto guardedModelCall(F&& f) -> decltype(f())
{
  try
  {
    return f();
  }
  catch (const std::invalid_argument& e)
  {
    throw CliError(e.what());  // an unknown user or item id
  }
  catch (const std::out_of_range& e)
  {
    throw CliError(e.what());
  }
}

void requireUserOrHistory(const Args& a, const char* command)
{
  if (a.has("user") == (a.has("history") || a.has("history-file")))
  {
    throw CliError(std::string(command) +
                   " --model needs either --user ID (a user the model knows) or --history "
                   "ID,ID,... / --history-file FILE (a new user's items, oldest first)");
  }
}

}  // namespace

int recommendFromModelFile(Context& ctx, const Args& a)
{
  requireUserOrHistory(a, "recommend");
  auto model = openPackage(a.value("model"));
  const int k = static_cast<int>(a.intValue("k", 10, 1, 100000));
  const HistoryQuery q = historyFromArgs(a);
  auto recs = guardedModelCall(
      [&]
      {
        return a.has("user") ? model->recommend(a.value("user"), k, q.context)
                             : model->recommend(q, k);
      });
  Json items = Json::array();
  std::ostringstream h;
  h << "Top " << recs.size() << " for " << describeUser(a, q) << " (" << model->card().name << ", "
    << a.value("model") << "):\n";
  int rank = 1;
  for (const auto& r : recs)
  {
    const size_t i = static_cast<size_t>(r.item);
    const std::string& id = model->itemIds()[i];
    const std::string title = i < model->itemTitles().size() ? model->itemTitles()[i] : "";
    Json x = Json::object();
    x["item"] = id;
    x["score"] = static_cast<double>(r.score);
    if (!title.empty())
    {
      x["title"] = title;
    }
    if (r.cold)
    {
      x["cold"] = true;
    }
    items.push_back(x);
    h << "  " << padRight(std::to_string(rank++) + ".", 5) << padRight(id, 12)
      << padRight(formatNumber(r.score), 10) << title << (r.cold ? "  (cold item)" : "") << "\n";
  }
  Json j = Json::object();
  if (a.has("user"))
  {
    j["user"] = a.value("user");
  }
  else
  {
    j["history_items"] = static_cast<int64_t>(q.items.size());
  }
  j["model"] = a.value("model");
  j["items"] = items;
  ctx.finish(j, h.str());
  return 0;
}

int explainFromModelFile(Context& ctx, const Args& a)
{
  requireUserOrHistory(a, "explain");
  if (!a.has("item"))
  {
    throw CliError("explain needs --item ID");
  }
  auto model = openPackage(a.value("model"));
  const HistoryQuery q = historyFromArgs(a);
  const Explanation e = guardedModelCall(
      [&]
      {
        return a.has("user") ? model->explain(a.value("user"), a.value("item"), q.context)
                             : model->explain(q, a.value("item"));
      });
  Json j = explanationJson(e);
  if (a.has("user"))
  {
    j["user"] = a.value("user");
  }
  j["item"] = a.value("item");
  j["model"] = a.value("model");
  ctx.finish(j, explanationText(e, describeUser(a, q), a.value("item")));
  return 0;
}

std::vector<Command> packageCommands()
{
  std::vector<Command> c;
  c.push_back({{"export",
                "RUN",
                "Write a trained run as one .m6model file (weights, config, "
                "vocabularies, model card)",
                "The file is all `recommend --model` and `explain --model` need: no workspace. It "
                "carries TorchScript methods (recommend, recommend_user, score, explain, ...) "
                "that Python's torch.jit.load and C++'s torch::jit::load run without the "
                "workbench. It is written to a temporary name and renamed, so a failure leaves "
                "no partial file.",
                {{"out", "FILE.m6model", "the file to write (required)"}},
                1,
                1},
               cmdExport});
  c.push_back({{"export-embeddings",
                "RUN",
                "Write item and user embeddings as CSV and as TensorBoard projector TSV files",
                "",
                {{"out-dir", "DIR", "the folder to write (required; created when missing)"}},
                1,
                1},
               cmdExportEmbeddings});
  return c;
}

std::vector<OptionSpec> modelFileOptions()
{
  return {
      {"model", "FILE.m6model", "use an exported model file instead of a run (no workspace)"},
      {"history", "IDS", "with --model: a new user's items, oldest first (comma-separated)", true},
      {"history-file", "FILE", "with --model: a new user's items from a file"},
      {"skip-unknown", "", "with --history: ignore item ids the model does not know"}};
}

}  // namespace m6::cli
