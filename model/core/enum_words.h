// Enums with words: each enum of the ground layer that crosses JSON, the command line, SQLite or
// the GUI has one table of (value, word) pairs, declared next to the enum as
// `const std::vector<EnumWord<E>>& enumWords(E)` and found by argument-dependent lookup; these
// templates turn values into words and back. Code compares enums; only those edges see words.
//
// Thread affinity: none; the tables are immutable after their first (thread-safe) construction.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace m6
{

/// One value of an enum and its word ("sampled_softmax").
template <class E>
struct EnumWord
{
  E value;
  const char* word;
};

/// The word of a value: wordOf(Loss::SampledSoftmax) == "sampled_softmax".
template <class E>
std::string wordOf(E value)
{
  for (const auto& w : enumWords(E{}))
  {
    if (w.value == value)
    {
      return w.word;
    }
  }
  return "?";
}

/// The value a word names, or nothing for a word the enum does not have.
template <class E>
std::optional<E> enumFromWord(const std::string& word)
{
  for (const auto& w : enumWords(E{}))
  {
    if (word == w.word)
    {
      return w.value;
    }
  }
  return std::nullopt;
}

/// Every word of the enum, in menu order.
template <class E>
std::vector<std::string> enumWordList()
{
  std::vector<std::string> out;
  for (const auto& w : enumWords(E{}))
  {
    out.emplace_back(w.word);
  }
  return out;
}

}  // namespace m6
