// m6-cli data commands: import, datasets, stats, rename, delete, report, formats,
// guess-mapping.
//
// Over 500 lines: one short handler per data command of m6-cli, all linked without LibTorch.
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/cli/cli.h"
#include "storage/formats.h"
#include "storage/importer.h"
#include "storage/mapping_guess.h"

namespace m6::cli
{

ProgressFn progressTo(Context& ctx)
{
  return [&ctx](const StorageProgress& p)
  {
    std::string extra;
    if (p.rows > 0)
    {
      extra = "(" + formatCount(p.rows) + " rows";
      if (p.rejected > 0)
      {
        extra += ", " + formatCount(p.rejected) + " rejected";
      }
      extra += ")";
    }
    ctx.progress(p.phase, p.done, p.total, extra);
  };
}

namespace
{

Json datasetJson(const DatasetInfo& d)
{
  Json j = Json::object();
  j["name"] = d.name;
  j["users"] = d.users;
  j["items"] = d.items;
  j["interactions"] = d.interactions;
  j["format"] = d.sourceFormat;
  j["created"] = d.createdAt;
  j["has_ratings"] = d.hasRatings;
  j["has_timestamps"] = d.hasTimestamps;
  return j;
}

std::string formatDate(int64_t t)
{
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

int cmdImport(Context& ctx, const Args& a)
{
  const std::string path = a.positional()[0];
  const std::string name = a.value("name");
  if (name.empty())
  {
    throw CliError("import needs --name NAME for the new dataset");
  }
  ImportSpec spec;
  if (a.has("mapping"))
  {
    std::string mappingPath = a.value("mapping");
    auto parsed = importSpecFromJson(readJsonFile(mappingPath),
                                     std::filesystem::path(mappingPath).parent_path().string());
    if (!parsed)
    {
      throw CliError(mappingPath + ": " + parsed.error());
    }
    spec = *parsed;
    // The PATH argument names the interactions file when the mapping does not.
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec) && spec.interactions.file.path.empty())
    {
      spec.interactions.file.path = path;
    }
    spec.source = path;
  }
  else
  {
    std::string format = a.value("format");
    if (format.empty())
    {
      auto detected = detectFormat(path);
      if (!detected)
      {
        throw CliError(detected.error());
      }
      format = *detected;
    }
    if (format == "csv" || format == "json-lines")
    {
      throw CliError(path + " is " +
                     (format == "json-lines" ? "JSON lines with keys of no known layout"
                                             : "not a known dataset format") +
                     "; describe its " + (format == "json-lines" ? "keys" : "columns") +
                     " with --mapping FILE.json (m6-cli guess-mapping " + path +
                     " writes a starting point)");
    }
    auto s = specForFormat(format, path);
    if (!s)
    {
      throw CliError(s.error());
    }
    spec = *s;
  }
  ImportCallbacks cb;
  cb.progress = progressTo(ctx);
  auto r = importDataset(ctx.workspace(), spec, name, cb);
  if (!r)
  {
    throw CliError("import failed: " + r.error());
  }
  const auto& d = r->dataset;
  const auto& rep = r->report;
  Json j = Json::object();
  j["dataset"] = d.name;
  j["format"] = spec.format;
  j["users"] = d.users;
  j["items"] = d.items;
  j["interactions"] = d.interactions;
  j["rows_read"] = rep.rowsRead;
  j["rejected"] = rep.rowsRejected;
  Json examples = Json::array();
  for (size_t k = 0; k < rep.rejected.size() && k < 20; ++k)
  {
    Json e = Json::object();
    e["file"] = rep.rejected[k].file;
    e["line"] = rep.rejected[k].line;
    e["reason"] = rep.rejected[k].reason;
    examples.push_back(e);
  }
  j["rejected_examples"] = examples;
  Json warnings = Json::array();
  for (const auto& w : rep.warnings)
  {
    warnings.push_back(w);
  }
  j["warnings"] = warnings;
  j["seconds"] = rep.seconds;

