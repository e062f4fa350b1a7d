// What to import and how: files, their dialect, and which column means what.
//
// Every supported format (MovieLens 100K / 1M / 10M / latest CSV, RecBole atomic files) is turned
// into an ImportSpec by storage/formats.h; a generic delimited file is described by the user in
// the mapping dialog, or by a JSON mapping file for `m6-cli import --mapping`. One importer runs
// them all (storage/importer.h).
//
// Mapping JSON (the CLI's --mapping FILE and the GUI's "save mapping"); paths relative to the
// mapping file; columns by header name or 0-based index:
// {
//   "interactions": {"file": "ratings.tsv", "delimiter": "\t", "header": true,
//                    "encoding": "utf-8", "quoting": true, "quote": "\"",
//                    "user": "user", "item": "item", "rating": "stars", "timestamp": "when",
//                    "timestamp_format": "auto" | "unix" | "unix-ms" | "iso8601" | "dd-mon-yyyy"
//                                        | "weekday-month",
//                    "layout": "delimited" | "json-lines", "missing": ["?", "NA", "\\N"],
//                    "fields": [{"column": "device", "name": "device", "kind": "categorical"}]},
//   "users": {"file": "users.csv", "id": "user", "fields": [...]},          (optional)
//   "items": {"file": "items.csv", "id": "item", "title": "name",
//             "fields": [{"column": "genres", "kind": "multi", "separator": "|"}],
//             "describes_only": false}  (optional; true: see EntitySpec::describesOnly)
// }
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/core/dataset.h"
#include "model/core/json.h"
#include "storage/result.h"
#include "storage/text_reader.h"
#include "storage/timestamps.h"

namespace m6
{

/// The largest 0-based column index a mapping may name.
constexpr int kMaxColumnIndex = 100000;

/// A column by header name or by 0-based index (index wins when both are set).
struct ColumnRef
{
  std::string name;
  int index = -1;

  bool isSet() const { return index >= 0 || !name.empty(); }
  std::string describe() const;  // "column \"rating\"" or "column 3"
  static ColumnRef byIndex(int i) { return ColumnRef{"", i}; }
  static ColumnRef byName(std::string n) { return ColumnRef{std::move(n), -1}; }
};

struct FieldSpec
{
  ColumnRef column;
  std::string name;  // defaults to the column's name
  FieldKind kind = FieldKind::Categorical;
  std::string separator = "|";  // Multi: separator between values
  TimeFormat timeFormat = TimeFormat::Auto;
  // Multi built from 0/1 flag columns (MovieLens 100K genres): value flagNames[k] is present when
  // flagColumns[k] holds 1. `column` is unused then.
  std::vector<ColumnRef> flagColumns;
  std::vector<std::string> flagNames;
};

struct FileSpec
{
  std::string path;
  Dialect dialect;
  int columns = -1;  // expected columns when the file has no header; -1: from the first record
};

struct InteractionsSpec
{
  FileSpec file;
  ColumnRef user;
  ColumnRef item;
  ColumnRef rating;     // optional
  ColumnRef timestamp;  // optional
  TimeFormat timeFormat = TimeFormat::Auto;
  std::vector<FieldSpec> fields;  // context fields
};

/// A user or item side file, joined on its id column. When present it defines the users/items:
/// interactions naming an id the side file lacks are rejected.
struct EntitySpec
{
  bool present = false;
  FileSpec file;
  ColumnRef id;
  ColumnRef title;  // items only: the display title (also kept as text field "title")
  std::vector<FieldSpec> fields;
  // Items only: a side file that describes a whole catalogue (Amazon's metadata files list every
  // product of a category): read after the interactions, it fills the items they use and skips
  // (and counts) the others; interactions with an item it does not describe are kept.
  bool describesOnly = false;
};

/// A file of (item, value) rows gathered into one multi-valued item field (MovieLens tags).
struct ItemValuesSpec
{
  FileSpec file;
  ColumnRef item;
  ColumnRef value;
  std::string fieldName = "tags";
};

struct ImportSpec
{
  std::string format = "csv";  // for the record; see storage/formats.h
  std::string source;          // the folder or file the user picked
  // A zip archive the files are in (storage/formats.h zipDataset): readImport unpacks it into a
  // temporary folder, builds the format's spec there and reads that; empty for plain files.
  std::string archive;
  InteractionsSpec interactions;
  EntitySpec users;
  EntitySpec items;
  std::vector<ItemValuesSpec> itemValues;
  std::vector<std::string> notes;  // remarks from format detection, copied into the report
};

/// Reads a mapping (see the format above). Relative paths are resolved against `baseDir`.
Result<ImportSpec> importSpecFromJson(const Json& j, const std::string& baseDir);
Json importSpecToJson(const ImportSpec& spec);

}  // namespace m6
