// A fake InspectSource for the Inspect page's tests: opens any run record (trained or not) of a
// dataset without a model, so the page's navigation, filters, exports and maps are tested
// without training one. Its answers are simple and deterministic: an item's score is its
// training popularity plus a per-(user, item) jitter below 1; attention weights follow a fixed
// pattern (rows sum to 1); the attention statistics and the embedding map are made up from the
// catalog the same way every time.
//
// What it is not: a model. Tests of what a trained model says (the heatmap equals explain(), the
// table's ranks equal the run's evaluation) use the real source (test_inspect_page).
#pragma once

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "app/bridge/dataset_cache.h"
#include "app/bridge/inspect_source.h"
#include "app/bridge/inspect_worker.h"
#include "model/core/rng.h"
#include "storage/runs.h"

namespace m6test
{

/// What the fakes of one opener were asked.
struct FakeSourceLog
{
  int opened = 0;                     // runs opened
  std::vector<size_t> userRowsAsked;  // per embeddings() call: users asked for (0: all)
};

class FakeInspectSource : public m6::InspectSource
{
 public:
  static constexpr const char* kLoadedFrom = "(a fake source for tests: no model)";

  FakeInspectSource(const m6::RunSourceRequest& r, std::shared_ptr<FakeSourceLog> log)
      : log_(std::move(log)),
        data_(r.data.shared),
        catalog_(m6::catalogFromSnapshot(*r.data.shared, r.config)),
        layers_(r.config.model.attentionLayers),
        heads_(r.config.model.heads),
        historyLength_(r.config.model.historyLength)
  {
  }

  /// The opener to give RunInspector (or InspectWorker) in place of openRunSource; `log`
  /// (optional) records what its sources were asked.
  static m6::RunSourceOpener opener(std::shared_ptr<FakeSourceLog> log = {})
  {
    return [log](const m6::RunSourceRequest& r) -> std::unique_ptr<m6::InspectSource>
    {
      if (log)
      {
        ++log->opened;
      }
      return std::make_unique<FakeInspectSource>(r, log);
    };
  }

  std::vector<m6::Recommendation> recommend(int32_t user, int k, const m6::ContextOverride& c,
                                            const std::vector<uint8_t>* allowed) override
  {
    const std::vector<float> scores = scoreAll(user, c);
    std::vector<uint8_t> keep(scores.size(), 1);
    for (int32_t item : trainingItems(user))
    {
      keep[static_cast<size_t>(item)] = 0;
    }
    std::vector<int32_t> order;
    for (size_t i = 0; i < scores.size(); ++i)
    {
      if (keep[i] && (!allowed || (*allowed)[i]))
      {
        order.push_back(static_cast<int32_t>(i));
      }
    }
    const size_t n = std::min(order.size(), static_cast<size_t>(std::max(k, 0)));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                      [&](int32_t a, int32_t b)
                      {
                        const auto sa = scores[static_cast<size_t>(a)];
                        const auto sb = scores[static_cast<size_t>(b)];
                        return sa > sb || (sa == sb && a < b);
                      });
    std::vector<m6::Recommendation> out;
    for (size_t r = 0; r < n; ++r)
    {
      out.push_back({order[r], scores[static_cast<size_t>(order[r])], false});
    }
    return out;
  }

  std::vector<float> scoreAll(int32_t user, const m6::ContextOverride&) override
  {
    std::vector<float> scores(static_cast<size_t>(catalog_.numItems()));
    for (size_t i = 0; i < scores.size(); ++i)
    {
      scores[i] = static_cast<float>(catalog_.popularity[i]) + jitter(user, i);
    }
    return scores;
  }

  m6::Explanation explain(int32_t user, int32_t item, const m6::ContextOverride& c) override
  {
    m6::Explanation e;
    e.tokens = {"user", "context"};
    e.tokenItem = {-1, -1};
    std::vector<int32_t> history = trainingItems(user);
    if (static_cast<int>(history.size()) > historyLength_)
    {
      history.erase(history.begin(), history.end() - historyLength_);
    }
    for (int32_t h : history)
    {
      const auto i = static_cast<size_t>(h);
      e.tokens.push_back(data_->itemIds[i] + " " +
                         (i < data_->itemTitles.size() ? data_->itemTitles[i] : std::string()));
      e.tokenItem.push_back(h);
    }
    const size_t tokens = e.tokens.size();
    e.weights.assign(static_cast<size_t>(layers_),
                     std::vector<std::vector<float>>(static_cast<size_t>(heads_)));
    for (int l = 0; l < layers_; ++l)
    {
      for (int h = 0; h < heads_; ++h)
      {
        std::vector<float>& row = e.weights[static_cast<size_t>(l)][static_cast<size_t>(h)];
        float sum = 0;
        for (size_t t = 0; t < tokens; ++t)
        {
          row.push_back(1.0F + static_cast<float>((static_cast<size_t>(l + h + item) + t) % 3));
          sum += row.back();
        }
        for (float& w : row)
        {
          w /= sum;
        }
      }
    }
    e.score = scoreAll(user, c)[static_cast<size_t>(item)];
    return e;
  }

