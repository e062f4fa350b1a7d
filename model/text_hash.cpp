#include "model/text_hash.h"

#include <cctype>

namespace m6
{

namespace
{

uint64_t fnv1a(const std::string& s, uint64_t seed)
{
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char ch : s)
  {
    h ^= ch;
    h *= 0x100000001b3ULL;
  }
  return h;
}

bool isWordByte(unsigned char ch)
{
  return ch >= 0x80 || std::isalnum(ch);
}

}  // namespace

std::vector<int64_t> hashTextNgrams(const std::string& text, int buckets, int wordNgrams,
                                    int charNgrams, size_t maxGrams)
{
  std::vector<std::string> words;
  std::string cur;
  for (unsigned char ch : text)
  {
    if (isWordByte(ch))
    {
      cur += static_cast<char>(ch < 0x80 ? std::tolower(ch) : ch);
    }
    else if (!cur.empty())
    {
      words.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty())
  {
    words.push_back(cur);
  }
  std::vector<int64_t> out;
  auto emit = [&](const std::string& gram, uint64_t kind)
  {
    if (out.size() < maxGrams)
    {
      out.push_back(static_cast<int64_t>(fnv1a(gram, kind) % static_cast<uint64_t>(buckets)) + 1);
    }
  };
  for (int n = 1; n <= wordNgrams; ++n)
  {
    for (size_t i = 0; i + static_cast<size_t>(n) <= words.size(); ++i)
    {
      std::string gram = words[i];
      for (int j = 1; j < n; ++j)
      {
        gram += ' ' + words[i + static_cast<size_t>(j)];
      }
      emit(gram, static_cast<uint64_t>(n));
    }
  }
  if (charNgrams > 0)
  {
    for (const auto& w : words)
    {
      std::string marked = "<" + w + ">";
      size_t c = static_cast<size_t>(charNgrams);
      if (marked.size() <= c)
      {
        emit(marked, 100);
        continue;
      }
      for (size_t i = 0; i + c <= marked.size(); ++i)
      {
        emit(marked.substr(i, c), 100);
      }
    }
  }
  return out;
}

}  // namespace m6
