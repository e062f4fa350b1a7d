// Over 500 lines: the one importer every format runs: its files, records, per-role parsing and
// the rejections that name file, line and reason; the field builders and the snapshot's assembly
// are in field_builder.cpp and snapshot_assembly.cpp.

#include "storage/importer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <unordered_set>

#include "model/core/rng.h"
#include "storage/field_builder.h"
#include "storage/formats.h"
#include "storage/snapshot_assembly.h"
#include "storage/zip_archive.h"

namespace m6
{

namespace
{

struct Fatal
{
  std::string message;
};
struct Cancelled
{
};

using import_detail::assembleSnapshot;
using import_detail::FieldBuilder;
using import_detail::ImportColumns;
using import_detail::Interner;
using import_detail::parseNumber;
using import_detail::quoted;
using import_detail::trim;

/// Interactions that repeat an earlier one of the same user: same item and time (or, without
/// times, the same item). Interactions are sorted by (user, time) here.
int64_t repeatedRows(const DatasetSnapshot& ds)
{
  int64_t repeats = 0;
  std::vector<int32_t> group;
  for (int64_t u = 0; u < ds.numUsers(); ++u)
  {
    const int64_t end = ds.userStart[static_cast<size_t>(u) + 1];
    for (int64_t b = ds.userStart[static_cast<size_t>(u)]; b < end;)
    {
      int64_t e = b + 1;
      if (ds.hasTimestamps())
      {
        while (e < end && ds.ts[static_cast<size_t>(e)] == ds.ts[static_cast<size_t>(b)])
        {
          ++e;
        }
      }
      else
      {
        e = end;
      }
      if (e - b > 1)
      {
        group.assign(ds.item.begin() + b, ds.item.begin() + e);
        std::sort(group.begin(), group.end());
        repeats += (e - b) - (std::unique(group.begin(), group.end()) - group.begin());
      }
      b = e;
    }
  }
  return repeats;
}

std::string fileLabel(const std::string& path)
{
  return std::filesystem::path(path).filename().string();
}

class Importer
{
 public:
  Importer(const ImportSpec& spec, const ImportCallbacks& cb) : spec_(spec), cb_(cb) {}

  ParsedImport run(const std::string& name)
  {
    auto t0 = std::chrono::steady_clock::now();
    report_.format = spec_.format;
    report_.source = spec_.source;
    report_.warnings = spec_.notes;
    std::error_code ec;
    for (const FileSpec* f : allFiles())
    {
      auto size = std::filesystem::file_size(f->path, ec);
      if (ec)
      {
        throw Fatal{"cannot read " + f->path + ": " + ec.message()};
      }
      totalBytes_ += static_cast<int64_t>(size);
    }
    if (spec_.users.present)
    {
      readEntities(spec_.users, cols_.users, cols_.userFields, nullptr, "user");
    }
    if (spec_.items.present && !spec_.items.describesOnly)
    {
      readEntities(spec_.items, cols_.items, cols_.itemFields, &cols_.titles, "item");
    }
    readInteractions();
    if (spec_.items.present && spec_.items.describesOnly)
    {
      // After the interactions: only the items they use are described.
      readEntities(spec_.items, cols_.items, cols_.itemFields, &cols_.titles, "item");
    }
    for (const auto& iv : spec_.itemValues)
    {
      readItemValues(iv);
    }
    ParsedImport out;
    progress("Sorting interactions");
    out.snapshot = assembleSnapshot(name, cols_);
    if (const int64_t repeats = repeatedRows(out.snapshot); repeats > 0)
    {
      report_.warnings.push_back(
          std::to_string(repeats) +
          (repeats == 1 ? " interaction repeats" : " interactions repeat") +
          (out.snapshot.hasTimestamps() ? " the user, item and time" : " the user and item") +
          " of an earlier row; kept as imported (m6-cli prepare --dedupe, or Dataset > Prepare "
          "dataset…, removes repeats)");
    }
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.report = std::move(report_);
    return out;
  }

 private:
  std::vector<const FileSpec*> allFiles() const
  {
    std::vector<const FileSpec*> files;
    if (spec_.users.present)
    {
      files.push_back(&spec_.users.file);
    }
    if (spec_.items.present)
    {
      files.push_back(&spec_.items.file);
    }
    files.push_back(&spec_.interactions.file);
    for (const auto& iv : spec_.itemValues)
    {
      files.push_back(&iv.file);
    }
    return files;
  }

