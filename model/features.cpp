#include "model/features.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "model/core/dataset_schema.h"
#include "model/text_hash.h"

namespace m6
{

namespace
{

// Multi-valued and text bags are capped so one long text cannot blow up the table width.
constexpr size_t kMaxBagWidth = 64;

std::string moduleSafe(const std::string& prefix, const std::string& name,
                       const std::vector<FeatureColumnData>& existing)
{
  std::string s = prefix;
  for (unsigned char ch : name)
  {
    s += std::isalnum(ch) ? static_cast<char>(std::tolower(ch)) : '_';
  }
  std::string candidate = s;
  for (int n = 2;; ++n)
  {
    bool clash =
        std::any_of(existing.begin(), existing.end(),
                    [&](const FeatureColumnData& c) { return c.spec.moduleName == candidate; });
    if (!clash)
    {
      return candidate;
    }
    candidate = s + "_" + std::to_string(n);
  }
}

[[noreturn]] void badColumn(const char* entity, const FieldColumn& f, const std::string& what)
{
  throw std::invalid_argument(std::string("dataset ") + entity + " field '" + f.name +
                              "': " + what);
}

torch::Tensor bagTensor(const std::vector<std::vector<int64_t>>& bags)
{
  size_t width = 1;
  for (const auto& b : bags)
  {
    width = std::max(width, std::min(b.size(), kMaxBagWidth));
  }
  const int64_t n = static_cast<int64_t>(bags.size());
  torch::Tensor t = torch::zeros({n + 1, static_cast<int64_t>(width)}, torch::kInt64);
  auto acc = t.accessor<int64_t, 2>();
  for (int64_t i = 0; i < n; ++i)
  {
    const auto& b = bags[static_cast<size_t>(i)];
    for (size_t j = 0; j < std::min(b.size(), width); ++j)
    {
      acc[i][static_cast<int64_t>(j)] = b[j];
    }
  }
  return t;
}

torch::Tensor numericTensor(const std::vector<double>& values, bool timestamp)
{
  const int64_t n = static_cast<int64_t>(values.size());
  double sum = 0;
  double sq = 0;
  int64_t count = 0;
  auto present = [timestamp](double v)
  {
    return std::isfinite(v) &&
           !(timestamp && v == static_cast<double>(DatasetSnapshot::kMissingTs));
  };
  for (double v : values)
  {
    if (present(v))
    {
      sum += v;
      ++count;
    }
  }
  double mean = count ? sum / static_cast<double>(count) : 0.0;
  for (double v : values)
  {
    if (present(v))
    {
      sq += (v - mean) * (v - mean);
    }
  }
  double sd = count > 1 ? std::sqrt(sq / static_cast<double>(count - 1)) : 1.0;
  if (!(sd > 0))
  {
    sd = 1.0;
  }
  torch::Tensor t = torch::zeros({n + 1, 2}, torch::kFloat32);
  auto acc = t.accessor<float, 2>();
  for (int64_t i = 0; i < n; ++i)
  {
    double v = values[static_cast<size_t>(i)];
    if (present(v))
    {
      acc[i][0] = static_cast<float>(std::clamp((v - mean) / sd, -5.0, 5.0));
    }
    else
    {
      acc[i][1] = 1.0f;
    }
  }
  acc[n][1] = 1.0f;
  return t;
}

EntityTable buildTable(const char* entity, const char* prefix,
                       const std::vector<FieldColumn>& fields, const std::vector<int>& selected,
                       int64_t rows, const ModelConfig& config)
{
  EntityTable table;
  table.rows = rows;
  const size_t n = static_cast<size_t>(rows);
  for (int index : selected)
  {
    const FieldColumn& f = fields[static_cast<size_t>(index)];
    FeatureColumnData col;
    col.spec.name = f.name;
    col.spec.fieldKind = f.kind;
    col.spec.moduleName = moduleSafe(prefix, f.name, table.columns);
    switch (f.kind)
    {
      case FieldKind::Categorical:
      {
        if (f.codes.size() != n)
        {
          badColumn(entity, f, "expected " + std::to_string(n) + " codes");
        }
        col.spec.kind = ColumnKind::Categorical;
        col.spec.cardinality = static_cast<int64_t>(f.vocab.size()) + 1;
        col.data = torch::zeros({rows + 1}, torch::kInt64);
        auto acc = col.data.accessor<int64_t, 1>();
        for (size_t i = 0; i < n; ++i)
        {
          int32_t c = f.codes[i];
          acc[static_cast<int64_t>(i)] =
              c >= 0 && static_cast<size_t>(c) < f.vocab.size() ? c + 1 : 0;
        }
        break;
      }
      case FieldKind::Multi:
      {
        if (f.offsets.size() != n + 1)
        {
          badColumn(entity, f, "expected " + std::to_string(n + 1) + " offsets");
        }
        col.spec.kind = ColumnKind::Bag;
        col.spec.cardinality = static_cast<int64_t>(f.vocab.size()) + 1;
        std::vector<std::vector<int64_t>> bags(n);
        for (size_t i = 0; i < n; ++i)
        {
          for (int64_t j = f.offsets[i]; j < f.offsets[i + 1]; ++j)
          {
            if (j < 0 || static_cast<size_t>(j) >= f.codes.size())
            {
              badColumn(entity, f, "offsets point outside the codes");
            }
            int32_t c = f.codes[static_cast<size_t>(j)];
            if (c >= 0 && static_cast<size_t>(c) < f.vocab.size())
            {
              bags[i].push_back(c + 1);
            }
          }
        }
        col.data = bagTensor(bags);
        break;
      }
      case FieldKind::Text:
      {
        if (f.texts.size() != n)
        {
          badColumn(entity, f, "expected " + std::to_string(n) + " texts");
        }
        col.spec.kind = ColumnKind::Bag;
        col.spec.cardinality = static_cast<int64_t>(config.textBuckets) + 1;
        std::vector<std::vector<int64_t>> bags(n);
        for (size_t i = 0; i < n; ++i)
        {
          bags[i] = hashTextNgrams(f.texts[i], config.textBuckets, config.textWordNgrams,
                                   config.textCharNgrams, kMaxBagWidth);
        }
        col.data = bagTensor(bags);
        break;
      }
      case FieldKind::Numeric:
      case FieldKind::Timestamp:
      {
        if (f.values.size() != n)
        {
          badColumn(entity, f, "expected " + std::to_string(n) + " values");
        }
        col.spec.kind = ColumnKind::Numeric;
        col.data = numericTensor(f.values, f.kind == FieldKind::Timestamp);
        break;
      }
    }
    table.columns.push_back(std::move(col));
  }
  return table;
}

void addTimeColumn(EntityTable& table, const char* name, const char* module, int64_t card,
                   const std::vector<uint8_t>& values)
{
  FeatureColumnData col;
  col.spec.name = name;
  col.spec.moduleName = module;
  col.spec.kind = ColumnKind::Categorical;
  col.spec.cardinality = card;
  col.data = torch::zeros({static_cast<int64_t>(values.size()) + 1}, torch::kUInt8);
  std::copy(values.begin(), values.end(), col.data.data_ptr<uint8_t>());
  table.columns.push_back(std::move(col));
}

}  // namespace

std::vector<int32_t> itemCategories(const DatasetSnapshot& s)
{
  return itemCategoryField(s).codes;
}

ItemCategoryField itemCategoryField(const DatasetSnapshot& s)
{
  const FieldColumn* best = nullptr;
  for (int pass = 0; pass < 3 && !best; ++pass)
  {
    for (const auto& f : s.itemFields)
    {
      std::string name = f.name;
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      bool named = name == "category" || name == "genre";
      if ((pass == 0 && f.kind == FieldKind::Categorical && named) ||
          (pass == 1 && f.kind == FieldKind::Categorical) ||
          (pass == 2 && f.kind == FieldKind::Multi))
      {
        best = &f;
        break;
      }
    }
  }
  ItemCategoryField out;
  std::vector<int32_t>& cat = out.codes;
  cat.assign(static_cast<size_t>(s.numItems()), -1);
  if (!best)
  {
    return out;
  }
  out.name = best->name;
  out.vocab = best->vocab;
  for (size_t i = 0; i < cat.size(); ++i)
  {
    if (best->kind == FieldKind::Categorical && i < best->codes.size())
    {
      cat[i] = best->codes[i];
    }
    else if (best->kind == FieldKind::Multi && i + 1 < best->offsets.size() &&
             best->offsets[i + 1] > best->offsets[i])
    {
      cat[i] = best->codes[static_cast<size_t>(best->offsets[i])];
    }
  }
  return out;
}

std::vector<ColumnSpec> EntityTable::specs() const
{
  std::vector<ColumnSpec> out;
  for (const auto& c : columns)
  {
    out.push_back(c.spec);
  }
  return out;
}

namespace
{

/// Codes stored in one byte (the time columns) as the int64 indices the encoders take.
torch::Tensor widened(const torch::Tensor& x)
{
  return x.scalar_type() == torch::kUInt8 ? x.to(torch::kInt64) : x;
}

}  // namespace

std::vector<torch::Tensor> EntityTable::gather(const torch::Tensor& index) const
{
  std::vector<torch::Tensor> out;
  for (const auto& c : columns)
  {
    out.push_back(widened(c.data.index_select(0, index)));
  }
  return out;
}

std::vector<torch::Tensor> EntityTable::all() const
{
  std::vector<torch::Tensor> out;
  for (const auto& c : columns)
  {
    out.push_back(widened(c.data.narrow(0, 0, rows)));
  }
  return out;
}

int64_t recencyBucket(int64_t gap)
{
  static const int64_t kBounds[kRecencyBuckets - 1] = {
      60,         3600,       6 * 3600,   86400,       2 * 86400,  7 * 86400,
      14 * 86400, 30 * 86400, 90 * 86400, 180 * 86400, 365 * 86400};
  for (int64_t b = 0; b < kRecencyBuckets - 1; ++b)
  {
    if (gap < kBounds[b])
    {
      return b + 1;
    }
  }
  return kRecencyBuckets;
}

int hourOfDay(int64_t t)
{
  int64_t s = t % 86400;
  if (s < 0)
  {
    s += 86400;
  }
  return static_cast<int>(s / 3600);
}

int dayOfWeek(int64_t t)
{
  int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t w = (day + 4) % 7;  // 1970-01-01 was a Thursday
  return static_cast<int>(w < 0 ? w + 7 : w);
}

void addPopularityPrior(EntityTable& items, const DatasetSnapshot& s, const Split& split,
                        const std::vector<uint8_t>& coldItems)
{
  std::vector<double> counts(static_cast<size_t>(s.numItems()), 0.0);
  for (size_t n = 0; n < s.item.size(); ++n)
  {
    const auto i = static_cast<size_t>(s.item[n]);
    if (split.part[n] == SplitPart::Train && !(i < coldItems.size() && coldItems[i]))
    {
      counts[i] += 1;
    }
  }
  for (double& c : counts)
  {
    c = std::log1p(c);
  }
  FeatureColumnData col;
  col.spec.name = "@popularity";
  col.spec.moduleName = "prior_popularity";
  col.spec.kind = ColumnKind::Numeric;
  col.spec.fieldKind = FieldKind::Numeric;
  col.data = numericTensor(counts, false);
  items.columns.push_back(std::move(col));
}

FeatureTables buildFeatures(const DatasetSnapshot& s, const ModelConfig& config)
{
  DatasetSchema schema = DatasetSchema::fromSnapshot(s);
  FeatureTables ft;
  ft.hasTimestamps = schema.hasTimestamps;
  ft.users = buildTable("user", "f_", s.userFields,
                        selectedFields(config, schema, FieldEntity::User), s.numUsers(), config);
  ft.items = buildTable("item", "f_", s.itemFields,
                        selectedFields(config, schema, FieldEntity::Item), s.numItems(), config);
  ft.context = buildTable("interaction", "f_", s.contextFields,
                          selectedFields(config, schema, FieldEntity::Interaction),
                          s.numInteractions(), config);
  if (schema.hasTimestamps && config.timeContext)
  {
    const size_t n = static_cast<size_t>(s.numInteractions());
    // One byte per interaction and column (codes below 256): at 25M interactions the three
    // columns take 75 MB instead of 600 (gather() widens the rows a batch takes).
    std::vector<uint8_t> hour(n, 0);
    std::vector<uint8_t> weekday(n, 0);
    std::vector<uint8_t> recency(n, 0);
    for (size_t i = 0; i < n; ++i)
    {
      int64_t t = s.ts[i];
      if (t == DatasetSnapshot::kMissingTs)
      {
        continue;
      }
      hour[i] = static_cast<uint8_t>(hourOfDay(t) + 1);
      weekday[i] = static_cast<uint8_t>(dayOfWeek(t) + 1);
    }
    // Recency: the gap to the user's previous interaction in time. A snapshot is in time order
    // within each user, except the copy a random split reorders (split.h): there each user's
    // interactions are visited in time order through a sorted index.
    std::vector<int64_t> order;
    for (int64_t u = 0; u < s.numUsers(); ++u)
    {
      const int64_t a = s.userStart[static_cast<size_t>(u)];
      const int64_t b = s.userStart[static_cast<size_t>(u) + 1];
      order.resize(static_cast<size_t>(b - a));
      std::iota(order.begin(), order.end(), a);
      if (!std::is_sorted(s.ts.begin() + a, s.ts.begin() + b))
      {
        std::stable_sort(order.begin(), order.end(),
                         [&](int64_t x, int64_t y)
                         { return s.ts[static_cast<size_t>(x)] < s.ts[static_cast<size_t>(y)]; });
      }
      for (size_t j = 1; j < order.size(); ++j)
      {
        const int64_t t = s.ts[static_cast<size_t>(order[j])];
        const int64_t before = s.ts[static_cast<size_t>(order[j - 1])];
        if (t != DatasetSnapshot::kMissingTs && before != DatasetSnapshot::kMissingTs)
        {
          recency[static_cast<size_t>(order[j])] = static_cast<uint8_t>(recencyBucket(t - before));
        }
      }
    }
    ft.hourColumn = static_cast<int>(ft.context.columns.size());
    addTimeColumn(ft.context, "@hour", "time_hour", 25, hour);
    ft.weekdayColumn = static_cast<int>(ft.context.columns.size());
    addTimeColumn(ft.context, "@weekday", "time_weekday", 8, weekday);
    addTimeColumn(ft.context, "@recency", "time_recency", kRecencyBuckets + 1, recency);
  }
  ft.itemCategory = itemCategories(s);
  return ft;
}

}  // namespace m6