  std::ostringstream h;
  h << "Imported \"" << d.name << "\" (" << spec.format << ") in " << formatSeconds(rep.seconds)
    << "\n";
  h << "  users         " << padLeft(formatCount(d.users), 12) << "\n";
  h << "  items         " << padLeft(formatCount(d.items), 12) << "\n";
  h << "  interactions  " << padLeft(formatCount(d.interactions), 12) << "\n";
  h << "  rows read     " << padLeft(formatCount(rep.rowsRead), 12) << "\n";
  h << "  rejected      " << padLeft(formatCount(rep.rowsRejected), 12) << "\n";
  for (const auto& w : rep.warnings)
  {
    h << "  note: " << w << "\n";
  }
  if (rep.rowsRejected > 0)
  {
    h << "First rejected rows (m6-cli report \"" << d.name << "\" lists them all):\n";
    for (size_t k = 0; k < rep.rejected.size() && k < 10; ++k)
    {
      h << "  " << rep.rejected[k].file << ":" << rep.rejected[k].line << "  "
        << rep.rejected[k].reason << "\n";
    }
  }
  ctx.finish(j, h.str());
  return 0;
}

int cmdDatasets(Context& ctx, const Args&)
{
  auto list = ctx.workspace().datasets();
  if (!list)
  {
    throw CliError(list.error());
  }
  Json arr = Json::array();
  std::ostringstream h;
  if (list->empty())
  {
    h << "No datasets in " << ctx.workspacePath()
      << " (m6-cli demo-data --name demo creates one)\n";
  }
  else
  {
    h << padRight("name", 24) << padLeft("users", 12) << padLeft("items", 12)
      << padLeft("interactions", 14) << "  " << padRight("format", 16) << "imported\n";
  }
  for (const auto& d : *list)
  {
    arr.push_back(datasetJson(d));
    h << padRight(d.name, 24) << padLeft(formatCount(d.users), 12)
      << padLeft(formatCount(d.items), 12) << padLeft(formatCount(d.interactions), 14) << "  "
      << padRight(d.sourceFormat, 16) << formatDate(d.createdAt) << " UTC\n";
  }
  Json j = Json::object();
  j["datasets"] = arr;
  ctx.finish(j, h.str());
  return 0;
}

DatasetInfo requireDataset(Context& ctx, const std::string& name)
{
  auto d = ctx.workspace().dataset(name);
  if (!d)
  {
    throw CliError(d.error());
  }
  return *d;
}

int cmdStats(Context& ctx, const Args& a)
{
  DatasetInfo d = requireDataset(ctx, a.positional()[0]);
  auto s = ctx.workspace().stats(d.id);
  if (!s)
  {
    throw CliError(s.error());
  }
  Json j = Json::object();
  j["dataset"] = d.name;
  for (const auto& kv : s->asObject())
  {
    j[kv.first] = kv.second;
  }
  std::ostringstream h;
  char buf[64];
  h << d.name << " (" << d.sourceFormat << ")\n";
  h << "  users                  " << padLeft(formatCount(d.users), 12) << "\n";
  h << "  items                  " << padLeft(formatCount(d.items), 12) << "\n";
  h << "  interactions           " << padLeft(formatCount(d.interactions), 12) << "\n";
  std::snprintf(buf, sizeof buf, "%.4f%%", 100.0 * s->value("sparsity", 1.0));
  h << "  sparsity               " << padLeft(buf, 12) << "\n";
  if (const int64_t repeats = s->value("repeated_pairs", int64_t(0)); repeats > 0)
  {
    h << "  repeated pairs         " << padLeft(formatCount(repeats), 12)
      << "  (interactions that repeat a user-item pair; prepare --dedupe removes them)\n";
  }
  std::snprintf(buf, sizeof buf, "%.1f", s->value("history_mean", 0.0));
  h << "  mean history length    " << padLeft(buf, 12) << "\n";
  std::snprintf(buf, sizeof buf, "%.0f", s->value("history_median", 0.0));
  h << "  median history length  " << padLeft(buf, 12) << "\n";
  h << "  users with < 5         "
    << padLeft(formatCount(s->value("users_under_5", int64_t(0))), 12) << "\n";
  h << "  items with < 5         "
    << padLeft(formatCount(s->value("items_under_5", int64_t(0))), 12) << "\n";
  if (s->contains("rating_mean"))
  {
    std::snprintf(buf, sizeof buf, "%.3f", s->value("rating_mean", 0.0));
    h << "  mean rating            " << padLeft(buf, 12) << "\n";
  }
  if (s->contains("time_min"))
  {
    h << "  time span              " << formatDate(s->value("time_min", int64_t(0))) << " .. "
      << formatDate(s->value("time_max", int64_t(0))) << " UTC\n";
  }
  if (const Json* prep = s->find("preparation"); prep && prep->isObject())
  {
    h << "  prepared from          " << prep->value("parent", "") << ": "
      << prep->value("description", "") << "\n";
    if (const Json* steps = prep->find("steps"); steps && steps->isArray())
    {
      for (const auto& st : steps->asArray())
      {
        h << "    " << padRight(st.value("step", ""), 36)
          << padLeft(formatCount(st.value("users", int64_t(0))), 10) << " users"
          << padLeft(formatCount(st.value("items", int64_t(0))), 10) << " items"
          << padLeft(formatCount(st.value("interactions", int64_t(0))), 12) << " interactions\n";
      }
    }
  }
  ctx.finish(j, h.str());
  return 0;
}

int cmdCheck(Context& ctx, const Args& a)
{
  Workspace& ws = ctx.workspace();
  const bool thorough = a.has("thorough");
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(ws.path(), ec);
  if (!ctx.json)
  {
    ctx.err << "Checking " << ws.path() << " (" << formatCount(static_cast<int64_t>(bytes >> 20))
            << " MB) with SQLite's " << (thorough ? "integrity_check" : "quick_check") << "...\n";
  }
  auto r = ws.checkIntegrity(thorough);
  if (!r)
  {
    throw CliError(r.error());
  }
  if (r->problems > 0)
  {
    throw CliError("workspace " + ws.path() + " is damaged (" +
                   (r->problems >= 20 ? std::string("20 or more problems")
                                      : std::to_string(r->problems) + " problem(s)") +
                   ": " + r->summary +
                   "). Keep a copy of the file and write to it no more; sqlite3 FILE \".recover\" "
                   "| sqlite3 NEW.m6ws saves what can be read");
  }
  Json j = Json::object();
  j["workspace"] = ws.path();
  j["bytes"] = r->bytes;
  j["check"] = thorough ? "integrity_check" : "quick_check";
  j["intact"] = true;
  j["seconds"] = r->seconds;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", r->seconds);
  ctx.finish(j, "No damage found (" + std::string(thorough ? "integrity_check" : "quick_check") +
                    " of " + formatCount(r->bytes >> 20) + " MB in " + buf + " s)");
  return 0;
}

int cmdRename(Context& ctx, const Args& a)
{
  const auto& p = a.positional();
  if (auto ok = ctx.workspace().renameDataset(p[0], p[1]); !ok)
  {
    throw CliError(ok.error());
  }
  Json j = Json::object();
  j["renamed"] = p[0];
  j["to"] = p[1];
  ctx.finish(j, "Renamed \"" + p[0] + "\" to \"" + p[1] + "\"");
  return 0;
}

int cmdDelete(Context& ctx, const Args& a)
{
  DatasetInfo d = requireDataset(ctx, a.positional()[0]);
  // People at a terminal are asked; without a terminal nobody can answer, so --yes is required
  // (a script that forgets it must not delete a dataset with its runs and checkpoints).
  const bool terminal = isatty(STDIN_FILENO) && &ctx.err == &std::cerr;
  if (!a.has("yes") && !terminal)
  {
    throw CliError("delete \"" + d.name +
                   "\" removes the dataset, its runs and their checkpoints: without a terminal to "
                   "confirm, pass --yes");
  }
  if (!a.has("yes"))
  {
    ctx.err << "Delete dataset \"" << d.name << "\" (" << formatCount(d.interactions)
            << " interactions)? This cannot be undone. [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes")
    {
      throw CliError("not deleted");
    }
  }
  if (auto ok = ctx.workspace().deleteDataset(d.name); !ok)
  {
    throw CliError(ok.error());
  }
  Json j = Json::object();
  j["deleted"] = d.name;
  j["interactions"] = d.interactions;
  ctx.finish(j, "Deleted \"" + d.name + "\"");
  return 0;
}

