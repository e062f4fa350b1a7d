// Over 500 lines: one short declarative recipe per supported format and the detection that picks
// one; the catalogue reads best in one place.

#include "storage/formats.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "storage/byte_source.h"
#include "storage/json_lines.h"
#include "storage/zip_archive.h"

namespace m6
{

namespace fs = std::filesystem;

namespace
{

const char* const kMl100kGenres[19] = {
    "unknown",     "Action", "Adventure", "Animation", "Children's", "Comedy",  "Crime",
    "Documentary", "Drama",  "Fantasy",   "Film-Noir", "Horror",     "Musical", "Mystery",
    "Romance",     "Sci-Fi", "Thriller",  "War",       "Western"};

fs::path folderOf(const std::string& path)
{
  std::error_code ec;
  if (fs::is_directory(path, ec))
  {
    return fs::path(path);
  }
  return fs::path(path).parent_path();
}

/// The file itself, or its gzip-compressed twin `NAME.gz` when only that one exists.
fs::path locate(const fs::path& p)
{
  std::error_code ec;
  if (fs::is_regular_file(p, ec))
  {
    return p;
  }
  fs::path gz = p;
  gz += ".gz";
  return fs::is_regular_file(gz, ec) ? gz : p;
}

bool isFile(const fs::path& p)
{
  std::error_code ec;
  return fs::is_regular_file(locate(p), ec);
}

/// The file name without a ".gz" suffix: "ratings.csv.gz" is recognised as "ratings.csv".
std::string plainName(const fs::path& p)
{
  std::string name = p.filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0)
  {
    name.resize(name.size() - 3);
  }
  return name;
}

FileSpec file(const fs::path& p, const std::string& delim, bool header, Encoding enc, bool quoting,
              int columns)
{
  FileSpec f;
  f.path = locate(p).string();
  f.dialect.delimiter = delim;
  f.dialect.header = header;
  f.dialect.encoding = enc;
  f.dialect.quoting = quoting;
  f.columns = columns;
  return f;
}

FieldSpec field(int col, const std::string& name, FieldKind kind, const std::string& sep = "|")
{
  FieldSpec f;
  f.column = ColumnRef::byIndex(col);
  f.name = name;
  f.kind = kind;
  f.separator = sep;
  return f;
}

/// The first non-blank lines of a file (decompressed when it is gzip), without line ends and a
/// byte-order mark. Empty when the file cannot be read.
std::vector<std::string> readFirstLines(const std::string& path, size_t maxLines, size_t maxBytes)
{
  std::vector<std::string> lines;
  ByteSource src;
  if (!src.open(path))
  {
    return lines;
  }
  std::string text;
  try
  {
    std::vector<char> buf(1 << 16);
    while (text.size() < maxBytes)
    {
      const size_t got = src.read(buf.data(), std::min(buf.size(), maxBytes - text.size()));
      if (got == 0)
      {
        break;
      }
      text.append(buf.data(), got);
    }
  }
  catch (const std::exception&)
  {
    // A damaged file: guess from what could be read; the import itself reports the damage.
  }
  size_t start = 0;
  while (lines.size() < maxLines && start < text.size())
  {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos)
    {
      if (text.size() >= maxBytes && !lines.empty())
      {
        break;  // a line cut by maxBytes
      }
      // The last line of a short file, or one very long first line (its start still shows the
      // layout).
      nl = text.size();
    }
    std::string line = text.substr(start, nl - start);
    start = nl + 1;
    if (lines.empty() && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0)
    {
      line.erase(0, 3);
    }
    if (!line.empty() && line.back() == '\r')
    {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos)
    {
      continue;
    }
    lines.push_back(line);
  }
  return lines;
}