  void reject(const std::string& file, const Record& rec, std::string reason)
  {
    ++report_.rowsRejected;
    ++rejectedInFile_;
    if (static_cast<int64_t>(report_.rejected.size()) < kMaxRejectedRowsKept)
    {
      report_.rejected.push_back(
          {file, rec.line, std::move(reason), std::string(rec.raw.substr(0, 300))});
    }
    else if (static_cast<int64_t>(report_.rejected.size()) == kMaxRejectedRowsKept && !warnedCap_)
    {
      warnedCap_ = true;
      report_.warnings.push_back("only the first " + std::to_string(kMaxRejectedRowsKept) +
                                 " rejected rows are listed in the report");
    }
  }

  int resolve(const ColumnRef& c, const std::vector<std::string>& header, const std::string& file,
              const char* role)
  {
    if (c.index >= 0)
    {
      return c.index;
    }
    if (header.empty())
    {
      throw Fatal{file + " has no header row, so " + role + " " + c.describe() +
                  " must be given by position"};
    }
    for (size_t i = 0; i < header.size(); ++i)
    {
      if (header[i] == c.name)
      {
        return static_cast<int>(i);
      }
    }
    for (size_t i = 0; i < header.size(); ++i)
    {
      std::string a = header[i];
      std::string b = c.name;
      std::transform(a.begin(), a.end(), a.begin(), ::tolower);
      std::transform(b.begin(), b.end(), b.begin(), ::tolower);
      if (a == b)
      {
        return static_cast<int>(i);
      }
    }
    std::string cols;
    for (size_t i = 0; i < header.size() && i < 20; ++i)
    {
      cols += (i ? ", " : "") + header[i];
    }
    throw Fatal{file + " has no " + role + " column \"" + c.name + "\" (its columns are: " + cols +
                ")"};
  }

  std::vector<std::unique_ptr<FieldBuilder>> makeBuilders(const std::vector<FieldSpec>& specs,
                                                          const std::vector<std::string>& header,
                                                          const std::string& file, int* maxColumn)
  {
    std::vector<std::unique_ptr<FieldBuilder>> out;
    std::unordered_set<std::string> names;
    for (const auto& s : specs)
    {
      std::vector<int> flags;
      for (const auto& fc : s.flagColumns)
      {
        flags.push_back(resolve(fc, header, file, "flag"));
        *maxColumn = std::max(*maxColumn, flags.back());
      }
      int col = -1;
      if (flags.empty())
      {
        col = resolve(s.column, header, file, "field");
        *maxColumn = std::max(*maxColumn, col);
      }
      if (!names.insert(s.name).second)
      {
        throw Fatal{"two fields of " + file + " are named \"" + s.name + "\""};
      }
      out.push_back(std::make_unique<FieldBuilder>(s, flags, col));
    }
    return out;
  }

  /// JSON lines are read by key: the keys a file's mapping names become its columns.
  static void addKey(std::vector<JsonKey>* keys, const ColumnRef& c, const FileSpec& fs,
                     const char* role, const std::string& separator = "|")
  {
    if (!c.isSet())
    {
      return;
    }
    if (c.index >= 0 || c.name.empty())
    {
      throw Fatal{fileLabel(fs.path) + " is JSON lines, read by key: name the " + role +
                  " by its key, not by " + c.describe()};
    }
    for (const auto& k : *keys)
    {
      if (k.path == c.name)
      {
        return;
      }
    }
    keys->push_back({c.name, separator});
  }

  static void addFieldKeys(std::vector<JsonKey>* keys, const std::vector<FieldSpec>& fields,
                           const FileSpec& fs)
  {
    for (const auto& f : fields)
    {
      for (const auto& fc : f.flagColumns)
      {
        addKey(keys, fc, fs, "flag");
      }
      if (f.flagColumns.empty())
      {
        addKey(keys, f.column, fs, "field", f.separator);
      }
    }
  }

  static bool isJson(const FileSpec& fs) { return fs.dialect.layout == Layout::JsonLines; }

  /// The reason for a row without an id: JSON names the key (absent, null or "").
  static std::string missingId(const FileSpec& fs, const ColumnRef& c, const std::string& role)
  {
    if (isJson(fs))
    {
      return "no " + role + " id (key \"" + c.name + "\" is missing, null or empty)";
    }
    return "empty " + role + " id";
  }