int cmdReport(Context& ctx, const Args& a)
{
  DatasetInfo d = requireDataset(ctx, a.positional()[0]);
  int64_t limit = a.intValue("limit", 1000, 0, INT64_MAX);
  auto r = ctx.workspace().importReport(d.id, limit);
  if (!r)
  {
    throw CliError(r.error());
  }
  Json j = Json::object();
  j["dataset"] = d.name;
  j["format"] = r->format;
  j["source"] = r->source;
  j["rows_read"] = r->rowsRead;
  j["rejected"] = r->rowsRejected;
  Json rows = Json::array();
  std::ostringstream h;
  h << "Import of \"" << d.name << "\" from " << r->source << " (" << r->format
    << "): " << formatCount(r->rowsRead) << " rows read, " << formatCount(r->rowsRejected)
    << " rejected\n";
  for (const auto& w : r->warnings)
  {
    h << "  note: " << w << "\n";
  }
  for (const auto& row : r->rejected)
  {
    Json e = Json::object();
    e["file"] = row.file;
    e["line"] = row.line;
    e["reason"] = row.reason;
    e["content"] = row.content;
    rows.push_back(e);
    h << "  " << row.file << ":" << row.line << "  " << row.reason << "\n";
  }
  j["rejected_rows"] = rows;
  ctx.finish(j, h.str());
  return 0;
}

