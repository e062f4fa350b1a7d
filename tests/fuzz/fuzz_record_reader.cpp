// libFuzzer harness: the record reader (storage/text_reader.h) in every dialect. The first byte
// picks the dialect (delimiter, quoting, header, encoding, delimited or JSON lines); the rest is
// the file, which may itself be gzip-compressed (the reader detects that by its magic bytes).
#include <string>
#include <vector>

#include "fuzz_input.h"
#include "storage/text_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  if (size < 1)
  {
    return 0;
  }
  const uint8_t pick = data[0];
  static const char* const kDelimiters[] = {",", ";", "\t", "|", "::"};
  m6::Dialect d;
  d.delimiter = kDelimiters[pick % 5];
  d.quoting = (pick & 8) != 0;
  d.header = (pick & 16) != 0;
  d.encoding = (pick >> 5) % 3 == 0   ? m6::Encoding::Utf8
               : (pick >> 5) % 3 == 1 ? m6::Encoding::Latin1
                                      : m6::Encoding::Auto;
  d.layout = (pick & 128) ? m6::Layout::JsonLines : m6::Layout::Delimited;
  d.missing = {"?", "NA", "\\N"};
  const std::string path = m6fuzz::writeInput("records", data + 1, size - 1);
  m6::RecordReader reader;
  if (!reader.open(path, d))
  {
    return 0;
  }
  if (d.layout == m6::Layout::JsonLines)
  {
    reader.setKeys({{"user"}, {"item.id"}, {"tags", ","}});
  }
  size_t bytes = 0;
  try
  {
    m6::Record rec;
    while (reader.next(rec))
    {
      for (std::string_view f : rec.fields)
      {
        bytes += f.size();
      }
      bytes += rec.error.size() + rec.raw.size();
    }
  }
  catch (const std::runtime_error&)
  {
    // a read error of the file itself (a damaged gzip stream): reported, not a crash
  }
  std::vector<std::string> fields;
  const std::string first(reinterpret_cast<const char*>(data + 1),
                          std::min<size_t>(size - 1, 4096));
  m6::splitLine(first.substr(0, first.find('\n')), d, &fields);
  return bytes == size_t(-1);  // keeps the loop from being optimised away
}
