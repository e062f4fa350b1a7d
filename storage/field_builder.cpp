// The importer's building blocks: see field_builder.h.
#include "storage/field_builder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace m6::import_detail
{

std::string_view trim(std::string_view s)
{
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
  {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
  {
    s.remove_suffix(1);
  }
  return s;
}

std::string quoted(std::string_view s)
{
  std::string v(s.substr(0, 60));
  if (s.size() > 60)
  {
    v += "...";
  }
  return "'" + v + "'";
}

bool parseNumber(std::string_view s, double* out)
{
  s = trim(s);
  if (!s.empty() && s.front() == '+')
  {
    s.remove_prefix(1);
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size() && std::isfinite(*out);
}

std::string FieldBuilder::parse(const Record& rec)
{
  pendingMulti_.clear();
  pendingText_.clear();
  pendingNumber_ = std::nan("");
  pendingCode_ = -1;
  if (!flagIndex_.empty())
  {
    for (size_t k = 0; k < flagIndex_.size(); ++k)
    {
      std::string_view v = trim(rec.fields[static_cast<size_t>(flagIndex_[k])]);
      if (v == "1")
      {
        pendingMulti_.push_back(vocab_.add(spec_.flagNames[k]));
      }
      else if (v != "0" && !v.empty())
      {
        return spec_.name + " flag " + quoted(v) + " is not 0 or 1";
      }
    }
    return "";
  }
  std::string_view v = trim(rec.fields[static_cast<size_t>(column_)]);
  switch (spec_.kind)
  {
    case FieldKind::Categorical:
      if (!v.empty())
      {
        pendingCode_ = vocab_.add(v);
      }
      break;
    case FieldKind::Multi:
    {
      size_t start = 0;
      const std::string& sep = spec_.separator;
      while (start <= v.size())
      {
        size_t pos = v.find(sep, start);
        std::string_view part = trim(
            v.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
        // MovieLens writes "(no genres listed)" for an empty set.
        if (!part.empty() && part != "(no genres listed)")
        {
          int32_t code = vocab_.add(part);
          if (std::find(pendingMulti_.begin(), pendingMulti_.end(), code) == pendingMulti_.end())
          {
            pendingMulti_.push_back(code);
          }
        }
        if (pos == std::string_view::npos)
        {
          break;
        }
        start = pos + sep.size();
      }
      break;
    }
    case FieldKind::Numeric:
      if (!v.empty() && !parseNumber(v, &pendingNumber_))
      {
        return spec_.name + " " + quoted(v) + " is not a number";
      }
      break;
    case FieldKind::Timestamp:
      if (!v.empty())
      {
        int64_t t = 0;
        if (!parseTimestamp(v, spec_.timeFormat, &t))
        {
          return spec_.name + " " + quoted(v) + " is not a date (" +
                 timeFormatName(spec_.timeFormat) + ")";
        }
        pendingNumber_ = static_cast<double>(t);
      }
      break;
    case FieldKind::Text:
      pendingText_.assign(v.data(), v.size());
      break;
  }
  return "";
}

void FieldBuilder::commit(int64_t e)
{
  auto k = static_cast<size_t>(e);
  switch (spec_.kind)
  {
    case FieldKind::Categorical:
      if (codes_.size() <= k)
      {
        codes_.resize(k + 1, -1);
      }
      codes_[k] = pendingCode_;
      break;
    case FieldKind::Multi:
      if (lists_.size() <= k)
      {
        lists_.resize(k + 1);
      }
      lists_[k] = pendingMulti_;
      break;
    case FieldKind::Numeric:
    case FieldKind::Timestamp:
      if (numbers_.size() <= k)
      {
        numbers_.resize(k + 1, std::nan(""));
      }
      numbers_[k] = pendingNumber_;
      break;
    case FieldKind::Text:
      if (texts_.size() <= k)
      {
        texts_.resize(k + 1);
      }
      texts_[k] = pendingText_;
      break;
  }
}

void FieldBuilder::appendValue(int64_t e, std::string_view v)
{
  v = trim(v);
  if (v.empty())
  {
    return;
  }
  auto k = static_cast<size_t>(e);
  if (lists_.size() <= k)
  {
    lists_.resize(k + 1);
  }
  int32_t code = vocab_.add(v);
  if (std::find(lists_[k].begin(), lists_[k].end(), code) == lists_[k].end())
  {
    lists_[k].push_back(code);
  }
}

FieldColumn FieldBuilder::finish(int64_t n, const std::vector<int32_t>& order)
{
  FieldColumn col;
  col.name = spec_.name;
  col.kind = spec_.kind;
  // Vocabulary sorted alphabetically so codes are stable and lists read well.
  std::vector<int32_t> sortedVocab(static_cast<size_t>(vocab_.size()));
  std::iota(sortedVocab.begin(), sortedVocab.end(), 0);
  std::sort(sortedVocab.begin(), sortedVocab.end(),
            [&](int32_t a, int32_t b) { return vocab_.at(a) < vocab_.at(b); });
  std::vector<int32_t> code(sortedVocab.size());
  for (size_t r = 0; r < sortedVocab.size(); ++r)
  {
    code[static_cast<size_t>(sortedVocab[r])] = static_cast<int32_t>(r);
    col.vocab.push_back(vocab_.at(sortedVocab[r]));
  }
  auto source = [&](int64_t i) -> size_t
  { return static_cast<size_t>(order.empty() ? i : order[static_cast<size_t>(i)]); };
  switch (spec_.kind)
  {
    case FieldKind::Categorical:
      col.codes.assign(static_cast<size_t>(n), -1);
      for (int64_t i = 0; i < n; ++i)
      {
        size_t s = source(i);
        if (s < codes_.size() && codes_[s] >= 0)
        {
          col.codes[static_cast<size_t>(i)] = code[static_cast<size_t>(codes_[s])];
        }
      }
      break;
    case FieldKind::Multi:
      col.offsets.push_back(0);
      for (int64_t i = 0; i < n; ++i)
      {
        size_t s = source(i);
        if (s < lists_.size())
        {
          for (int32_t c : lists_[s])
          {
            col.codes.push_back(code[static_cast<size_t>(c)]);
          }
        }
        col.offsets.push_back(static_cast<int64_t>(col.codes.size()));
      }
      break;
    case FieldKind::Numeric:
    case FieldKind::Timestamp:
      col.values.assign(static_cast<size_t>(n), std::nan(""));
      for (int64_t i = 0; i < n; ++i)
      {
        size_t s = source(i);
        if (s < numbers_.size())
        {
          col.values[static_cast<size_t>(i)] = numbers_[s];
        }
      }
      break;
    case FieldKind::Text:
      col.texts.assign(static_cast<size_t>(n), std::string());
      for (int64_t i = 0; i < n; ++i)
      {
        size_t s = source(i);
        if (s < texts_.size())
        {
          col.texts[static_cast<size_t>(i)] = std::move(texts_[s]);
        }
      }
      break;
  }
  return col;
}

std::vector<int32_t> naturalOrder(const Interner& ids)
{
  const int32_t n = ids.size();
  std::vector<int32_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::vector<int64_t> num(static_cast<size_t>(n));
  bool numeric = true;
  for (int32_t i = 0; i < n && numeric; ++i)
  {
    const std::string& s = ids.at(i);
    auto r = std::from_chars(s.data(), s.data() + s.size(), num[static_cast<size_t>(i)]);
    numeric = r.ec == std::errc() && r.ptr == s.data() + s.size();
  }
  if (numeric)
  {
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b)
              { return num[static_cast<size_t>(a)] < num[static_cast<size_t>(b)]; });
  }
  else
  {
    std::sort(order.begin(), order.end(),
              [&](int32_t a, int32_t b) { return ids.at(a) < ids.at(b); });
  }
  return order;
}

}  // namespace m6::import_detail