  /// Reads one file, calling handle(rec) for every well-formed data record; handle returns a
  /// rejection reason or "". Takes care of headers, column counts, progress, cancel, fail-fast.
  /// `keys`: for a JSON-lines file, the keys the mapping reads (see addKey).
  template <typename Setup, typename Handle>
  void readFile(const FileSpec& fs, const char* what, const std::vector<JsonKey>& keys,
                Setup&& setup, Handle&& handle)
  {
    const std::string file = fileLabel(fs.path);
    RecordReader reader;
    if (auto ok = reader.open(fs.path, fs.dialect); !ok)
    {
      throw Fatal{ok.error()};
    }
    Record rec;
    std::vector<std::string> header;
    int expected = fs.columns;
    if (isJson(fs))
    {
      for (const auto& k : keys)
      {
        header.push_back(k.path);
      }
      reader.setKeys(keys);
      expected = static_cast<int>(header.size());
    }
    else if (fs.dialect.header)
    {
      if (!reader.next(rec))
      {
        throw Fatal{file + " is empty"};
      }
      if (!rec.error.empty())
      {
        throw Fatal{file + " line " + std::to_string(rec.line) + ": " + rec.error};
      }
      for (auto f : rec.fields)
      {
        header.emplace_back(trim(f));
      }
      if (header.size() == 1 && fs.dialect.delimiter.size() == 1 && rec.raw.size() > 0)
      {
        // One column is fine, but a header with another common delimiter means a wrong choice.
        for (char d : {',', '\t', ';', '|'})
        {
          if (std::string(1, d) != fs.dialect.delimiter &&
              rec.raw.find(d) != std::string_view::npos)
          {
            throw Fatal{file + " does not look like " + describeFormat() + ": its first line has " +
                        "no '" + printable(fs.dialect.delimiter) + "' separators but has '" +
                        printable(std::string(1, d)) + "' ones"};
          }
        }
      }
      expected = static_cast<int>(header.size());
    }
    int maxColumn = -1;
    setup(header, file, &maxColumn);
    int64_t ok = 0;
    rejectedInFile_ = 0;
    std::string firstProblem;
    const int64_t bytesBefore = bytesDone_;
    while (reader.next(rec))
    {
      ++report_.rowsRead;
      if ((report_.rowsRead & 0xFFF) == 0)
      {
        if (cb_.cancel && cb_.cancel->load(std::memory_order_relaxed))
        {
          throw Cancelled{};
        }
        if ((report_.rowsRead & 0xFFFF) == 0)
        {
          bytesDone_ = bytesBefore + reader.bytesRead();
          progress("Reading " + file);
        }
      }
      std::string reason = rec.error;
      if (reason.empty())
      {
        // A trailing delimiter adds one empty field: tolerate it.
        if (expected >= 0 && static_cast<int>(rec.fields.size()) == expected + 1 &&
            trim(rec.fields.back()).empty())
        {
          rec.fields.pop_back();
        }
        if (expected < 0)
        {
          expected = static_cast<int>(rec.fields.size());
        }
        if (static_cast<int>(rec.fields.size()) != expected)
        {
          reason = "expected " + std::to_string(expected) + " columns, found " +
                   std::to_string(rec.fields.size());
        }
        else if (maxColumn >= expected)
        {
          throw Fatal{file + " has " + std::to_string(expected) +
                      " columns, but the mapping uses column " + std::to_string(maxColumn + 1)};
        }
        else
        {
          reason = handle(rec, file);
        }
      }
      if (reason.empty())
      {
        ++ok;
      }
      else
      {
        if (firstProblem.empty())
        {
          firstProblem = "line " + std::to_string(rec.line) + ": " + reason;
        }
        reject(file, rec, std::move(reason));
        if (ok == 0 && rejectedInFile_ >= 20)
        {
          throw Fatal{file + " does not look like " + describeFormat() + " (" + what +
                      "): the first 20 rows were all rejected; " + firstProblem};
        }
      }
    }
    bytesDone_ = bytesBefore + reader.totalBytes();
    progress("Reading " + file);
    if (ok == 0)
    {
      if (rejectedInFile_ > 0)
      {
        throw Fatal{file + " does not look like " + describeFormat() + " (" + what +
                    "): no row could be read; " + firstProblem};
      }
      throw Fatal{file + " has no data rows"};
    }
  }

  static std::string printable(const std::string& d) { return d == "\t" ? "\\t" : d; }

