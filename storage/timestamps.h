// Interaction times as the importers read them: the formats a timestamp column may be in, and
// the parser that turns a field into Unix seconds.
//
// Thread affinity: none; pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace m6
{

/// The interaction times an import accepts, Unix seconds: 1900-01-01 up to (not including)
/// 2200-01-01. Outside it a value is nonsense as a date (or milliseconds taken for seconds).
constexpr int64_t kMinTimestamp = -2208988800;
constexpr int64_t kMaxTimestamp = 7258118400;

enum class TimeFormat
{
  Auto,         // Unix seconds, else ISO-8601, else dd-Mon-yyyy, else weekday-month
  Unix,         // seconds since 1970 (integer or decimal)
  UnixMillis,   // milliseconds since 1970 (Amazon 2023, many event logs)
  Iso8601,      // 2024-05-01, 2024-05-01T13:45:00Z, 2024-05-01 13:45:00+02:00
  DayMonYear,   // 01-Jan-1995 (MovieLens 100K release dates)
  WeekdayMonth  // Fri Aug 25 13:55:02 -0700 2017 (Goodreads, Twitter)
};
const char* timeFormatName(TimeFormat f);
bool parseTimeFormat(const std::string& s, TimeFormat* out);

/// Parses a timestamp in the given format (surrounding spaces ignored). Returns false when it
/// cannot.
bool parseTimestamp(std::string_view s, TimeFormat f, int64_t* out);

}  // namespace m6
