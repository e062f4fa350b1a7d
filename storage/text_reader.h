// Reading delimited text files record by record, fast, with the awkward parts handled:
// UTF-8 byte-order mark, CRLF line ends, blank lines, quoted fields (with doubled quotes and
// line breaks inside quotes), multi-character delimiters ("::"), latin-1 input converted to
// UTF-8, and invalid UTF-8 reported per record instead of aborting the file. gzip-compressed
// files are decompressed while reading (storage/byte_source.h). JSON lines read the same way:
// the fields of a record are the values of the keys set with setKeys (storage/json_lines.h).
//
// Thread affinity: none; one reader per thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "storage/byte_source.h"
#include "storage/json_lines.h"
#include "storage/result.h"

namespace m6
{

enum class Encoding
{
  Utf8,    // invalid UTF-8 makes the record an error
  Latin1,  // every byte is a code point; converted to UTF-8
  Auto     // UTF-8 where valid, otherwise the record is read as latin-1
};

const char* encodingName(Encoding e);  // "utf-8", "latin-1", "auto"
bool parseEncoding(const std::string& s, Encoding* out);

/// How records are laid out: delimited text, or one JSON object per line.
enum class Layout
{
  Delimited,
  JsonLines
};

const char* layoutName(Layout l);  // "delimited", "json-lines"
bool parseLayout(const std::string& s, Layout* out);

struct Dialect
{
  Layout layout = Layout::Delimited;
  std::string delimiter = ",";  // one or more characters; "\t" for tab
  bool quoting = true;          // honour quote characters
  char quote = '"';
  bool header = false;  // first record holds column names
  Encoding encoding = Encoding::Utf8;
  // Values read as missing, compared after trimming spaces ("?", "NA", "\\N"); an empty value
  // is always missing.
  std::vector<std::string> missing;
};

struct Record
{
  int64_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string_view> fields;
  std::string error;     // non-empty when the record is malformed (fields then unusable)
  std::string_view raw;  // the record's text as read (after decoding), for reports
};

/// A quoted field may span at most this many lines and bytes; beyond, the record is an error
/// ("unterminated quote starting at line N") and reading goes on after it.
constexpr int kMaxRecordLines = 10000;
constexpr size_t kMaxRecordBytes = size_t(16) << 20;
/// A physical line longer than this is one error record ("line N is longer than 16 MiB"), read
/// past without being held in memory; a record with more fields than kMaxFields is an error.
constexpr size_t kMaxLineBytes = size_t(16) << 20;
constexpr size_t kMaxFields = 100001;

class RecordReader
{
 public:
  RecordReader() = default;
  ~RecordReader();
  RecordReader(const RecordReader&) = delete;
  RecordReader& operator=(const RecordReader&) = delete;

  Status open(const std::string& path, const Dialect& dialect);

  /// JSON lines: the keys whose values become each record's fields, in this order. Without keys
  /// a JSON-lines record has no fields, only its raw text (previews flatten it themselves).
  void setKeys(std::vector<JsonKey> keys);

  /// Reads the next non-blank record. Returns false at the end of the file. The record's views
  /// stay valid until the next call. Read errors of the file itself throw std::runtime_error.
  bool next(Record& rec);

  /// Bytes of the file consumed (compressed bytes for a gzip file), for progress.
  int64_t bytesRead() const;
  int64_t totalBytes() const { return src_.totalBytes(); }
  const std::string& path() const { return src_.path(); }
  Compression compression() const { return src_.compression(); }

 private:
  bool readLine(std::string_view* line);  // physical line without its end-of-line
  bool fill();
  void split(std::string_view text, Record& rec);
  void splitJson(std::string_view text, Record& rec);
  void blankMissing(Record& rec) const;

  ByteSource src_;
  Dialect d_;
  int64_t consumed_ = 0;
  int64_t lineNo_ = 0;
  std::vector<char> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool first_ = true;
  bool lineTooLong_ = false;  // readLine skipped an overlong line (next() reports it)
  std::string joined_;        // a record spanning several lines, or a decoded one
  std::string decoded_;
  std::deque<std::string> unquoted_;  // storage for fields that needed unescaping
  std::vector<JsonKey> keys_;
  std::vector<std::string> jsonValues_;  // one per key; the record's fields view them
  std::vector<bool> jsonPresent_;
};

/// Splits one line into fields with the given dialect (no line breaks inside quotes). For
/// previews and tests; returns an error message or "".
std::string splitLine(std::string_view line, const Dialect& d, std::vector<std::string>* out);

/// True when `s` is valid UTF-8; otherwise sets *badOffset to the first bad byte.
bool isValidUtf8(std::string_view s, size_t* badOffset);

/// Appends latin-1 `s` to `out` as UTF-8.
void latin1ToUtf8(std::string_view s, std::string* out);

}  // namespace m6