  std::string describeFormat() const
  {
    if (spec_.format == "movielens-100k")
    {
      return "MovieLens 100K";
    }
    if (spec_.format == "movielens-1m")
    {
      return "MovieLens 1M/10M";
    }
    if (spec_.format == "movielens-csv")
    {
      return "MovieLens CSV (latest/20M/25M)";
    }
    if (spec_.format == "recbole")
    {
      return "RecBole atomic files";
    }
    if (spec_.interactions.file.dialect.layout == Layout::JsonLines)
    {
      return spec_.format == "json-lines" ? "JSON lines with the mapped keys"
                                          : spec_.format + " (JSON lines)";
    }
    return "the mapped delimited format";
  }

  void progress(const std::string& phase)
  {
    if (cb_.progress)
    {
      StorageProgress p;
      p.phase = phase;
      p.done = bytesDone_;
      p.total = totalBytes_;
      p.rows = report_.rowsRead;
      p.rejected = report_.rowsRejected;
      cb_.progress(p);
    }
  }

  void readEntities(const EntitySpec& es, Interner& ids,
                    std::vector<std::unique_ptr<FieldBuilder>>& builders,
                    std::vector<std::string>* titles, const char* what)
  {
    int idCol = -1;
    int titleCol = -1;
    // Line of each entity's row. A side file that only describes (EntitySpec::describesOnly)
    // fills the entities the interactions made and skips the others.
    std::vector<int64_t> firstLine;
    const bool describing = es.describesOnly;
    int64_t skipped = 0;
    if (describing)
    {
      firstLine.assign(static_cast<size_t>(ids.size()), 0);
    }
    std::vector<JsonKey> keys;
    if (isJson(es.file))
    {
      addKey(&keys, es.id, es.file, "id");
      if (titles)
      {
        addKey(&keys, es.title, es.file, "title");
      }
      addFieldKeys(&keys, es.fields, es.file);
    }
    readFile(
        es.file, what, keys,
        [&](const std::vector<std::string>& header, const std::string& file, int* maxCol)
        {
          idCol = resolve(es.id, header, file, "id");
          *maxCol = std::max(*maxCol, idCol);
          if (titles && es.title.isSet())
          {
            titleCol = resolve(es.title, header, file, "title");
            *maxCol = std::max(*maxCol, titleCol);
          }
          builders = makeBuilders(es.fields, header, file, maxCol);
        },
        [&](const Record& rec, const std::string&) -> std::string
        {
          std::string_view id = trim(rec.fields[static_cast<size_t>(idCol)]);
          if (id.empty())
          {
            return missingId(es.file, es.id, what);
          }
          int32_t existing = ids.find(id);
          if (describing && existing < 0)
          {
            ++skipped;  // an entity no interaction uses
            return "";
          }
          if (existing >= 0 && (!describing || firstLine[static_cast<size_t>(existing)] > 0))
          {
            return std::string("duplicate ") + what + " id " + quoted(id) + " (first on line " +
                   std::to_string(firstLine[static_cast<size_t>(existing)]) + ")";
          }
          for (auto& b : builders)
          {
            if (std::string why = b->parse(rec); !why.empty())
            {
              return why;
            }
          }
          int32_t idx = describing ? existing : ids.add(id);
          if (describing)
          {
            firstLine[static_cast<size_t>(idx)] = rec.line;
          }
          else
          {
            firstLine.push_back(rec.line);
          }
          for (auto& b : builders)
          {
            b->commit(idx);
          }
          if (titleCol >= 0)
          {
            if (titles->size() <= static_cast<size_t>(idx))
            {
              titles->resize(static_cast<size_t>(idx) + 1);
            }
            (*titles)[static_cast<size_t>(idx)] =
                std::string(trim(rec.fields[static_cast<size_t>(titleCol)]));
          }
          return "";
        });
    if (describing)
    {
      const auto described =
          std::count_if(firstLine.begin(), firstLine.end(), [](int64_t line) { return line > 0; });
      report_.warnings.push_back(fileLabel(es.file.path) + " described " +
                                 std::to_string(described) + " of the " +
                                 std::to_string(ids.size()) + " " + what + "s with interactions; " +
                                 std::to_string(skipped) + (skipped == 1 ? " row" : " rows") +
                                 " for " + what + "s without interactions skipped");
    }
  }