bool looksNumeric(const std::string& s)
{
  if (s.empty())
  {
    return false;
  }
  double d;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

Result<ImportSpec> ml100k(const fs::path& dir)
{
  ImportSpec s;
  s.format = "movielens-100k";
  s.source = dir.string();
  if (!isFile(dir / "u.data"))
  {
    return makeError(dir.string() + " has no u.data (MovieLens 100K ratings)");
  }
  s.interactions.file = file(dir / "u.data", "\t", false, Encoding::Utf8, false, 4);
  s.interactions.user = ColumnRef::byIndex(0);
  s.interactions.item = ColumnRef::byIndex(1);
  s.interactions.rating = ColumnRef::byIndex(2);
  s.interactions.timestamp = ColumnRef::byIndex(3);
  s.interactions.timeFormat = TimeFormat::Unix;
  if (isFile(dir / "u.user"))
  {
    s.users.present = true;
    s.users.file = file(dir / "u.user", "|", false, Encoding::Auto, false, 5);
    s.users.id = ColumnRef::byIndex(0);
    s.users.fields = {
        field(1, "age", FieldKind::Numeric), field(2, "gender", FieldKind::Categorical),
        field(3, "occupation", FieldKind::Categorical), field(4, "zip", FieldKind::Categorical)};
  }
  else
  {
    s.notes.emplace_back("u.user not found: users have no features");
  }
  if (isFile(dir / "u.item"))
  {
    s.items.present = true;
    s.items.file = file(dir / "u.item", "|", false, Encoding::Latin1, false, 24);
    s.items.id = ColumnRef::byIndex(0);
    s.items.title = ColumnRef::byIndex(1);
    FieldSpec release = field(2, "release_date", FieldKind::Timestamp);
    release.timeFormat = TimeFormat::DayMonYear;
    FieldSpec genres;
    genres.name = "genres";
    genres.kind = FieldKind::Multi;
    // Genre names from u.genre ("name|index"), else the documented defaults.
    std::vector<std::string> names(kMl100kGenres, kMl100kGenres + 19);
    if (isFile(dir / "u.genre"))
    {
      for (const auto& line : readFirstLines(locate(dir / "u.genre").string(), 100, 1 << 16))
      {
        auto bar = line.rfind('|');
        if (bar == std::string::npos)
        {
          continue;
        }
        int idx = -1;
        std::string num = line.substr(bar + 1);
        auto r = std::from_chars(num.data(), num.data() + num.size(), idx);
        if (r.ec == std::errc() && idx >= 0 && idx < 19)
        {
          names[static_cast<size_t>(idx)] = line.substr(0, bar);
        }
      }
    }
    for (int g = 0; g < 19; ++g)
    {
      genres.flagColumns.push_back(ColumnRef::byIndex(5 + g));
      genres.flagNames.push_back(names[static_cast<size_t>(g)]);
    }
    s.items.fields = {release, genres};
  }
  else
  {
    s.notes.emplace_back("u.item not found: items have no titles or genres");
  }
  return s;
}

Result<ImportSpec> ml1m(const fs::path& dir)
{
  ImportSpec s;
  s.format = "movielens-1m";
  s.source = dir.string();
  if (!isFile(dir / "ratings.dat"))
  {
    return makeError(dir.string() + " has no ratings.dat (MovieLens 1M/10M ratings)");
  }
  // The .dat files are latin-1 in 1M and UTF-8 in 10M: read each line as UTF-8 when it is.
  s.interactions.file = file(dir / "ratings.dat", "::", false, Encoding::Auto, false, 4);
  s.interactions.user = ColumnRef::byIndex(0);
  s.interactions.item = ColumnRef::byIndex(1);
  s.interactions.rating = ColumnRef::byIndex(2);
  s.interactions.timestamp = ColumnRef::byIndex(3);
  s.interactions.timeFormat = TimeFormat::Unix;
  if (isFile(dir / "users.dat"))
  {
    s.users.present = true;
    s.users.file = file(dir / "users.dat", "::", false, Encoding::Auto, false, 5);
    s.users.id = ColumnRef::byIndex(0);
    // Age and occupation are codes in 1M (age buckets 1, 18, 25, ...): categorical.
    s.users.fields = {
        field(1, "gender", FieldKind::Categorical), field(2, "age_group", FieldKind::Categorical),
        field(3, "occupation", FieldKind::Categorical), field(4, "zip", FieldKind::Categorical)};
  }
  if (isFile(dir / "movies.dat"))
  {
    s.items.present = true;
    s.items.file = file(dir / "movies.dat", "::", false, Encoding::Auto, false, 3);
    s.items.id = ColumnRef::byIndex(0);
    s.items.title = ColumnRef::byIndex(1);
    s.items.fields = {field(2, "genres", FieldKind::Multi, "|")};
  }
  if (isFile(dir / "tags.dat"))
  {
    ItemValuesSpec t;
    t.file = file(dir / "tags.dat", "::", false, Encoding::Auto, false, 4);
    t.item = ColumnRef::byIndex(1);
    t.value = ColumnRef::byIndex(2);
    t.fieldName = "tags";
    s.itemValues.push_back(t);
  }
  return s;
}

Result<ImportSpec> mlCsv(const fs::path& dir)
{
  ImportSpec s;
  s.format = "movielens-csv";
  s.source = dir.string();
  if (!isFile(dir / "ratings.csv"))
  {
    return makeError(dir.string() + " has no ratings.csv (MovieLens CSV ratings)");
  }
  s.interactions.file = file(dir / "ratings.csv", ",", true, Encoding::Utf8, true, -1);
  s.interactions.user = ColumnRef::byName("userId");
  s.interactions.item = ColumnRef::byName("movieId");
  s.interactions.rating = ColumnRef::byName("rating");
  s.interactions.timestamp = ColumnRef::byName("timestamp");
  s.interactions.timeFormat = TimeFormat::Unix;
  if (isFile(dir / "movies.csv"))
  {
    s.items.present = true;
    s.items.file = file(dir / "movies.csv", ",", true, Encoding::Utf8, true, -1);
    s.items.id = ColumnRef::byName("movieId");
    s.items.title = ColumnRef::byName("title");
    FieldSpec g;
    g.column = ColumnRef::byName("genres");
    g.name = "genres";
    g.kind = FieldKind::Multi;
    s.items.fields = {g};
  }
  if (isFile(dir / "tags.csv"))
  {
    ItemValuesSpec t;
    t.file = file(dir / "tags.csv", ",", true, Encoding::Utf8, true, -1);
    t.item = ColumnRef::byName("movieId");
    t.value = ColumnRef::byName("tag");
    t.fieldName = "tags";
    s.itemValues.push_back(t);
  }
  return s;
}

/// A RecBole typed header: "name:type" per column.
struct TypedColumn
{
  std::string name;
  std::string type;
};

Result<std::vector<TypedColumn>> recboleHeader(const fs::path& p)
{
  auto lines = readFirstLines(locate(p).string(), 1, 1 << 20);
  if (lines.empty())
  {
    return makeError(p.filename().string() + " is empty");
  }
  std::vector<std::string> parts;
  Dialect d;
  d.delimiter = "\t";
  d.quoting = false;
  splitLine(lines[0], d, &parts);
  std::vector<TypedColumn> cols;
  for (const auto& part : parts)
  {
    auto colon = part.rfind(':');
    if (colon == std::string::npos)
    {
      return makeError(p.filename().string() +
                       " does not look like a RecBole atomic file: header column \"" + part +
                       "\" has no :type (expected name:token, name:float, ...)");
    }
    TypedColumn c{part.substr(0, colon), part.substr(colon + 1)};
    if (c.type != "token" && c.type != "token_seq" && c.type != "float" && c.type != "float_seq")
    {
      return makeError(p.filename().string() + ": unknown RecBole type \"" + c.type +
                       "\" in column \"" + part + "\"");
    }
    cols.push_back(c);
  }
  return cols;
}

/// Fields for the typed columns of a RecBole file other than the ones in `skip`.
std::vector<FieldSpec> recboleFields(const std::vector<TypedColumn>& cols,
                                     const std::vector<std::string>& skip,
                                     std::vector<std::string>* notes, const std::string& file,
                                     int* titleCol)
{
  std::vector<FieldSpec> out;
  for (size_t i = 0; i < cols.size(); ++i)
  {
    const auto& c = cols[i];
    if (std::find(skip.begin(), skip.end(), c.name) != skip.end())
    {
      continue;
    }
    int idx = static_cast<int>(i);
    bool isTitle = c.name.find("title") != std::string::npos || c.name == "name";
    if (isTitle && titleCol && *titleCol < 0)
    {
      *titleCol = idx;
    }
    if (c.type == "token")
    {
      out.push_back(field(idx, c.name, isTitle ? FieldKind::Text : FieldKind::Categorical));
    }
    else if (c.type == "token_seq")
    {
      out.push_back(field(idx, c.name, isTitle ? FieldKind::Text : FieldKind::Multi, " "));
    }
    else if (c.type == "float")
    {
      out.push_back(field(idx, c.name, FieldKind::Numeric));
    }
    else
    {
      notes->push_back(file + ": column \"" + c.name + "\" (float_seq) is not imported");
    }
  }
  return out;
}

Result<ImportSpec> recbole(const fs::path& dir, const std::string& stem)
{
  ImportSpec s;
  s.format = "recbole";
  s.source = dir.string();
  fs::path inter = dir / (stem + ".inter");
  auto cols = recboleHeader(inter);
  if (!cols)
  {
    return errorOf(cols);
  }
  s.interactions.file = file(inter, "\t", true, Encoding::Utf8, false, -1);
  std::vector<std::string> used;
  for (size_t i = 0; i < cols->size(); ++i)
  {
    const auto& c = (*cols)[i];
    int idx = static_cast<int>(i);
    if (c.name == "user_id")
    {
      s.interactions.user = ColumnRef::byIndex(idx);
    }
    else if (c.name == "item_id")
    {
      s.interactions.item = ColumnRef::byIndex(idx);
    }
    else if (c.name == "rating" && c.type == "float")
    {
      s.interactions.rating = ColumnRef::byIndex(idx);
    }
    else if (c.name == "timestamp" && c.type == "float")
    {
      s.interactions.timestamp = ColumnRef::byIndex(idx);
      s.interactions.timeFormat = TimeFormat::Unix;
    }
    else
    {
      continue;
    }
    used.push_back(c.name);
  }
  if (!s.interactions.user.isSet() || !s.interactions.item.isSet())
  {
    return makeError(inter.filename().string() +
                     " needs user_id and item_id columns (RecBole's default field names)");
  }
  s.interactions.fields = recboleFields(*cols, used, &s.notes, inter.filename().string(), nullptr);
  for (const char* which : {"user", "item"})
  {
    fs::path side = dir / (stem + "." + which);
    if (!isFile(side))
    {
      continue;
    }
    auto sc = recboleHeader(side);
    if (!sc)
    {
      return errorOf(sc);
    }
    EntitySpec& e = std::string(which) == "user" ? s.users : s.items;
    e.present = true;
    e.file = file(side, "\t", true, Encoding::Utf8, false, -1);
    std::string idName = std::string(which) + "_id";
    int idIdx = -1;
    for (size_t i = 0; i < sc->size(); ++i)
    {
      if ((*sc)[i].name == idName)
      {
        idIdx = static_cast<int>(i);
      }
    }
    if (idIdx < 0)
    {
      return makeError(side.filename().string() + " has no " + idName + " column");
    }
    e.id = ColumnRef::byIndex(idIdx);
    int titleCol = -1;
    e.fields = recboleFields(*sc, {idName}, &s.notes, side.filename().string(),
                             std::string(which) == "item" ? &titleCol : nullptr);
    if (titleCol >= 0)
    {
      e.title = ColumnRef::byIndex(titleCol);
    }
  }
  return s;
}

std::string findRecboleStem(const fs::path& dir)
{
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
  {
    const std::string name = plainName(entry.path());
    if (name.size() > 6 && name.compare(name.size() - 6, 6, ".inter") == 0)
    {
      return name.substr(0, name.size() - 6);
    }
  }
  return "";
}

bool endsWith(const std::string& s, const char* suffix)
{
  const size_t n = std::char_traits<char>::length(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

/// The format of a folder holding files with these plain names (".gz" removed), or "".
std::string formatOfNames(const std::vector<std::string>& names)
{
  auto has = [&](const char* n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  if (has("u.data"))
  {
    return "movielens-100k";
  }
  if (has("ratings.dat"))
  {
    return "movielens-1m";
  }
  if (has("ratings.csv"))
  {
    return "movielens-csv";
  }
  for (const auto& n : names)
  {
    if (endsWith(n, ".inter"))
    {
      return "recbole";
    }
  }
  return "";
}

/// The format's own name for its aliases ("movielens-25m" is "movielens-csv").
std::string canonicalFormat(const std::string& format)
{
  if (format == "movielens-10m")
  {
    return "movielens-1m";
  }
  if (format == "movielens-latest" || format == "movielens-20m" || format == "movielens-25m")
  {
    return "movielens-csv";
  }
  return format;
}

/// Whether a folder dataset of `format` reads the file `plain` (".gz" removed); `stem` is the
/// RecBole dataset's name.
bool readByFormat(const std::string& format, const std::string& plain, const std::string& stem)
{
  static const std::map<std::string, std::set<std::string>> kFiles = {
      {"movielens-100k", {"u.data", "u.user", "u.item", "u.genre"}},
      {"movielens-1m", {"ratings.dat", "users.dat", "movies.dat", "tags.dat"}},
      {"movielens-csv", {"ratings.csv", "movies.csv", "tags.csv"}}};
  if (format == "recbole")
  {
    return plain == stem + ".inter" || plain == stem + ".user" || plain == stem + ".item";
  }
  const auto it = kFiles.find(format);
  return it != kFiles.end() && it->second.count(plain) > 0;
}

/// A JSON-lines layout the workbench knows by its keys, with a ready mapping.
struct JsonRecipe
{
  const char* id;
  const char* user;
  const char* item;
  const char* rating;
  const char* timestamp;
  TimeFormat timeFormat;
  bool zeroRatingIsMissing = false;  // a rating of 0 means "not rated" (Goodreads' shelves)
};

// Checked in order; each is recognised when its user, item, rating and time keys are all there.
const JsonRecipe kJsonRecipes[] = {
    // Amazon reviews, 2014 and 2018 releases (McAuley lab).
    {"amazon-reviews", "reviewerID", "asin", "overall", "unixReviewTime", TimeFormat::Unix},
    // Amazon reviews 2023: times in milliseconds; parent_asin groups the variants of a product,
    // as the release's own benchmarks do.
    {"amazon-reviews-2023", "user_id", "parent_asin", "rating", "timestamp",
     TimeFormat::UnixMillis},
    // Yelp open dataset reviews.
    {"yelp-reviews", "user_id", "business_id", "stars", "date", TimeFormat::Iso8601},
    // UCSD Book Graph (Goodreads) interactions: books shelved but not rated have rating 0.
    {"goodreads", "user_id", "book_id", "rating", "date_added", TimeFormat::WeekdayMonth, true},
};

const JsonRecipe* jsonRecipe(const std::string& id)
{
  for (const auto& r : kJsonRecipes)
  {
    if (id == r.id)
    {
      return &r;
    }
  }
  return nullptr;
}

/// The keys of one JSON object line (nested ones with dots); empty when it does not parse.
std::set<std::string> objectKeys(const std::string& line)
{
  std::set<std::string> keys;
  std::vector<std::pair<std::string, std::string>> pairs;
  if (flattenJsonLine(line, &pairs).empty())
  {
    for (auto& kv : pairs)
    {
      keys.insert(kv.first);
    }
  }
  return keys;
}

/// The item side file of a review layout: how to find it beside the reviews and what it holds.
struct ItemMetaRecipe
{
  const char* recipe;  // JsonRecipe::id
  const char* id;
  const char* title;
  std::vector<std::pair<const char*, FieldKind>> fields;
  const char* separator;  // of multi-valued fields given as one string (Yelp's categories)
};

const std::vector<ItemMetaRecipe>& itemMetaRecipes()
{
  static const std::vector<ItemMetaRecipe> all = {
      // meta_<Category>.json.gz (2014 releases wrote Python literals, not JSON: not read).
      {"amazon-reviews",
       "asin",
       "title",
       {{"category", FieldKind::Multi},
        {"brand", FieldKind::Categorical},
        {"main_cat", FieldKind::Categorical}},
       "|"},
      {"amazon-reviews-2023",
       "parent_asin",
       "title",
       {{"main_category", FieldKind::Categorical},
        {"categories", FieldKind::Multi},
        {"store", FieldKind::Categorical}},
       "|"},
      // goodreads_books[_<genre>].json beside goodreads_interactions[_<genre>|_dedup].json.
      {"goodreads",
       "book_id",
       "title",
       {{"publisher", FieldKind::Categorical},
        {"language_code", FieldKind::Categorical},
        {"publication_year", FieldKind::Numeric}},
       "|"},
      // yelp_academic_dataset_business.json beside ..._review.json.
      {"yelp-reviews",
       "business_id",
       "name",
       {{"categories", FieldKind::Multi},
        {"city", FieldKind::Categorical},
        {"state", FieldKind::Categorical}},
       ", "},
  };
  return all;
}

/// The side file of `reviews` for a layout, or an empty path: Amazon's meta_<Category> (the
/// category is the reviews file's name without "reviews_", "_5" and its extensions), Yelp's
/// business file.
fs::path itemMetaFile(const std::string& recipe, const fs::path& reviews)
{
  std::string name = plainName(reviews);
  for (const char* ext : {".jsonl", ".json"})
  {
    if (endsWith(name, ext))
    {
      name.resize(name.size() - std::char_traits<char>::length(ext));
      break;
    }
  }
  std::vector<std::string> stems;
  if (recipe == "goodreads")
  {
    const std::string kInteractions = "goodreads_interactions";
    if (name.rfind(kInteractions, 0) != 0)
    {
      return {};
    }
    std::string genre = name.substr(kInteractions.size());  // "", "_dedup", "_poetry"
    stems.push_back("goodreads_books" + (genre == "_dedup" ? std::string() : genre));
  }
  else if (recipe == "yelp-reviews")
  {
    const size_t at = name.rfind("review");
    if (at == std::string::npos)
    {
      return {};
    }
    stems.push_back(name.substr(0, at) + "business" + name.substr(at + 6));
  }
  else
  {
    if (name.rfind("reviews_", 0) == 0)
    {
      name = name.substr(8);
    }
    if (endsWith(name, "_5"))
    {
      name.resize(name.size() - 2);
    }
    stems.push_back("meta_" + name);
  }
  for (const auto& stem : stems)
  {
    for (const char* ext : {".json", ".jsonl"})
    {
      const fs::path candidate = reviews.parent_path() / (stem + ext);
      if (isFile(candidate))
      {
        return locate(candidate);
      }
    }
  }
  return {};
}

/// Adds the layout's item side file to `s` when it is beside the reviews and is JSON lines with
/// the id key; a note says what was found either way.
void addItemMeta(const JsonRecipe& r, const std::string& path, ImportSpec& s)
{
  for (const auto& m : itemMetaRecipes())
  {
    if (r.id != std::string(m.recipe))
    {
      continue;
    }
    const fs::path meta = itemMetaFile(m.recipe, fs::path(path));
    if (meta.empty())
    {
      return;
    }
    const auto first = readFirstLines(meta.string(), 1, 1 << 20);
    if (first.empty() || !objectKeys(first[0]).count(m.id))
    {
      s.notes.push_back(meta.filename().string() + " is beside the reviews but is not JSON lines " +
                        "with \"" + m.id + "\" keys: items have no features");
      return;
    }
    EntitySpec& items = s.items;
    items.present = true;
    items.describesOnly = true;
    items.file.path = meta.string();
    items.file.dialect = s.interactions.file.dialect;
    items.id = ColumnRef::byName(m.id);
    items.title = ColumnRef::byName(m.title);
    for (const auto& [key, kind] : m.fields)
    {
      FieldSpec f;
      f.column = ColumnRef::byName(key);
      f.name = key;
      f.kind = kind;
      f.separator = m.separator;
      items.fields.push_back(f);
    }
    s.notes.push_back("item titles and features from " + meta.filename().string() +
                      " (only the items with interactions)");
    return;
  }
}

Result<ImportSpec> jsonSpec(const JsonRecipe& r, const std::string& path)
{
  ImportSpec s;
  s.format = r.id;
  s.source = path;
  FileSpec& f = s.interactions.file;
  f.path = path;
  f.dialect.layout = Layout::JsonLines;
  f.dialect.header = false;
  f.dialect.quoting = false;
  f.dialect.encoding = Encoding::Utf8;
  s.interactions.user = ColumnRef::byName(r.user);
  s.interactions.item = ColumnRef::byName(r.item);
  s.interactions.rating = ColumnRef::byName(r.rating);
  s.interactions.timestamp = ColumnRef::byName(r.timestamp);
  s.interactions.timeFormat = r.timeFormat;
  if (r.zeroRatingIsMissing)
  {
    f.dialect.missing.emplace_back("0");
    s.notes.emplace_back("a rating of 0 (shelved, not rated) is read as no rating");
  }
  addItemMeta(r, path, s);
  return s;
}

}  // namespace

const std::vector<FormatInfo>& knownFormats()
{
  static const std::vector<FormatInfo> all = {
      {"movielens-100k", "MovieLens 100K (u.data, u.user, u.item)"},
      {"movielens-1m", "MovieLens 1M / 10M (ratings.dat, users.dat, movies.dat)"},
      {"movielens-csv", "MovieLens latest / 20M / 25M (ratings.csv, movies.csv, tags.csv)"},
      {"recbole", "RecBole atomic files (.inter, .user, .item)"},
      {"amazon-reviews", "Amazon reviews 2014 / 2018 (JSON lines: reviewerID, asin, overall)"},
      {"amazon-reviews-2023", "Amazon reviews 2023 (JSON lines: user_id, parent_asin, rating)"},
      {"yelp-reviews", "Yelp reviews (JSON lines: user_id, business_id, stars, date)"},
      {"goodreads", "Goodreads / UCSD Book Graph (JSON lines: user_id, book_id, rating)"},
      {"json-lines", "JSON lines with a key mapping"},
      {"csv", "Delimited text with a column mapping"}};
  return all;
}

Result<std::string> detectFormat(const std::string& path)
{
  std::error_code ec;
  if (!fs::exists(path, ec))
  {
    return makeError(path + " does not exist");
  }
  fs::path p(path);
  if (fs::is_directory(p, ec))
  {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(p, ec))
    {
      if (entry.is_regular_file(ec))
      {
        names.push_back(plainName(entry.path()));
      }
    }
    if (std::string format = formatOfNames(names); !format.empty())
    {
      return format;
    }
    return makeError(path +
                     " holds no known dataset files (u.data, ratings.dat, ratings.csv or *.inter); "
                     "pick a delimited file to map its columns");
  }
  if (detectCompression(path) == Compression::Zip)
  {
    auto z = zipDataset(path);
    if (!z)
    {
      return errorOf(z);
    }
    return z->format;
  }
  std::string name = plainName(p);
  if (name == "u.data" || name == "u.item" || name == "u.user")
  {
    return std::string("movielens-100k");
  }
  if (name == "ratings.dat" || name == "movies.dat" || name == "users.dat")
  {
    return std::string("movielens-1m");
  }
  if (fs::path(name).extension() == ".inter")
  {
    return std::string("recbole");
  }
  // One read of the first line decides both whether it is JSON lines and which layout.
  if (const auto first = readFirstLines(path, 1, 1 << 20);
      !first.empty() && looksLikeJsonObject(first[0]))
  {
    const auto keys = objectKeys(first[0]);
    for (const auto& r : kJsonRecipes)
    {
      if (keys.count(r.user) && keys.count(r.item) && keys.count(r.rating) &&
          keys.count(r.timestamp))
      {
        return std::string(r.id);
      }
    }
    return std::string("json-lines");
  }
  if (name == "ratings.csv")
  {
    auto lines = readFirstLines(path, 1, 4096);
    if (!lines.empty() && lines[0].find("userId") != std::string::npos &&
        lines[0].find("movieId") != std::string::npos)
    {
      return std::string("movielens-csv");
    }
  }
  return std::string("csv");
}

Result<ZipDataset> zipDataset(const std::string& zip)
{
  auto files = listZipFiles(zip);
  if (!files)
  {
    return errorOf(files);
  }
  // The shallowest folder whose files make a known dataset (macOS's "__MACOSX" shadows and "._"
  // files are not data).
  std::map<std::string, std::vector<std::string>> byFolder;
  for (const auto& m : *files)
  {
    if (m.folder.rfind("__MACOSX", 0) == 0 || m.name.rfind("._", 0) == 0)
    {
      continue;
    }
    byFolder[m.folder].push_back(plainName(fs::path(m.name)));
  }
  ZipDataset d;
  size_t bestDepth = std::string::npos;
  for (const auto& [folder, names] : byFolder)
  {
    const std::string format = formatOfNames(names);
    const size_t depth =
        folder.empty() ? 0 : 1 + static_cast<size_t>(std::count(folder.begin(), folder.end(), '/'));
    if (!format.empty() && depth < bestDepth)
    {
      bestDepth = depth;
      d.format = format;
      d.folder = folder;
    }
  }
  if (d.format.empty())
  {
    return makeError(zip +
                     " holds no known dataset folder (u.data, ratings.dat, ratings.csv or *.inter "
                     "side by side); unpack it and pick a file to map its columns");
  }
  std::string stem;
  for (const auto& n : byFolder[d.folder])
  {
    if (endsWith(n, ".inter"))
    {
      stem = n.substr(0, n.size() - 6);
      break;
    }
  }
  for (const auto& m : *files)
  {
    if (m.folder == d.folder && readByFormat(d.format, plainName(fs::path(m.name)), stem))
    {
      d.paths.push_back(m.path);
      d.names.push_back(m.name);
      d.bytes += std::max<int64_t>(m.size, 0);
    }
  }
  return d;
}

Result<ImportSpec> specForFormat(const std::string& format, const std::string& path)
{
  std::error_code ec;
  if (!fs::exists(path, ec))
  {
    return makeError(path + " does not exist");
  }
  if (!fs::is_directory(path, ec) && detectCompression(path) == Compression::Zip)
  {
    // Unpacked by the import itself (on its worker, with progress): importer.h.
    auto z = zipDataset(path);
    if (!z)
    {
      return errorOf(z);
    }
    if (canonicalFormat(format) != z->format)
    {
      return makeError(path + " holds a " + z->format + " dataset" +
                       (z->folder.empty() ? std::string() : " (folder " + z->folder + ")") +
                       ", not " + format);
    }
    ImportSpec s;
    s.format = format;
    s.source = path;
    s.archive = path;
    std::string list;
    for (const auto& n : z->names)
    {
      list += (list.empty() ? "" : ", ") + n;
    }
    s.notes.push_back("unpacked from the zip archive" +
                      (z->folder.empty() ? std::string() : " (folder " + z->folder + ")") + ": " +
                      list);
    return s;
  }
  fs::path dir = folderOf(path);
  if (format == "movielens-100k")
  {
    return ml100k(dir);
  }
  if (format == "movielens-1m" || format == "movielens-10m")
  {
    return ml1m(dir);
  }
  if (format == "movielens-csv" || format == "movielens-latest" || format == "movielens-20m" ||
      format == "movielens-25m")
  {
    return mlCsv(dir);
  }
  if (format == "recbole")
  {
    std::string stem;
    if (!fs::is_directory(path, ec))
    {
      stem = fs::path(path).stem().string();
    }
    else
    {
      stem = findRecboleStem(dir);
    }
    if (stem.size() > 6 && stem.compare(stem.size() - 6, 6, ".inter") == 0)
    {
      stem.resize(stem.size() - 6);  // "x.inter.gz"
    }
    if (stem.empty())
    {
      return makeError(path + " has no RecBole .inter file");
    }
    return recbole(dir, stem);
  }
  if (const JsonRecipe* r = jsonRecipe(format))
  {
    if (fs::is_directory(path, ec))
    {
      return makeError(format + " is one JSON-lines file: pick the file, not the folder");
    }
    return jsonSpec(*r, path);
  }
  if (format == "json-lines")
  {
    return makeError("a JSON-lines file needs a key mapping (--mapping FILE.json)");
  }
  if (format == "csv")
  {
    return makeError("a delimited file needs a column mapping (--mapping FILE.json)");
  }
  std::string names;
  for (const auto& f : knownFormats())
  {
    names += (names.empty() ? "" : ", ") + f.id;
  }
  return makeError("unknown format \"" + format + "\" (known: " + names + ")");
}

namespace
{

/// Markers of a missing value that a sample shows as whole values ("?", "NA", "\\N", ...).
std::vector<std::string> missingMarkers(const std::vector<std::vector<std::string>>& rows)
{
  static const char* const kMarkers[] = {"?", "NA", "N/A", "n/a", "\\N", "NULL", "null", "NaN"};
  std::vector<std::string> found;
  for (const char* m : kMarkers)
  {
    bool seen = false;
    for (const auto& row : rows)
    {
      for (const auto& v : row)
      {
        std::string_view t = v;
        while (!t.empty() && t.front() == ' ')
        {
          t.remove_prefix(1);
        }
        while (!t.empty() && t.back() == ' ')
        {
          t.remove_suffix(1);
        }
        seen = seen || t == m;
      }
    }
    if (seen)
    {
      found.emplace_back(m);
    }
  }
  return found;
}

}  // namespace

Dialect sniffDialect(const std::string& path)
{
  Dialect d;
  auto lines = readFirstLines(path, 30, 1 << 16);
  if (lines.empty())
  {
    return d;
  }
  std::string sample;
  for (const auto& l : lines)
  {
    sample += l;
    sample += '\n';
  }
  size_t bad = 0;
  d.encoding = isValidUtf8(sample, &bad) ? Encoding::Utf8 : Encoding::Latin1;
  if (looksLikeJsonObject(lines[0]))
  {
    d.layout = Layout::JsonLines;
    d.header = false;
    d.quoting = false;
    d.encoding = d.encoding == Encoding::Utf8 ? Encoding::Utf8 : Encoding::Auto;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& l : lines)
    {
      if (flattenJsonLine(l, &pairs).empty())
      {
        rows.emplace_back();
        for (auto& kv : pairs)
        {
          rows.back().push_back(std::move(kv.second));
        }
      }
    }
    d.missing = missingMarkers(rows);
    return d;
  }
  // Pick the delimiter that splits most lines into the same number (> 1) of fields.
  int bestScore = -1;
  for (const char* cand : {"::", "\t", ",", ";", "|"})
  {
    Dialect t = d;
    t.delimiter = cand;
    std::map<size_t, int> counts;
    std::vector<std::string> parts;
    for (const auto& l : lines)
    {
      splitLine(l, t, &parts);
      ++counts[parts.size()];
    }
    auto mode = std::max_element(counts.begin(), counts.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (mode->first < 2)
    {
      continue;
    }
    int score = mode->second * 100 + static_cast<int>(mode->first);
    if (score > bestScore)
    {
      bestScore = score;
      d.delimiter = cand;
    }
  }
  if (d.delimiter == "::" || d.delimiter == "|")
  {
    d.quoting = false;
  }
  // A header: the first line has no numeric field while the second has some.
  if (lines.size() >= 2)
  {
    std::vector<std::string> first, second;
    splitLine(lines[0], d, &first);
    splitLine(lines[1], d, &second);
    bool firstNumeric = std::any_of(first.begin(), first.end(), looksNumeric);
    bool secondNumeric = std::any_of(second.begin(), second.end(), looksNumeric);
    d.header = !firstNumeric && secondNumeric;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = d.header ? 1 : 0; i < lines.size(); ++i)
  {
    rows.emplace_back();
    splitLine(lines[i], d, &rows.back());
  }
  d.missing = missingMarkers(rows);
  return d;
}

namespace
{

/// A JSON-lines preview: the columns are the key paths seen in the first rows, in order of
/// first appearance.
Result<Preview> previewJsonLines(RecordReader& reader, int maxRows)
{
  Preview p;
  Record rec;
  std::map<std::string, size_t> column;
  std::vector<std::pair<std::string, std::string>> pairs;
  constexpr size_t kMaxColumns = 200;
  try
  {
    while (static_cast<int>(p.rows.size()) < maxRows && reader.next(rec))
    {
      std::string why = rec.error.empty() ? flattenJsonLine(rec.raw, &pairs) : rec.error;
      if (!why.empty())
      {
        p.problems.push_back("line " + std::to_string(rec.line) + ": " + why);
        continue;
      }
      std::vector<std::string> row(p.header.size());
      for (auto& kv : pairs)
      {
        auto it = column.find(kv.first);
        if (it == column.end())
        {
          if (p.header.size() >= kMaxColumns)
          {
            continue;
          }
          it = column.emplace(kv.first, p.header.size()).first;
          p.header.push_back(kv.first);
          row.emplace_back();
        }
        row[it->second] = std::move(kv.second);
      }
      p.rows.push_back(std::move(row));
    }
  }
  catch (const std::exception& e)
  {
    return makeError(e.what());
  }
  for (auto& row : p.rows)
  {
    row.resize(p.header.size());
  }
  return p;
}

}  // namespace

Result<Preview> previewFile(const std::string& path, const Dialect& dialect, int maxRows)
{
  RecordReader reader;
  if (auto ok = reader.open(path, dialect); !ok)
  {
    return errorOf(ok);
  }
  if (dialect.layout == Layout::JsonLines)
  {
    return previewJsonLines(reader, maxRows);
  }
  Preview p;
  Record rec;
  try
  {
    if (dialect.header && reader.next(rec))
    {
      for (auto f : rec.fields)
      {
        p.header.emplace_back(f);
      }
      if (!rec.error.empty())
      {
        p.problems.push_back("line " + std::to_string(rec.line) + ": " + rec.error);
      }
    }
    while (static_cast<int>(p.rows.size()) < maxRows && reader.next(rec))
    {
      if (!rec.error.empty())
      {
        p.problems.push_back("line " + std::to_string(rec.line) + ": " + rec.error);
        continue;
      }
      std::vector<std::string> row;
      for (auto f : rec.fields)
      {
        row.emplace_back(f);
      }
      p.rows.push_back(std::move(row));
    }
  }
  catch (const std::exception& e)
  {
    return makeError(e.what());
  }
  return p;
}

}  // namespace m6
