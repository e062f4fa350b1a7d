// Small text helpers every layer shares (ASCII rules: names, keys and settings, not prose).
//
// Thread affinity: any thread.
#pragma once

#include <cctype>
#include <string>

namespace m6
{

/// `s` without leading and trailing white space (std::isspace).
inline std::string trim(const std::string& s)
{
  size_t a = 0;
  size_t b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a])))
  {
    ++a;
  }
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1])))
  {
    --b;
  }
  return s.substr(a, b - a);
}

/// `s` with the ASCII letters in lower case.
inline std::string lower(std::string s)
{
  for (auto& ch : s)
  {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s;
}

/// `s` as one CSV field: quoted (RFC 4180, quotes doubled) when it holds a comma, a quote or a
/// line break, else as it is.
inline std::string csvField(const std::string& s)
{
  if (s.find_first_of(",\"\n\r") == std::string::npos)
  {
    return s;
  }
  std::string q = "\"";
  for (char c : s)
  {
    if (c == '"')
    {
      q += '"';
    }
    q += c;
  }
  return q + "\"";
}

}  // namespace m6