  void readInteractions()
  {
    const InteractionsSpec& is = spec_.interactions;
    int uCol = -1, iCol = -1, rCol = -1, tCol = -1;
    const std::string usersFile = spec_.users.present ? fileLabel(spec_.users.file.path) : "";
    const std::string itemsFile = spec_.items.present ? fileLabel(spec_.items.file.path) : "";
    cols_.hasRatings = is.rating.isSet();
    cols_.hasTimes = is.timestamp.isSet();
    std::vector<JsonKey> keys;
    if (isJson(is.file))
    {
      addKey(&keys, is.user, is.file, "user");
      addKey(&keys, is.item, is.file, "item");
      addKey(&keys, is.rating, is.file, "rating");
      addKey(&keys, is.timestamp, is.file, "timestamp");
      addFieldKeys(&keys, is.fields, is.file);
    }
    readFile(
        is.file, "interactions", keys,
        [&](const std::vector<std::string>& header, const std::string& file, int* maxCol)
        {
          uCol = resolve(is.user, header, file, "user");
          iCol = resolve(is.item, header, file, "item");
          *maxCol = std::max({*maxCol, uCol, iCol});
          if (cols_.hasRatings)
          {
            rCol = resolve(is.rating, header, file, "rating");
            *maxCol = std::max(*maxCol, rCol);
          }
          if (cols_.hasTimes)
          {
            tCol = resolve(is.timestamp, header, file, "timestamp");
            *maxCol = std::max(*maxCol, tCol);
          }
          cols_.contextFields = makeBuilders(is.fields, header, file, maxCol);
        },
        [&](const Record& rec, const std::string&) -> std::string
        {
          std::string_view u = trim(rec.fields[static_cast<size_t>(uCol)]);
          std::string_view i = trim(rec.fields[static_cast<size_t>(iCol)]);
          if (u.empty())
          {
            return missingId(is.file, is.user, "user");
          }
          if (i.empty())
          {
            return missingId(is.file, is.item, "item");
          }
          if (spec_.users.present && cols_.users.find(u) < 0)
          {
            return "user id " + quoted(u) + " is not in " + usersFile;
          }
          if (spec_.items.present && !spec_.items.describesOnly && cols_.items.find(i) < 0)
          {
            return "item id " + quoted(i) + " is not in " + itemsFile;
          }
          double r = std::nan("");
          if (rCol >= 0)
          {
            std::string_view rv = trim(rec.fields[static_cast<size_t>(rCol)]);
            if (!rv.empty() && !parseNumber(rv, &r))
            {
              return "rating " + quoted(rv) + " is not a number";
            }
            // Ratings are stored as 32-bit floats: 1e308 would become infinity.
            if (!rv.empty() &&
                std::fabs(r) > static_cast<double>(std::numeric_limits<float>::max()))
            {
              return "rating " + quoted(rv) + " is out of range";
            }
          }
          int64_t t = DatasetSnapshot::kMissingTs;
          if (tCol >= 0)
          {
            std::string_view tv = trim(rec.fields[static_cast<size_t>(tCol)]);
            if (!tv.empty() && !parseTimestamp(tv, is.timeFormat, &t))
            {
              return "timestamp " + quoted(tv) + " is not " +
                     (is.timeFormat == TimeFormat::Unix         ? "Unix seconds"
                      : is.timeFormat == TimeFormat::UnixMillis ? "Unix milliseconds"
                      : is.timeFormat == TimeFormat::Iso8601    ? "an ISO-8601 date"
                                                             : "Unix seconds or an ISO-8601 date");
            }
            if (!tv.empty() && (t < kMinTimestamp || t >= kMaxTimestamp))
            {
              return "timestamp " + quoted(tv) +
                     " is outside the years 1900-2199 (milliseconds instead of seconds?)";
            }
          }
          for (auto& b : cols_.contextFields)
          {
            if (std::string why = b->parse(rec); !why.empty())
            {
              return why;
            }
          }
          const auto row = static_cast<int64_t>(cols_.user.size());
          if (row >= import_detail::kMaxRows)
          {
            throw Fatal{
                "more than 2,147,483,647 interactions, the most one dataset holds: "
                "split the file and import the parts as separate datasets"};
          }
          for (auto& b : cols_.contextFields)
          {
            b->commit(row);
          }
          cols_.user.push_back(cols_.users.add(u));
          cols_.item.push_back(cols_.items.add(i));
          if (cols_.hasRatings)
          {
            cols_.rating.push_back(static_cast<float>(r));
          }
          if (cols_.hasTimes)
          {
            cols_.ts.push_back(t);
          }
          return "";
        });
  }

