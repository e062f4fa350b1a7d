#include "app/bridge/inspect_views.h"

#include <QDateTime>
#include <QObject>
#include <QTimeZone>
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "app/bridge/qt_text.h"
#include "model/core/ranking_protocol.h"

namespace m6
{

namespace
{

QString vocabValue(const FieldColumn& f, int32_t code)
{
  return code >= 0 && static_cast<size_t>(code) < f.vocab.size()
             ? qs(f.vocab[static_cast<size_t>(code)])
             : QString();
}

/// The value of a user field for display ("" when missing).
QString fieldText(const FieldColumn& f, size_t u)
{
  switch (f.kind)
  {
    case FieldKind::Categorical:
      return u < f.codes.size() ? vocabValue(f, f.codes[u]) : QString();
    case FieldKind::Multi:
    {
      QStringList values;
      if (u + 1 < f.offsets.size())
      {
        for (int64_t j = f.offsets[u]; j < f.offsets[u + 1]; ++j)
        {
          values << vocabValue(f, f.codes[static_cast<size_t>(j)]);
        }
      }
      return values.join(QStringLiteral(", "));
    }
    case FieldKind::Numeric:
      return u < f.values.size() && !std::isnan(f.values[u]) ? QString::number(f.values[u], 'g', 6)
                                                             : QString();
    case FieldKind::Timestamp:
      return u < f.values.size() && !std::isnan(f.values[u])
                 ? formatTime(static_cast<int64_t>(f.values[u]))
                 : QString();
    case FieldKind::Text:
      return u < f.texts.size() ? qs(f.texts[u]) : QString();
  }
  return QString();
}

QString itemTitle(const DatasetSnapshot& d, int32_t item)
{
  return static_cast<size_t>(item) < d.itemTitles.size()
             ? qs(d.itemTitles[static_cast<size_t>(item)])
             : QString();
}

}  // namespace

UserProfile buildProfile(const InspectCatalog& c, int32_t user)
{
  const DatasetSnapshot& d = *c.data;
  if (user < 0 || user >= d.numUsers())
  {
    throw std::out_of_range("no user with index " + std::to_string(user) + " (the dataset has " +
                            std::to_string(d.numUsers()) + " users)");
  }
  const auto u = static_cast<size_t>(user);
  UserProfile p;
  p.user = user;
  p.userId = qs(d.userIds[u]);
  for (const auto& f : d.userFields)
  {
    const QString v = fieldText(f, u);
    p.features.emplace_back(qs(f.name), v.isEmpty() ? QStringLiteral("–") : v);
  }
  p.trainCount = c.trainCount(user);
  const int64_t windowStart = std::max(d.userStart[u], c.split.trainEnd[u] - c.historyLength);
  for (int64_t n = d.userStart[u]; n < d.userStart[u + 1]; ++n)
  {
    const auto nn = static_cast<size_t>(n);
    HistoryEntry h;
    h.item = d.item[nn];
    h.itemId = qs(d.itemIds[static_cast<size_t>(h.item)]);
    h.title = itemTitle(d, h.item);
    h.category = qs(c.itemLabel(h.item));
    if (d.hasRatings())
    {
      h.rating = d.rating[nn];
    }
    if (d.hasTimestamps())
    {
      h.time = d.ts[nn];
    }
    h.part = n < c.split.trainEnd[u]   ? QStringLiteral("train")
             : n < c.split.validEnd[u] ? QStringLiteral("valid")
                                       : QStringLiteral("test");
    h.inWindow = n >= windowStart && n < c.split.trainEnd[u];
    p.history.push_back(h);
  }
  if (c.split.validIndex[u] >= 0)
  {
    p.validItem = d.item[static_cast<size_t>(c.split.validIndex[u])];
  }
  if (c.split.testIndex[u] >= 0)
  {
    p.testItem = d.item[static_cast<size_t>(c.split.testIndex[u])];
  }
  if (p.trainCount == 0)
  {
    p.message = QObject::tr(
                    "User %1 has no training interactions: the model sees no history, so "
                    "the recommendations rest on the user's features and the context "
                    "alone.")
                    .arg(p.userId);
  }
  else if (p.testItem < 0 && c.hasProfiles)
  {
    p.message =
        QObject::tr(
            "User %1 has no held-out interaction under this split (%2): all of them "
            "are training, so there is nothing to check the recommendations against.")
            .arg(p.userId, c.split.name.empty() ? QObject::tr("leave-one-out needs 3 interactions")
                                                : qs(c.split.name));
  }
  else if (p.testItem >= 0)
  {
    // A repeat: the test item is also a training item, so the top K (which leaves training
    // items out) can never show it, while the recorded rank counts it.
    for (int64_t n = d.userStart[u]; n < c.split.trainEnd[u]; ++n)
    {
      if (d.item[static_cast<size_t>(n)] == p.testItem)
      {
        p.message = QObject::tr(
                        "User %1's test item is also in their training history: the top K "
                        "leaves training items out, so it cannot appear there, although the "
                        "recorded rank of the test item counts it.")
                        .arg(p.userId);
        break;
      }
    }
  }
  return p;
}

std::vector<RecommendationRow> recommendationRows(const InspectCatalog& c, int32_t user,
                                                  const std::vector<Recommendation>& recs)
{
  const DatasetSnapshot& d = *c.data;
  std::vector<RecommendationRow> rows;
  for (size_t r = 0; r < recs.size(); ++r)
  {
    RecommendationRow row;
    row.rank = static_cast<int>(r) + 1;
    row.item = recs[r].item;
    row.itemId = qs(d.itemIds[static_cast<size_t>(row.item)]);
    row.title = itemTitle(d, row.item);
    row.category = qs(c.itemLabel(row.item));
    row.score = recs[r].score;
    row.popularity = c.popularity[static_cast<size_t>(row.item)];
    row.validTarget = c.isTarget(user, row.item, SplitPart::Valid);
    row.testTarget = c.isTarget(user, row.item, SplitPart::Test);
    row.cold = recs[r].cold;
    rows.push_back(row);
  }
  return rows;
}

void fillDefaultRanks(std::vector<RecommendationRow>& rows, const InspectCatalog& c, int32_t user,
                      const std::vector<float>& scores, const std::vector<uint8_t>* allowed)
{
  // The list the Predictor recommends from (model/engine.h): the training items excluded, in
  // topK's order (model/core/metrics.h), the page's filter on top.
  const DatasetSnapshot& d = *c.data;
  const auto u = static_cast<size_t>(user);
  std::vector<uint8_t> excluded(scores.size(), 0);
  for (size_t i = 0; i < excluded.size(); ++i)
  {
    excluded[i] = allowed && !(*allowed)[i] ? 1 : 0;
  }
  for (int64_t n = d.userStart[u]; n < c.split.trainEnd[u]; ++n)
  {
    excluded[static_cast<size_t>(d.item[static_cast<size_t>(n)])] = 1;
  }
  const auto n = static_cast<int64_t>(scores.size());
  for (auto& row : rows)
  {
    row.defaultRank =
        static_cast<int>(listPosition(scores.data(), n, row.item, excluded.data())) + 1;
  }
}

AttentionMap attentionMap(const Explanation& e, const InspectCatalog& c, int32_t user, int32_t item)
{
  AttentionMap m;
  m.valid = true;
  m.user = user;
  m.item = item;
  m.itemId = qs(c.data->itemIds[static_cast<size_t>(item)]);
  m.title = itemTitle(*c.data, item);
  m.score = e.score;
  for (const auto& t : e.tokens)
  {
    m.tokens << qs(t);
  }
  m.tokenItem.assign(e.tokenItem.begin(), e.tokenItem.end());
  m.layers = static_cast<int>(e.weights.size());
  m.heads = m.layers > 0 ? static_cast<int>(e.weights[0].size()) : 0;
  for (const auto& layer : e.weights)
  {
    for (const auto& head : layer)
    {
      if (static_cast<int>(head.size()) != m.tokenCount())
      {
        throw std::runtime_error("the explanation's weights do not match its tokens");
      }
      m.weights.insert(m.weights.end(), head.begin(), head.end());
    }
  }
  QStringList notes;
  if (c.popularity[static_cast<size_t>(item)] == 0)
  {
    notes << QObject::tr(
                 "Item %1 was never seen in training: its score comes from its content "
                 "fields (its id embedding is untrained).")
                 .arg(m.itemId);
  }
  if (c.trainCount(user) == 0)
  {
    notes << QObject::tr(
        "The user has no history: only the user and context tokens take "
        "attention.");
  }
  m.note = notes.join(QLatin1Char(' '));
  return m;
}

std::vector<uint8_t> categoryMask(const InspectCatalog& c, int category)
{
  std::vector<uint8_t> mask(c.itemCategory.size(), 0);
  for (size_t i = 0; i < mask.size(); ++i)
  {
    mask[i] = c.hasCategory(static_cast<int32_t>(i), category) ? 1 : 0;
  }
  return mask;
}

UserMatches findUsers(const InspectCatalog& c, const QString& text, int limit)
{
  UserMatches out;
  out.query = text.trimmed();
  if (out.query.isEmpty())
  {
    return out;
  }
  const DatasetSnapshot& d = *c.data;
  std::vector<uint8_t> taken(static_cast<size_t>(d.numUsers()), 0);
  auto add = [&](size_t u, const QString& why)
  {
    if (taken[u])
    {
      return true;
    }
    if (static_cast<int>(out.matches.size()) >= limit)
    {
      out.truncated = true;
      return false;
    }
    taken[u] = 1;
    out.matches.push_back({static_cast<qint32>(u), qs(d.userIds[u]), why});
    return true;
  };
  QString field;
  QString value = out.query;
  const int eq = out.query.indexOf(QLatin1Char('='));
  if (eq > 0)
  {
    field = out.query.left(eq).trimmed();
    value = out.query.mid(eq + 1).trimmed();
  }
  if (field.isEmpty())
  {
    const std::string id = out.query.toStdString();
    const int32_t exact = c.userIndex(id);
    if (exact >= 0)
    {
      add(static_cast<size_t>(exact), QObject::tr("id"));
    }
    for (size_t u = 0; u < taken.size(); ++u)
    {
      if (qs(d.userIds[u]).startsWith(out.query, Qt::CaseInsensitive) &&
          !add(u, QObject::tr("id starts with %1").arg(out.query)))
      {
        return out;
      }
    }
  }
  for (const auto& f : d.userFields)
  {
    if (!field.isEmpty() && qs(f.name).compare(field, Qt::CaseInsensitive) != 0)
    {
      continue;
    }
    bool ok = false;
    const double number = value.toDouble(&ok);
    for (size_t u = 0; u < taken.size(); ++u)
    {
      bool hit = false;
      if (f.kind == FieldKind::Numeric)
      {
        hit = ok && u < f.values.size() && f.values[u] == number;
      }
      else if (f.kind == FieldKind::Categorical || f.kind == FieldKind::Multi)
      {
        const QStringList values = fieldText(f, u).split(QStringLiteral(", "));
        hit = values.contains(value, Qt::CaseInsensitive);
      }
      else if (f.kind == FieldKind::Text && !field.isEmpty())
      {
        hit = fieldText(f, u).contains(value, Qt::CaseInsensitive);
      }
      if (hit && !add(u, QStringLiteral("%1 = %2").arg(qs(f.name), value)))
      {
        return out;
      }
    }
  }
  return out;
}

UserMetricsTable metricsTable(const std::vector<UserMetricRow>& rows, const InspectCatalog& c,
                              Task task, int k)
{
  const DatasetSnapshot& d = *c.data;
  UserMetricsTable t;
  t.task = qs(wordOf(task));
  t.k = k;
  for (const auto& r : rows)
  {
    if (r.user < 0 || r.user >= d.numUsers() || r.item < 0 || r.item >= d.numItems())
    {
      continue;  // a row of another version of the dataset
    }
    UserMetricEntry e;
    e.user = r.user;
    e.userId = qs(d.userIds[static_cast<size_t>(r.user)]);
    e.item = r.item;
    e.itemId = qs(d.itemIds[static_cast<size_t>(r.item)]);
    e.title = itemTitle(d, r.item);
    e.rank = r.rank;
    e.ndcg = r.rank >= 0 ? rowRankingMetric(r, "ndcg", k) : std::nan("");
    e.hit = r.rank >= 0 ? rowRankingMetric(r, "hr", k) : std::nan("");
    e.history = r.trainInteractions;
    e.bucket = QString::fromLatin1(activityBucketName(activityBucket(r.trainInteractions)));
    e.prediction = r.prediction;
    t.rows.push_back(e);
  }
  return t;
}

std::vector<UserMetricRow> computeTestRows(InspectSource& source, const InspectCatalog& c,
                                           const std::vector<RankingTarget>& targets, size_t begin,
                                           size_t end)
{
  // The evaluation's own protocol (model/core/ranking_protocol.h): the same targets, exclusions
  // and tie rule as the run's test rows. The scores are the Predictor's, whose history is the
  // training part (the run's test scoring also reads the validation item), so ranks can differ
  // a little from rows the run recorded; this path serves only runs recorded without rows.
  const DatasetSnapshot& d = *c.data;
  std::vector<UserMetricRow> rows;
  RankingExclusion excluded(d.numItems());
  for (size_t k = begin; k < std::min(end, targets.size()); ++k)
  {
    const RankingTarget& target = targets[k];
    const int32_t user = d.user[static_cast<size_t>(target.query)];
    const std::vector<float> scores = source.scoreAll(user, {});
    excluded.mark(d, target);
    rows.push_back(rankedRow(d, c.split, target, scores.data(), static_cast<int64_t>(scores.size()),
                             excluded.flags()));
    excluded.unmark(d, target);
  }
  return rows;
}

}  // namespace m6
