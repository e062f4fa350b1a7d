// The embedding map's value (see inspect_views.h): the engine's PCA coordinates of items or
// users, a deterministic sample above the cap, and the colourings (category; users also by each
// categorical or numeric feature).
#include <QLocale>
#include <QObject>
#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/bridge/inspect_views.h"
#include "app/bridge/qt_text.h"
#include "model/core/rng.h"

namespace m6
{

namespace
{

/// A colouring from a user field: categorical and multi (first value) by value, numeric by
/// quartile; other kinds give none (empty name).
MapColouring userFieldColouring(const FieldColumn& f, int64_t users)
{
  MapColouring c;
  c.codes.assign(static_cast<size_t>(users), -1);
  if (f.kind == FieldKind::Categorical || f.kind == FieldKind::Multi)
  {
    c.name = qs(f.name);
    for (const auto& v : f.vocab)
    {
      c.labels << qs(v);
    }
    for (size_t u = 0; u < c.codes.size(); ++u)
    {
      if (f.kind == FieldKind::Categorical && u < f.codes.size())
      {
        c.codes[u] = f.codes[u];
      }
      else if (f.kind == FieldKind::Multi && u + 1 < f.offsets.size() &&
               f.offsets[u + 1] > f.offsets[u])
      {
        c.codes[u] = f.codes[static_cast<size_t>(f.offsets[u])];
      }
    }
  }
  else if (f.kind == FieldKind::Numeric)
  {
    std::vector<double> known;
    for (double v : f.values)
    {
      if (!std::isnan(v))
      {
        known.push_back(v);
      }
    }
    if (known.size() < 4)
    {
      return c;
    }
    std::sort(known.begin(), known.end());
    double edges[5] = {known.front(), 0, 0, 0, known.back()};
    for (int q = 1; q < 4; ++q)
    {
      edges[q] = known[known.size() * static_cast<size_t>(q) / 4];
    }
    c.name = qs(f.name) + QObject::tr(" (quartiles)");
    for (int q = 0; q < 4; ++q)
    {
      c.labels << QStringLiteral("%1–%2").arg(edges[q], 0, 'g', 4).arg(edges[q + 1], 0, 'g', 4);
    }
    for (size_t u = 0; u < c.codes.size() && u < f.values.size(); ++u)
    {
      if (!std::isnan(f.values[u]))
      {
        int q = 0;
        while (q < 3 && f.values[u] >= edges[q + 1])
        {
          ++q;
        }
        c.codes[u] = q;
      }
    }
  }
  return c;
}

}  // namespace

std::vector<int32_t> mapSample(int64_t rows, int maxPoints)
{
  std::vector<int32_t> pick(static_cast<size_t>(rows));
  std::iota(pick.begin(), pick.end(), 0);
  if (maxPoints > 0 && rows > maxPoints)
  {
    // Deterministic: the points whose hashed index is smallest, the same ones every time.
    std::partial_sort(
        pick.begin(), pick.begin() + maxPoints, pick.end(),
        [](int32_t a, int32_t b)
        { return splitMix64(static_cast<uint64_t>(a)) < splitMix64(static_cast<uint64_t>(b)); });
    pick.resize(static_cast<size_t>(maxPoints));
    std::sort(pick.begin(), pick.end());
  }
  return pick;
}

EmbeddingMap embeddingMap(const Embeddings& e, bool items, int maxPoints, const InspectCatalog& c)
{
  const EmbeddingTable& table = items ? e.items : e.users;
  const Projection2D& map = items ? e.itemMap : e.userMap;
  EmbeddingMap m;
  m.items = items;
  // A table of chosen rows (a sample the source computed) stands for every entity.
  const bool chosen = !table.index.empty();
  m.total = chosen ? (items ? c.numItems() : c.numUsers()) : table.rows;
  m.explained[0] = map.explained[0];
  m.explained[1] = map.explained[1];
  m.vectorKind = items ? QObject::tr("item tokens") : qs(e.userVectorKind);
  // Rows of the table to show: all of a chosen table, else a deterministic sample above the cap.
  const std::vector<int32_t> pick =
      mapSample(table.rows, chosen ? static_cast<int>(table.rows) : maxPoints);
  const auto entity = [&](int32_t r) { return chosen ? table.index[static_cast<size_t>(r)] : r; };
  if (static_cast<int64_t>(pick.size()) < m.total)
  {
    m.note =
        QObject::tr("%1 of %2 %3 shown (a deterministic sample, for speed%4)")
            .arg(QLocale().toString(static_cast<qint64>(pick.size())), QLocale().toString(m.total),
                 items ? QObject::tr("items") : QObject::tr("users"),
                 chosen ? QObject::tr("; the PCA is fitted on the sample") : QString());
  }
  MapColouring category;
  category.name =
      items ? (table.categoryField.empty() ? QObject::tr("category") : qs(table.categoryField))
            : QObject::tr("most frequent %1")
                  .arg(table.categoryField.empty() ? QObject::tr("category")
                                                   : qs(table.categoryField));
  for (const auto& n : table.categoryNames)
  {
    category.labels << qs(n);
  }
  std::vector<MapColouring> fields;
  if (!items && c.hasProfiles)
  {
    for (const auto& f : c.data->userFields)
    {
      MapColouring col = userFieldColouring(f, c.numUsers());
      if (!col.name.isEmpty())
      {
        fields.push_back(std::move(col));
      }
    }
  }
  for (int32_t r : pick)
  {
    const auto rr = static_cast<size_t>(r);
    m.index.push_back(entity(r));
    m.x.push_back(map.x[rr]);
    m.y.push_back(map.y[rr]);
    m.ids << (rr < table.ids.size() ? qs(table.ids[rr]) : QString());
    m.titles << (rr < table.titles.size() ? qs(table.titles[rr]) : QString());
    category.codes.push_back(rr < table.categoryCode.size() ? table.categoryCode[rr] : -1);
  }
  m.colourings.push_back(std::move(category));
  for (auto& f : fields)
  {
    MapColouring picked;
    picked.name = f.name;
    picked.labels = f.labels;
    for (int32_t r : pick)
    {
      picked.codes.push_back(f.codes[static_cast<size_t>(entity(r))]);
    }
    m.colourings.push_back(std::move(picked));
  }
  return m;
}

}  // namespace m6