int cmdFormats(Context& ctx, const Args&)
{
  Json arr = Json::array();
  std::ostringstream h;
  for (const auto& f : knownFormats())
  {
    Json e = Json::object();
    e["id"] = f.id;
    e["label"] = f.label;
    arr.push_back(e);
    h << "  " << padRight(f.id, 18) << f.label << "\n";
  }
  Json j = Json::object();
  j["formats"] = arr;
  ctx.finish(j, h.str());
  return 0;
}

int cmdGuessMapping(Context& ctx, const Args& a)
{
  const std::string path = a.positional()[0];
  const std::string fileName = std::filesystem::path(path).filename().string();
  // A layout the workbench knows (an Amazon or Yelp review file): its ready mapping.
  if (auto format = detectFormat(path); format)
  {
    if (detectCompression(path) == Compression::Zip)
    {
      throw CliError(path + " is a zip archive of a " + *format +
                     " dataset folder, which needs no mapping: m6-cli import " + path +
                     " --name NAME");
    }
    if (auto known = specForFormat(*format, path);
        known && known->interactions.file.dialect.layout == Layout::JsonLines)
    {
      known->interactions.file.path = fileName;
      Json j = importSpecToJson(*known);
      ctx.finish(j, j.dump(2));
      return 0;
    }
  }
  Dialect d = sniffDialect(path);
  auto prev = previewFile(path, d, 20);
  if (!prev)
  {
    throw CliError(prev.error());
  }
  if (prev->rows.empty())
  {
    throw CliError(path + " has no rows to guess from" +
                   (prev->problems.empty() ? std::string() : "; " + prev->problems.front()));
  }
  ImportSpec spec;
  spec.format = d.layout == Layout::JsonLines ? "json-lines" : "csv";
  spec.interactions.file.path = fileName;
  spec.interactions.file.dialect = d;
  const RoleGuess guess = guessInteractionRoles(*prev);
  for (size_t c = 0; c < guess.roles.size(); ++c)
  {
    const ColumnRef ref = prev->header.empty() ? ColumnRef::byIndex(static_cast<int>(c))
                                               : ColumnRef::byName(prev->header[c]);
    const std::string& role = guess.roles[c];
    if (role == "user")
    {
      spec.interactions.user = ref;
    }
    else if (role == "item")
    {
      spec.interactions.item = ref;
    }
    else if (role == "rating")
    {
      spec.interactions.rating = ref;
    }
    else if (role == "timestamp")
    {
      spec.interactions.timestamp = ref;
      spec.interactions.timeFormat = guess.timeFormat;
    }
  }
  Json j = importSpecToJson(spec);
  std::string human = j.dump(2);
  if (d.layout == Layout::JsonLines || detectCompression(path) != Compression::None)
  {
    // Say what was read, so nobody wonders whether the compressed bytes were taken for text.
    ctx.err << "note: read as "
            << (detectCompression(path) == Compression::Gzip ? "gzip-compressed " : "")
            << (d.layout == Layout::JsonLines ? "JSON lines" : "delimited text") << ", "
            << guess.roles.size() << (d.layout == Layout::JsonLines ? " keys" : " columns") << "\n";
  }
  if (!spec.interactions.user.isSet() || !spec.interactions.item.isSet())
  {
    ctx.err << "note: no user or item column was recognised: set \"user\" and \"item\" by hand\n";
  }
  ctx.finish(j, human);
  return 0;
}

}  // namespace

