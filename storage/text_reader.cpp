// Over 500 lines: the streaming record reader of delimited and JSON-lines files (quoting,
// encodings, missing-value markers): one state machine.

#include "storage/text_reader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace m6
{

namespace
{

constexpr size_t kChunk = 4 << 20;

bool isBlank(std::string_view s)
{
  for (char c : s)
  {
    if (c != ' ' && c != '\t')
    {
      return false;
    }
  }
  return true;
}

bool isAscii(std::string_view s)
{
  for (unsigned char c : s)
  {
    if (c & 0x80)
    {
      return false;
    }
  }
  return true;
}

/// True when the text ends inside a quoted field (the record continues on the next line).
/// Scans from `i`, which is a field start when `inQuotes` is false and a position inside a quoted
/// field otherwise, so a record that grows line by line is scanned once in all (a stray quote
/// followed by long lines used to be rescanned from the start on every line).
bool endsInsideQuotes(std::string_view s, std::string_view delim, char quote, size_t i = 0,
                      bool inQuotes = false)
{
  const size_t n = s.size();
  for (;;)
  {
    if (inQuotes)
    {
      for (;;)
      {
        const size_t q = s.find(quote, i);
        if (q == std::string_view::npos)
        {
          return true;
        }
        if (q + 1 < n && s[q + 1] == quote)
        {
          i = q + 2;  // a doubled quote inside the field
          continue;
        }
        i = q + 1;  // the closing quote (at the very end too: the next text starts a new line)
        break;
      }
      inQuotes = false;
    }
    else if (i < n && s[i] == quote)
    {
      inQuotes = true;
      ++i;
      continue;
    }
    const size_t next = s.find(delim, i);
    if (next == std::string_view::npos)
    {
      return false;
    }
    i = next + delim.size();
  }
}

}  // namespace

const char* encodingName(Encoding e)
{
  switch (e)
  {
    case Encoding::Utf8:
      return "utf-8";
    case Encoding::Latin1:
      return "latin-1";
    case Encoding::Auto:
      return "auto";
  }
  return "?";
}

bool parseEncoding(const std::string& s, Encoding* out)
{
  std::string l;
  for (char c : s)
  {
    l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (l == "utf-8" || l == "utf8")
  {
    *out = Encoding::Utf8;
  }
  else if (l == "latin-1" || l == "latin1" || l == "iso-8859-1" || l == "iso8859-1")
  {
    *out = Encoding::Latin1;
  }
  else if (l == "auto")
  {
    *out = Encoding::Auto;
  }
  else
  {
    return false;
  }
  return true;
}

bool isValidUtf8(std::string_view s, size_t* badOffset)
{
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n)
  {
    unsigned char c = p[i];
    if (c < 0x80)
    {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0)
    {
      len = 2;
      cp = c & 0x1F;
    }
    else if ((c & 0xF0) == 0xE0)
    {
      len = 3;
      cp = c & 0x0F;
    }
    else if ((c & 0xF8) == 0xF0)
    {
      len = 4;
      cp = c & 0x07;
    }
    else
    {
      *badOffset = i;
      return false;
    }
    if (i + len > n)
    {
      *badOffset = i;
      return false;
    }
    for (size_t k = 1; k < len; ++k)
    {
      if ((p[i + k] & 0xC0) != 0x80)
      {
        *badOffset = i;
        return false;
      }
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    // Overlong forms, surrogates and values beyond Unicode are invalid.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    {
      *badOffset = i;
      return false;
    }
    i += len;
  }
  return true;
}

void latin1ToUtf8(std::string_view s, std::string* out)
{
  out->reserve(out->size() + s.size() + s.size() / 8);
  for (unsigned char c : s)
  {
    if (c < 0x80)
    {
      out->push_back(static_cast<char>(c));
    }
    else
    {
      out->push_back(static_cast<char>(0xC0 | (c >> 6)));
      out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
}

const char* layoutName(Layout l)
{
  return l == Layout::JsonLines ? "json-lines" : "delimited";
}

bool parseLayout(const std::string& s, Layout* out)
{
  if (s == "delimited" || s == "csv")
  {
    *out = Layout::Delimited;
  }
  else if (s == "json-lines" || s == "jsonl" || s == "ndjson")
  {
    *out = Layout::JsonLines;
  }
  else
  {
    return false;
  }
  return true;
}

RecordReader::~RecordReader() = default;

Status RecordReader::open(const std::string& path, const Dialect& dialect)
{
  if (dialect.layout == Layout::Delimited && dialect.delimiter.empty())
  {
    return makeError("the delimiter must not be empty");
  }
  d_ = dialect;
  if (auto ok = src_.open(path); !ok)
  {
    return ok;
  }
  // A small uncompressed file needs no 4 MiB buffer (previews and mapping guesses open many);
  // the buffer still doubles when one line does not fit.
  const int64_t size = src_.totalBytes();
  buf_.resize(src_.compression() == Compression::None && size >= 0
                  ? std::clamp<size_t>(static_cast<size_t>(size) + 1, size_t(64) << 10, kChunk)
                  : kChunk);
  return {};
}

void RecordReader::setKeys(std::vector<JsonKey> keys)
{
  keys_ = std::move(keys);
  jsonValues_.assign(keys_.size(), std::string());
}

int64_t RecordReader::bytesRead() const
{
  return src_.compression() == Compression::None ? consumed_ : src_.position();
}

bool RecordReader::fill()
{
  if (eof_)
  {
    return false;
  }
  // Keep the unread tail at the front, grow when a single line is larger than the buffer.
  if (begin_ > 0)
  {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size())
  {
    buf_.resize(buf_.size() * 2);
  }
  size_t got = src_.read(buf_.data() + end_, buf_.size() - end_);
  if (got == 0)
  {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool RecordReader::readLine(std::string_view* line)
{
  size_t scanFrom = begin_;
  for (;;)
  {
    const char* start = buf_.data() + scanFrom;
    const void* nl = std::memchr(start, '\n', end_ - scanFrom);
    if (nl)
    {
      size_t pos = static_cast<size_t>(static_cast<const char*>(nl) - buf_.data());
      *line = std::string_view(buf_.data() + begin_, pos - begin_);
      consumed_ += static_cast<int64_t>(pos + 1 - begin_);
      begin_ = pos + 1;
      return true;
    }
    size_t scanned = end_ - begin_;
    if (scanned > kMaxLineBytes)
    {
      // Not a line of a text file of records (a binary file, /dev/zero): drop it up to its end
      // instead of growing the buffer without bound, and say so once for the whole line.
      consumed_ += static_cast<int64_t>(scanned);
      begin_ = end_ = 0;
      for (;;)
      {
        if (!fill())
        {
          break;
        }
        const void* end = std::memchr(buf_.data(), '\n', end_);
        if (end)
        {
          const size_t pos = static_cast<size_t>(static_cast<const char*>(end) - buf_.data());
          consumed_ += static_cast<int64_t>(pos + 1);
          begin_ = pos + 1;
          break;
        }
        consumed_ += static_cast<int64_t>(end_);
        begin_ = end_ = 0;
      }
      lineTooLong_ = true;
      *line = std::string_view();
      return true;
    }
    if (!fill())
    {
      if (end_ > begin_)
      {
        *line = std::string_view(buf_.data() + begin_, end_ - begin_);
        consumed_ += static_cast<int64_t>(end_ - begin_);
        begin_ = end_;
        return true;
      }
      return false;
    }
    scanFrom = begin_ + scanned;
  }
}

bool RecordReader::next(Record& rec)
{
  rec.fields.clear();
  rec.error.clear();
  unquoted_.clear();
  std::string_view line;
  for (;;)
  {
    if (!readLine(&line))
    {
      return false;
    }
    ++lineNo_;
    if (lineTooLong_)
    {
      lineTooLong_ = false;
      rec.line = lineNo_;
      rec.raw = std::string_view();
      rec.error = "line " + std::to_string(lineNo_) + " is longer than " +
                  std::to_string(kMaxLineBytes >> 20) + " MiB (is this a text file of records?)";
      return true;
    }
    if (first_)
    {
      first_ = false;
      if (line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF &&
          static_cast<unsigned char>(line[1]) == 0xBB &&
          static_cast<unsigned char>(line[2]) == 0xBF)
      {
        line.remove_prefix(3);
      }
    }
    if (!line.empty() && line.back() == '\r')
    {
      line.remove_suffix(1);
    }
    if (!isBlank(line))
    {
      break;
    }
  }
  rec.line = lineNo_;
  std::string_view text = line;
  const bool json = d_.layout == Layout::JsonLines;
  if (!json && d_.quoting && line.find(d_.quote) != std::string_view::npos &&
      endsInsideQuotes(line, d_.delimiter, d_.quote))
  {
    joined_.assign(line.data(), line.size());
    bool closed = false;
    // A quoted field may hold line breaks; give up after kMaxRecordLines lines or
    // kMaxRecordBytes bytes so a stray quote does not swallow the rest of the file.
    for (int extra = 0; extra < kMaxRecordLines; ++extra)
    {
      std::string_view more;
      if (joined_.size() > kMaxRecordBytes || !readLine(&more))
      {
        break;
      }
      ++lineNo_;
      if (lineTooLong_)
      {
        lineTooLong_ = false;
        break;  // reported as the unterminated quote it is part of
      }
      if (!more.empty() && more.back() == '\r')
      {
        more.remove_suffix(1);
      }
      const size_t from = joined_.size() + 1;  // inside the quoted field, after the new '\n'
      joined_ += '\n';
      joined_.append(more.data(), more.size());
      if (!endsInsideQuotes(joined_, d_.delimiter, d_.quote, from, true))
      {
        closed = true;
        break;
      }
    }
    text = joined_;
    if (!closed)
    {
      rec.raw = text.substr(0, 300);
      rec.error = "unterminated quote starting at line " + std::to_string(rec.line) +
                  " (a quoted field may span at most " + std::to_string(kMaxRecordLines) +
                  " lines and " + std::to_string(kMaxRecordBytes >> 20) + " MiB)";
      return true;
    }
  }

  if (!isAscii(text))
  {
    size_t bad = 0;
    switch (d_.encoding)
    {
      case Encoding::Utf8:
        if (!isValidUtf8(text, &bad))
        {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[bad]));
          rec.raw = text;
          rec.error = std::string("invalid UTF-8 (byte ") + hex + " at column " +
                      std::to_string(bad + 1) + "; is the file latin-1?)";
          return true;
        }
        break;
      case Encoding::Latin1:
        decoded_.clear();
        latin1ToUtf8(text, &decoded_);
        text = decoded_;
        break;
      case Encoding::Auto:
        if (!isValidUtf8(text, &bad))
        {
          decoded_.clear();
          latin1ToUtf8(text, &decoded_);
          text = decoded_;
        }
        break;
    }
  }
  rec.raw = text;
  if (json)
  {
    splitJson(text, rec);
  }
  else
  {
    split(text, rec);
  }
  if (rec.fields.size() > kMaxFields && rec.error.empty())
  {
    rec.error = "more than " + std::to_string(kMaxFields) + " fields (" +
                std::to_string(rec.fields.size()) + "): is the delimiter right?";
    rec.fields.clear();
    rec.raw = rec.raw.substr(0, 300);
  }
  if (!d_.missing.empty() && rec.error.empty())
  {
    blankMissing(rec);
  }
  return true;
}

void RecordReader::splitJson(std::string_view text, Record& rec)
{
  if (keys_.empty())
  {
    return;
  }
  rec.error = extractJsonFields(text, keys_, &jsonValues_, &jsonPresent_);
  if (!rec.error.empty())
  {
    return;
  }
  for (const auto& v : jsonValues_)
  {
    rec.fields.emplace_back(v);
  }
}

void RecordReader::blankMissing(Record& rec) const
{
  for (auto& f : rec.fields)
  {
    std::string_view t = f;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t'))
    {
      t.remove_prefix(1);
    }
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t'))
    {
      t.remove_suffix(1);
    }
    for (const auto& m : d_.missing)
    {
      if (t == m)
      {
        f = std::string_view(f.data(), 0);
        break;
      }
    }
  }
}

void RecordReader::split(std::string_view text, Record& rec)
{
  const std::string_view delim = d_.delimiter;
  if (!d_.quoting || text.find(d_.quote) == std::string_view::npos)
  {
    // Fast path: no quotes, fields are views into the text.
    if (delim.size() == 1)
    {
      const char dc = delim[0];
      size_t start = 0;
      for (;;)
      {
        const void* hit = std::memchr(text.data() + start, dc, text.size() - start);
        if (!hit)
        {
          rec.fields.emplace_back(text.data() + start, text.size() - start);
          return;
        }
        size_t pos = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
        rec.fields.emplace_back(text.data() + start, pos - start);
        start = pos + 1;
      }
    }
    size_t start = 0;
    for (;;)
    {
      size_t pos = text.find(delim, start);
      if (pos == std::string_view::npos)
      {
        rec.fields.push_back(text.substr(start));
        return;
      }
      rec.fields.push_back(text.substr(start, pos - start));
      start = pos + delim.size();
    }
  }
  std::vector<std::string> parts;
  std::string err = splitLine(text, d_, &parts);
  if (!err.empty())
  {
    rec.error = err;
    return;
  }
  for (auto& p : parts)
  {
    unquoted_.push_back(std::move(p));
    rec.fields.emplace_back(unquoted_.back());
  }
}

std::string splitLine(std::string_view s, const Dialect& d, std::vector<std::string>* out)
{
  out->clear();
  const std::string_view delim = d.delimiter;
  size_t i = 0;
  const size_t n = s.size();
  for (;;)
  {
    std::string field;
    if (d.quoting && i < n && s[i] == d.quote)
    {
      ++i;
      bool closed = false;
      while (i < n)
      {
        if (s[i] == d.quote)
        {
          if (i + 1 < n && s[i + 1] == d.quote)
          {
            field += d.quote;
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        field += s[i++];
      }
      if (!closed)
      {
        return "unterminated quoted field";
      }
      // Anything between the closing quote and the delimiter is kept as written.
      size_t next = s.find(delim, i);
      size_t stop = next == std::string_view::npos ? n : next;
      field.append(s.data() + i, stop - i);
      out->push_back(std::move(field));
      if (next == std::string_view::npos)
      {
        return "";
      }
      i = next + delim.size();
      continue;
    }
    size_t next = s.find(delim, i);
    if (next == std::string_view::npos)
    {
      out->emplace_back(s.substr(i));
      return "";
    }
    out->emplace_back(s.substr(i, next - i));
    i = next + delim.size();
  }
}

}  // namespace m6