  /// Items and users on a grid (the vectors are their map coordinates); only the users asked
  /// for when options.userRows names some.
  m6::Embeddings embeddings(const m6::EmbeddingOptions& options) override
  {
    if (log_)
    {
      log_->userRowsAsked.push_back(options.users ? options.userRows.size() : 0);
    }
    m6::Embeddings e;
    e.userVectorKind = "fake: a grid";
    if (options.items)
    {
      fillTable(e.items, e.itemMap, allRows(catalog_.numItems()), data_->itemIds, false);
      for (size_t i = 0; i < e.items.ids.size(); ++i)
      {
        e.items.titles[i] = i < data_->itemTitles.size() ? data_->itemTitles[i] : "";
        const int32_t code = catalog_.itemCategory[i];
        e.items.categoryCode[i] = code;
        e.items.category[i] =
            code >= 0 ? catalog_.categoryNames[static_cast<size_t>(code)] : std::string();
      }
      e.items.categoryNames = catalog_.categoryNames;
      e.items.categoryField = catalog_.categoryField;
    }
    if (options.users)
    {
      const bool chosen = !options.userRows.empty();
      fillTable(e.users, e.userMap, chosen ? options.userRows : allRows(catalog_.numUsers()),
                data_->userIds, chosen);
      e.users.categoryNames = catalog_.categoryNames;
      e.users.categoryField = catalog_.categoryField;
    }
    return e;
  }

  /// Every head: 0.2 on the user, 0.1 on the context, 0.7 over the history (most on the most
  /// recent item); one made-up trigger category.
  m6::AttentionStats attentionStats(const m6::AttentionStatsOptions& options,
                                    const std::atomic<bool>*) override
  {
    m6::AttentionStats s;
    s.layers = layers_;
    s.heads = heads_;
    s.historyLength = historyLength_;
    s.users = std::min<int64_t>(catalog_.numUsers(), options.maxUsers);
    s.query = "fake";
    for (int b = 0; b <= options.entropyBins; ++b)
    {
      s.entropyBinEdges.push_back(b * std::log(historyLength_ + 2.0) / options.entropyBins);
    }
    s.historyUsers.assign(static_cast<size_t>(historyLength_), s.users);
    for (int l = 0; l < layers_; ++l)
    {
      for (int h = 0; h < heads_; ++h)
      {
        m6::HeadAttention a;
        a.layer = l;
        a.head = h;
        a.userShare = 0.2;
        a.contextShare = 0.1;
        a.historyShare = 0.7;
        double left = a.historyShare;
        for (int p = 0; p < historyLength_; ++p)
        {
          const double w = p + 1 < historyLength_ ? left / 2 : left;
          a.historyByRecency.push_back(w);
          left -= w;
        }
        a.meanEntropy = 1.0;
        a.meanNormalisedEntropy = 0.5;
        a.entropyHistogram.assign(static_cast<size_t>(options.entropyBins), 0);
        a.entropyHistogram[static_cast<size_t>(options.entropyBins / 2)] = s.users;
        a.triggerWeight = 0.3;
        a.otherWeight = 0.1;
        s.perHead.push_back(a);
      }
    }
    s.hasTriggers = true;
    s.triggerCategories = {catalog_.categoryNames.empty() ? "fake" : catalog_.categoryNames[0]};
    s.triggerUsers = s.users;
    s.triggerWeight = 0.3;
    s.otherWeight = 0.1;
    return s;
  }

  std::string loadedFrom() const override { return kLoadedFrom; }

 private:
  static float jitter(int32_t user, size_t item)
  {
    const uint64_t h = m6::splitMix64((static_cast<uint64_t>(user) << 32) ^ item);
    return static_cast<float>(h % 1000) / 1000.0F;
  }

  std::vector<int32_t> trainingItems(int32_t user) const
  {
    const m6::DatasetSnapshot& s = *catalog_.data;
    const auto u = static_cast<size_t>(user);
    return {s.item.begin() + s.userStart[u], s.item.begin() + catalog_.split.trainEnd[u]};
  }

  static std::vector<int32_t> allRows(int64_t n)
  {
    std::vector<int32_t> rows(static_cast<size_t>(n));
    for (size_t r = 0; r < rows.size(); ++r)
    {
      rows[r] = static_cast<int32_t>(r);
    }
    return rows;
  }

  /// The entities `rows` on a grid of 2-D points (the map's coordinates are the vectors
  /// themselves); `chosen`: the table keeps their indices (EmbeddingTable::index).
  static void fillTable(m6::EmbeddingTable& t, m6::Projection2D& map,
                        const std::vector<int32_t>& rows, const std::vector<std::string>& ids,
                        bool chosen)
  {
    t.rows = static_cast<int64_t>(rows.size());
    t.cols = 2;
    const int64_t side =
        std::max<int64_t>(1, static_cast<int64_t>(std::sqrt(static_cast<double>(ids.size()))));
    for (int32_t r : rows)
    {
      const auto x = static_cast<float>(r % side);
      const auto y = static_cast<float>(r / side);
      t.values.push_back(x);
      t.values.push_back(y);
      map.x.push_back(x);
      map.y.push_back(y);
      t.ids.push_back(ids[static_cast<size_t>(r)]);
    }
    t.titles.assign(rows.size(), std::string());
    t.category.assign(rows.size(), std::string());
    t.categoryCode.assign(rows.size(), -1);
    if (chosen)
    {
      t.index = rows;
    }
    map.explained[0] = 0.5;
    map.explained[1] = 0.5;
    map.totalVariance = 1;
  }

  std::shared_ptr<FakeSourceLog> log_;
  std::shared_ptr<const m6::DatasetSnapshot> data_;
  m6::InspectCatalog catalog_;
  int layers_ = 1;
  int heads_ = 1;
  int historyLength_ = 1;
};

}  // namespace m6test