std::vector<Command> dataCommands()
{
  std::vector<Command> c;
  c.push_back({{"import",
                "PATH",
                "Import a dataset folder or file into the workspace",
                "Formats are detected from the folder or file (MovieLens 100K / 1M / 10M / latest "
                "CSV, RecBole atomic files, Amazon, Yelp and Goodreads JSON lines, with their item "
                "metadata files beside them), also when gzip-"
                "compressed, and a dataset folder's .zip as downloaded (ml-25m.zip; unpacked into "
                "$TMPDIR while importing, then removed); --format overrides the guess. Any other "
                "delimited or JSON-lines file "
                "needs --mapping FILE.json (see README, or m6-cli guess-mapping FILE). Bad "
                "rows are skipped and reported with file, line and reason; the import is one "
                "transaction, so a failure or interruption changes nothing.",
                {{"name", "NAME", "name of the new dataset (required, unique)"},
                 {"format", "FORMAT",
                  "movielens-100k | movielens-1m | movielens-csv | recbole | amazon-reviews | "
                  "amazon-reviews-2023 | yelp-reviews | goodreads (m6-cli formats lists them)"},
                 {"mapping", "FILE.json", "column mapping for a delimited file"}},
                1,
                1},
               cmdImport});
  c.push_back({{"datasets", "", "List the datasets in the workspace", "", {}, 0, 0}, cmdDatasets});
  c.push_back({{"stats", "NAME", "Summary statistics of a dataset", "", {}, 1, 1}, cmdStats});
  c.push_back(demoDataCommand());
  c.push_back(prepareCommand());
  c.push_back({{"rename", "OLD NEW", "Rename a dataset", "", {}, 2, 2}, cmdRename});
  c.push_back({{"check",
                "",
                "Check the whole workspace file for damage",
                "Opening a workspace checks it whole up to 64 MiB; a larger one has its small "
                "tables checked on open and each bulk table (interactions, users, items, "
                "per-user metrics) before the first write to it. This command reads the whole "
                "file (seconds per GB; a minute per GB when it is not in memory). Exit code 0: no "
                "damage; 1: damaged, with what SQLite found.",
                {{"thorough", "", "integrity_check: also compare every index with its table"}},
                0,
                0},
               cmdCheck});
  c.push_back({{"delete",
                "NAME",
                "Delete a dataset and everything stored with it",
                "At a terminal you are asked to confirm; --yes skips the question, and without a "
                "terminal (a script) --yes is required.",
                {{"yes", "", "do not ask for confirmation"}},
                1,
                1},
               cmdDelete});
  c.push_back({{"report",
                "NAME",
                "Show the import report of a dataset (all rejected rows)",
                "",
                {{"limit", "N", "show at most N rejected rows (default 1000)"}},
                1,
                1},
               cmdReport});
  c.push_back(
      {{"formats", "", "List the dataset formats import understands", "", {}, 0, 0}, cmdFormats});
  c.push_back({{"guess-mapping",
                "FILE",
                "Print a starting column mapping (JSON) for a delimited or JSON-lines file",
                "The layout (delimited or JSON lines, gzip or not), delimiter, header, encoding "
                "and missing-value markers are sniffed from the first lines; user, item, rating "
                "and timestamp columns (or keys) are guessed from their names and values. A "
                "review file of a known layout gets its ready mapping. Edit the result and pass "
                "it to import --mapping.",
                {},
                1,
                1},
               cmdGuessMapping});
  return c;
}

}  // namespace m6::cli