  void readItemValues(const ItemValuesSpec& iv)
  {
    int iCol = -1, vCol = -1;
    FieldBuilder* target = nullptr;
    for (auto& b : cols_.itemFields)
    {
      if (b->spec().name == iv.fieldName)
      {
        target = b.get();
      }
    }
    if (!target)
    {
      FieldSpec fs;
      fs.name = iv.fieldName;
      fs.kind = FieldKind::Multi;
      cols_.itemFields.push_back(std::make_unique<FieldBuilder>(fs, std::vector<int>{}, -1));
      target = cols_.itemFields.back().get();
    }
    std::vector<JsonKey> keys;
    if (isJson(iv.file))
    {
      addKey(&keys, iv.item, iv.file, "item");
      addKey(&keys, iv.value, iv.file, "value", "|");
    }
    readFile(
        iv.file, iv.fieldName.c_str(), keys,
        [&](const std::vector<std::string>& header, const std::string& file, int* maxCol)
        {
          iCol = resolve(iv.item, header, file, "item");
          vCol = resolve(iv.value, header, file, "value");
          *maxCol = std::max({*maxCol, iCol, vCol});
        },
        [&](const Record& rec, const std::string&) -> std::string
        {
          std::string_view i = trim(rec.fields[static_cast<size_t>(iCol)]);
          int32_t idx = cols_.items.find(i);
          if (idx < 0)
          {
            return "item id " + quoted(i) + " is not among the imported items";
          }
          target->appendValue(idx, rec.fields[static_cast<size_t>(vCol)]);
          return "";
        });
  }

  const ImportSpec& spec_;
  const ImportCallbacks& cb_;
  ImportReport report_;
  int64_t totalBytes_ = 0;
  int64_t bytesDone_ = 0;
  int64_t rejectedInFile_ = 0;
  bool warnedCap_ = false;

  ImportColumns cols_;  // what has been read, column by column
};

}  // namespace

namespace
{

// A zip archive's dataset folder, unpacked into a temporary folder (removed when the import ends,
// however it ends), then read like the folder itself.
Result<ParsedImport> readArchive(const ImportSpec& spec, const std::string& name,
                                 const ImportCallbacks& callbacks)
{
  auto z = zipDataset(spec.archive);
  if (!z)
  {
    return errorOf(z);
  }
  auto folder = TempFolder::create("m6-unpack-");
  if (!folder)
  {
    return errorOf(folder);
  }
  if (auto unpacked = unpackZipMembers(spec.archive, z->paths, folder->path(), callbacks.progress,
                                       callbacks.cancel);
      !unpacked)
  {
    return isCancelled(unpacked) ? Result<ParsedImport>(cancelledError())
                                 : Result<ParsedImport>(errorOf(unpacked));
  }
  auto inner = specForFormat(spec.format, folder->path());
  if (!inner)
  {
    return errorOf(inner);
  }
  ImportSpec real = std::move(*inner);
  real.source = spec.source;
  real.notes.insert(real.notes.begin(), spec.notes.begin(), spec.notes.end());
  return readImport(real, name, callbacks);
}

}  // namespace

Result<ParsedImport> readImport(const ImportSpec& spec, const std::string& name,
                                const ImportCallbacks& callbacks)
{
  if (!spec.archive.empty())
  {
    return readArchive(spec, name, callbacks);
  }
  try
  {
    Importer importer(spec, callbacks);
    return importer.run(name);
  }
  catch (const Fatal& f)
  {
    return makeError(f.message);
  }
  catch (const Cancelled&)
  {
    return cancelledError();
  }
  catch (const std::bad_alloc&)
  {
    return makeError("not enough memory to read these files");
  }
  catch (const std::exception& e)
  {
    return makeError(e.what());
  }
}

Result<ImportOutcome> importDataset(Workspace& ws, const ImportSpec& spec, const std::string& name,
                                    const ImportCallbacks& callbacks)
{
  // Check the name before spending minutes on reading.
  if (auto ok = ws.checkDatasetName(name); !ok)
  {
    return errorOf(ok);
  }
  auto t0 = std::chrono::steady_clock::now();
  auto parsed = readImport(spec, name, callbacks);
  if (!parsed)
  {
    return errorOf(parsed);
  }
  DatasetOrigin origin{spec.format, spec.source, ""};
  auto id = ws.writeDataset(parsed->snapshot, origin, &parsed->report, callbacks.progress,
                            callbacks.cancel);
  if (!id)
  {
    return errorOf(id);
  }
  auto info = ws.datasetById(*id);
  if (!info)
  {
    return errorOf(info);
  }
  ImportOutcome out;
  out.dataset = *info;
  out.report = std::move(parsed->report);
  out.report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace m6
