#include "storage/timestamps.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include "storage/stats.h"

namespace m6
{

namespace
{

bool digits(std::string_view s, size_t pos, size_t n, int* out)
{
  if (pos + n > s.size())
  {
    return false;
  }
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i)
  {
    if (s[i] < '0' || s[i] > '9')
    {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool parseUnix(std::string_view s, int64_t* out)
{
  if (s.empty())
  {
    return false;
  }
  int64_t iv = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), iv);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size())
  {
    *out = iv;
    return true;
  }
  double dv = 0;
  auto rd = std::from_chars(s.data(), s.data() + s.size(), dv);
  if (rd.ec == std::errc() && rd.ptr == s.data() + s.size() && std::isfinite(dv) &&
      std::fabs(dv) < 1e15)
  {
    *out = static_cast<int64_t>(std::floor(dv));
    return true;
  }
  return false;
}

bool parseIso(std::string_view s, int64_t* out)
{
  int y, mo, d;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &mo) ||
      s[7] != '-' || !digits(s, 8, 2, &d))
  {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31)
  {
    return false;
  }
  int h = 0, mi = 0, sec = 0;
  size_t p = 10;
  if (p < s.size() && (s[p] == 'T' || s[p] == ' '))
  {
    if (!digits(s, p + 1, 2, &h) || p + 3 >= s.size() || s[p + 3] != ':' ||
        !digits(s, p + 4, 2, &mi))
    {
      return false;
    }
    p += 6;
    if (p < s.size() && s[p] == ':')
    {
      if (!digits(s, p + 1, 2, &sec))
      {
        return false;
      }
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ','))
      {
        ++p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9')
        {
          ++p;
        }
      }
    }
    if (h > 23 || mi > 59 || sec > 60)
    {
      return false;
    }
  }
  int64_t offset = 0;
  if (p < s.size())
  {
    if (s[p] == 'Z' && p + 1 == s.size())
    {
      p += 1;
    }
    else if (s[p] == '+' || s[p] == '-')
    {
      int oh = 0, om = 0;
      if (!digits(s, p + 1, 2, &oh))
      {
        return false;
      }
      size_t q = p + 3;
      if (q < s.size() && s[q] == ':')
      {
        ++q;
      }
      if (q < s.size())
      {
        if (!digits(s, q, 2, &om))
        {
          return false;
        }
        q += 2;
      }
      if (q != s.size())
      {
        return false;
      }
      offset = (s[p] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
      p = q;
    }
    else
    {
      return false;
    }
  }
  if (p != s.size())
  {
    return false;
  }
  *out = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + sec - offset;
  return true;
}

bool parseDayMonYear(std::string_view s, int64_t* out)
{
  // 01-Jan-1995
  static const char* months[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  size_t a = s.find('-');
  size_t b = a == std::string_view::npos ? a : s.find('-', a + 1);
  if (b == std::string_view::npos || a == 0 || a > 2 || b - a != 4)
  {
    return false;
  }
  int d = 0, y = 0;
  if (!digits(s, 0, a, &d) || s.size() - b - 1 != 4 || !digits(s, b + 1, 4, &y))
  {
    return false;
  }
  char mon[4] = {0};
  for (int i = 0; i < 3; ++i)
  {
    mon[i] = static_cast<char>(
        std::tolower(static_cast<unsigned char>(s[a + 1 + static_cast<size_t>(i)])));
  }
  for (unsigned m = 0; m < 12; ++m)
  {
    if (std::strcmp(mon, months[m]) == 0)
    {
      if (d < 1 || d > 31)
      {
        return false;
      }
      *out = daysFromCivil(y, m + 1, static_cast<unsigned>(d)) * 86400;
      return true;
    }
  }
  return false;
}

int monthOf(std::string_view name)
{
  static const char* months[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() != 3)
  {
    return 0;
  }
  for (int m = 0; m < 12; ++m)
  {
    bool same = true;
    for (size_t i = 0; i < 3; ++i)
    {
      same = same && std::tolower(static_cast<unsigned char>(name[i])) == months[m][i];
    }
    if (same)
    {
      return m + 1;
    }
  }
  return 0;
}

// "Fri Aug 25 13:55:02 -0700 2017" (Goodreads, Twitter: C's asctime with a UTC offset); the
// offset may be absent ("Fri Aug 25 13:55:02 2017", UTC).
bool parseWeekdayMonth(std::string_view s, int64_t* out)
{
  std::vector<std::string_view> parts;
  size_t at = 0;
  while (at < s.size())
  {
    const size_t end = std::min(s.find(' ', at), s.size());
    if (end > at)
    {
      parts.push_back(s.substr(at, end - at));
    }
    at = end + 1;
  }
  if (parts.size() != 5 && parts.size() != 6)
  {
    return false;
  }
  const int month = monthOf(parts[1]);
  int d = 0, h = 0, mi = 0, sec = 0, y = 0;
  const std::string_view clock = parts[3];
  const std::string_view year = parts.back();
  if (parts[0].size() != 3 || month == 0 || parts[2].empty() || parts[2].size() > 2 ||
      !digits(parts[2], 0, parts[2].size(), &d) || d < 1 || d > 31 || clock.size() != 8 ||
      clock[2] != ':' || clock[5] != ':' || !digits(clock, 0, 2, &h) || !digits(clock, 3, 2, &mi) ||
      !digits(clock, 6, 2, &sec) || h > 23 || mi > 59 || sec > 60 || year.size() != 4 ||
      !digits(year, 0, 4, &y))
  {
    return false;
  }
  int64_t offset = 0;
  if (parts.size() == 6)
  {
    const std::string_view z = parts[4];
    int oh = 0, om = 0;
    if (z.size() != 5 || (z[0] != '+' && z[0] != '-') || !digits(z, 1, 2, &oh) ||
        !digits(z, 3, 2, &om))
    {
      return false;
    }
    offset = (z[0] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  *out = daysFromCivil(y, static_cast<unsigned>(month), static_cast<unsigned>(d)) * 86400 +
         h * 3600 + mi * 60 + sec - offset;
  return true;
}

}  // namespace

const char* timeFormatName(TimeFormat f)
{
  switch (f)
  {
    case TimeFormat::Auto:
      return "auto";
    case TimeFormat::Unix:
      return "unix";
    case TimeFormat::UnixMillis:
      return "unix-ms";
    case TimeFormat::Iso8601:
      return "iso8601";
    case TimeFormat::DayMonYear:
      return "dd-mon-yyyy";
    case TimeFormat::WeekdayMonth:
      return "weekday-month";
  }
  return "?";
}

bool parseTimeFormat(const std::string& s, TimeFormat* out)
{
  if (s == "auto")
  {
    *out = TimeFormat::Auto;
  }
  else if (s == "unix" || s == "unix-seconds" || s == "seconds")
  {
    *out = TimeFormat::Unix;
  }
  else if (s == "unix-ms" || s == "unix-milliseconds" || s == "milliseconds")
  {
    *out = TimeFormat::UnixMillis;
  }
  else if (s == "iso8601" || s == "iso-8601" || s == "iso")
  {
    *out = TimeFormat::Iso8601;
  }
  else if (s == "dd-mon-yyyy")
  {
    *out = TimeFormat::DayMonYear;
  }
  else if (s == "weekday-month")
  {
    *out = TimeFormat::WeekdayMonth;
  }
  else
  {
    return false;
  }
  return true;
}

bool parseTimestamp(std::string_view s, TimeFormat f, int64_t* out)
{
  while (!s.empty() && s.front() == ' ')
  {
    s.remove_prefix(1);
  }
  while (!s.empty() && s.back() == ' ')
  {
    s.remove_suffix(1);
  }
  switch (f)
  {
    case TimeFormat::Unix:
      return parseUnix(s, out);
    case TimeFormat::UnixMillis:
    {
      int64_t ms = 0;
      if (!parseUnix(s, &ms))
      {
        return false;
      }
      // Floor division: -1 ms is the second before the epoch.
      *out = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
      return true;
    }
    case TimeFormat::Iso8601:
      return parseIso(s, out);
    case TimeFormat::DayMonYear:
      return parseDayMonYear(s, out);
    case TimeFormat::WeekdayMonth:
      return parseWeekdayMonth(s, out);
    case TimeFormat::Auto:
      return parseUnix(s, out) || parseIso(s, out) || parseDayMonYear(s, out) ||
             parseWeekdayMonth(s, out);
  }
  return false;
}

}  // namespace m6
