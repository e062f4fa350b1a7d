// Over 500 lines: the one owner of the evaluation protocol (full and sampled ranking, pointwise
// tasks, cold items, the scorer adapter), so exclusions and tie order have one home.

#include "model/evaluate.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <stdexcept>
#include <thread>
#include <utility>

#include "model/core/ranking_protocol.h"
#include "model/core/rng.h"
#include "model/threads.h"

namespace m6
{

namespace
{

/// "; dataset prepared: dedupe exact, 5-core" for a prepared dataset, "" otherwise.
std::string preparedNote(const DatasetSnapshot& data)
{
  return data.preparation.empty() ? std::string() : "; dataset prepared: " + data.preparation;
}

constexpr int kSampledNegatives = 100;

// A held-out interaction of a pointwise task and the start of its block: every target of a block
// is scored with the same history (what came before the block), as a ranked block is, so one
// held-out interaction never serves as history for another.
struct HeldOut
{
  int64_t target = 0;
  int64_t blockStart = 0;
};

// Every held-out interaction of `part` with a rating, in user order.
std::vector<HeldOut> ratedHeldOut(const DatasetSnapshot& data, const Split& split, SplitPart part)
{
  std::vector<HeldOut> out;
  if (!data.hasRatings())
  {
    return out;
  }
  for (int64_t u = 0; u < data.numUsers(); ++u)
  {
    const auto [first, end] = split.block(data, u, part);
    for (int64_t n = first; n < end; ++n)
    {
      if (!std::isnan(data.rating[static_cast<size_t>(n)]))
      {
        out.push_back({n, first});
      }
    }
  }
  return out;
}

// The expected ranking metrics of a uniformly random order, one target among m candidates: the
// rank is uniform on 0..m-1, so E[hr@K] = min(K, m) / m, E[ndcg@K] = sum_{r<min(K,m)} 1 /
// log2(r + 2) / m and E[mrr@K] = sum 1 / (r + 1) / m.
class RandomRanking
{
 public:
  void add(int64_t m, int k)
  {
    if (m <= 0)
    {
      return;
    }
    const int64_t top = std::min<int64_t>(k, m);
    double ndcg = 0;
    double mrr = 0;
    for (int64_t r = 0; r < top; ++r)
    {
      ndcg += ndcgAtK(r, k);
      mrr += mrrAtK(r, k);
    }
    hr_ += static_cast<double>(top) / static_cast<double>(m);
    ndcg_ += ndcg / static_cast<double>(m);
    mrr_ += mrr / static_cast<double>(m);
    ++rows_;
  }

  MetricSet metrics(int k, const std::string& protocol) const
  {
    MetricSet out;
    out.protocol = protocol;
    if (rows_ == 0)
    {
      return out;
    }
    const double n = static_cast<double>(rows_);
    out.set(metricName("hr", k), hr_ / n);
    out.set(metricName("ndcg", k), ndcg_ / n);
    out.set(metricName("mrr", k), mrr_ / n);
    out.set(metricName("recall", k), hr_ / n);
    return out;
  }

 private:
  double hr_ = 0;
  double ndcg_ = 0;
  double mrr_ = 0;
  int64_t rows_ = 0;
};

// This rank's contiguous share [lo, hi) of `total` targets (all of them without a job).
std::pair<size_t, size_t> shareOf(size_t total, const Collective* shard)
{
  if (!shard)
  {
    return {0, total};
  }
  const auto r = static_cast<size_t>(shard->rank());
  const auto w = static_cast<size_t>(shard->size());
  return {total * r / w, total * (r + 1) / w};
}

// Every rank's rows (and top-K lists, diversity, random-ranking candidates) in target order, on
// every rank. A row travels as doubles: integers below 2^53 and float scores are exact in them.
void gatherShares(Collective& c, size_t total, int k, bool withLists,
                  std::vector<UserMetricRow>& rows, std::vector<std::vector<int32_t>>& lists,
                  std::vector<double>& diversity, std::vector<int64_t>& candidates)
{
  // Rows with several targets carry their ranks after the list: agree on the widest first.
  size_t myRanks = 0;
  for (const auto& row : rows)
  {
    myRanks = std::max(myRanks, row.ranks.size());
  }
  torch::Tensor widths =
      c.allgather(torch::full({1}, static_cast<double>(myRanks), torch::kFloat64));
  const auto maxRanks = static_cast<int64_t>(widths.max().item<double>());
  const int64_t fields = 10;
  const int64_t listWidth = withLists ? k : 0;
  const int64_t width = fields + listWidth + maxRanks;
  const auto w = static_cast<size_t>(c.size());
  const int64_t most = static_cast<int64_t>((total + w - 1) / w);
  torch::Tensor mine = torch::full({std::max<int64_t>(most, 1), width}, -1.0, torch::kFloat64);
  auto put = mine.accessor<double, 2>();
  for (size_t i = 0; i < rows.size(); ++i)
  {
    const auto r = static_cast<int64_t>(i);
    put[r][0] = rows[i].user;
    put[r][1] = rows[i].item;
    put[r][2] = static_cast<double>(rows[i].trainInteractions);
    put[r][3] = static_cast<double>(rows[i].rank);
    put[r][4] = rows[i].prediction;
    put[r][5] = rows[i].label;
    put[r][6] = diversity[i];
    put[r][7] = static_cast<double>(candidates[i]);
    const size_t len = withLists ? lists[i].size() : 0;
    put[r][8] = static_cast<double>(len);
    for (size_t j = 0; j < len; ++j)
    {
      put[r][fields + static_cast<int64_t>(j)] = lists[i][j];
    }
    put[r][9] = static_cast<double>(rows[i].ranks.size());
    for (size_t j = 0; j < rows[i].ranks.size(); ++j)
    {
      put[r][fields + listWidth + static_cast<int64_t>(j)] = static_cast<double>(rows[i].ranks[j]);
    }
  }
  torch::Tensor all = c.allgather(mine);
  auto got = all.accessor<double, 3>();
  rows.clear();
  lists.clear();
  diversity.clear();
  candidates.clear();
  for (size_t rank = 0; rank < w; ++rank)
  {
    const size_t count = total * (rank + 1) / w - total * rank / w;
    for (size_t i = 0; i < count; ++i)
    {
      const auto a = got[static_cast<int64_t>(rank)][static_cast<int64_t>(i)];
      UserMetricRow row;
      row.user = static_cast<int32_t>(a[0]);
      row.item = static_cast<int32_t>(a[1]);
      row.trainInteractions = static_cast<int64_t>(a[2]);
      row.rank = static_cast<int64_t>(a[3]);
      row.prediction = a[4];
      row.label = a[5];
      row.ranks.resize(static_cast<size_t>(a[9]));
      for (size_t j = 0; j < row.ranks.size(); ++j)
      {
        row.ranks[j] = static_cast<int64_t>(a[fields + listWidth + static_cast<int64_t>(j)]);
      }
      rows.push_back(row);
      diversity.push_back(a[6]);
      candidates.push_back(static_cast<int64_t>(a[7]));
      if (withLists)
      {
        std::vector<int32_t> top(static_cast<size_t>(a[8]));
        for (size_t j = 0; j < top.size(); ++j)
        {
          top[j] = static_cast<int32_t>(a[fields + static_cast<int64_t>(j)]);
        }
        lists.push_back(std::move(top));
      }
    }
  }
}

}  // namespace

std::string warmProtocol(int k, bool sampled, int64_t coldItems)
{
  std::string s = "leave-one-out by time; ";
  s += sampled ? "warm target ranked against 100 sampled warm negatives (inflated)"
               : "full ranking over warm items unseen in train";
  return s + " (cold-item protocol: " + std::to_string(coldItems) +
         " cold items held out of training and of this ranking); K=" + std::to_string(k);
}

std::string coldProtocol(int k, bool sampled, int64_t coldItems)
{
  std::string s = "leave-one-out by time; cold items: held-out targets that are one of the " +
                  std::to_string(coldItems) + " cold items (never trained on), ";
  s += sampled ? "ranked against 100 sampled cold negatives (inflated)"
               : "ranked among the cold items unseen by the user";
  return s + ", by content only; K=" + std::to_string(k);
}

std::vector<uint8_t> warmMask(const std::vector<uint8_t>& cold)
{
  std::vector<uint8_t> warm(cold.size());
  for (size_t i = 0; i < cold.size(); ++i)
  {
    warm[i] = cold[i] ? 0 : 1;
  }
  return warm;
}

ModelScorer::ModelScorer(Session& session) : session_(session)
{
  session_.net->eval();
  torch::NoGradGuard guard;
  itemTokens_ = session_.encodeCatalogue();
}

UserSide ModelScorer::userSide(const std::vector<QuerySpec>& queries)
{
  UserBatch b =
      makeUserBatch(session_.data, session_.features, session_.config.model.historyLength, queries);
  return session_.userSide(b, itemTokens_, b.histItems);
}

torch::Tensor ModelScorer::scoreCatalogue(const std::vector<QuerySpec>& queries)
{
  torch::NoGradGuard guard;
  return session_.net->scoreCatalogue(userSide(queries), itemTokens_);
}

torch::Tensor ModelScorer::scoreCandidates(const std::vector<QuerySpec>& queries,
                                           const torch::Tensor& candidates)
{
  torch::NoGradGuard guard;
  UserSide side = userSide(queries);
  torch::Tensor tokens = itemTokens_.index_select(0, candidates.reshape({-1}))
                             .view({candidates.size(0), candidates.size(1), -1});
  return session_.net->scoreCandidates(side, tokens);
}

int64_t ModelScorer::batchSize() const
{
  return session_.net->dot() ? 256 : 16;
}

QuerySpec targetQuery(const DatasetSnapshot& data, int64_t t)
{
  QuerySpec q;
  q.user = data.user[static_cast<size_t>(t)];
  q.historyEnd = t;
  q.contextRow = t;
  return q;
}

EvalResult evaluateRanking(const DatasetSnapshot& data, const Split& split,
                           const std::vector<int32_t>& itemCategory, SplitPart part, int k,
                           bool sampled, uint64_t seed, ScoreProvider& scorer,
                           const RankingScope& scope)
{
  const int64_t n = data.numItems();
  std::vector<RankingTarget> targets = rankingTargets(data, split, part, scope.targets);
  const int64_t allTargets = static_cast<int64_t>(targets.size());
  if (scope.sampleTargets > 0 && scope.sampleTargets < allTargets)
  {
    // A partial Fisher-Yates shuffle with its own seeded generator: the same users every epoch
    // and every run with this seed, kept in their original order.
    DemoRng rng(seed * 7919ULL + 17 + (part == SplitPart::Test ? 1 : 0));
    for (int64_t i = 0; i < scope.sampleTargets; ++i)
    {
      const auto j = i + static_cast<int64_t>(rng.below(static_cast<uint64_t>(allTargets - i)));
      std::swap(targets[static_cast<size_t>(i)], targets[static_cast<size_t>(j)]);
    }
    targets.resize(static_cast<size_t>(scope.sampleTargets));
    std::sort(targets.begin(), targets.end(),
              [](const RankingTarget& x, const RankingTarget& y) { return x.query < y.query; });
  }
  EvalResult result;
  std::vector<std::vector<int32_t>> lists;
  double diversity = 0;
  int64_t diversityLists = 0;
  // The items that are no candidates at all (outside scope.candidates); each row's past is marked
  // on top of them (model/core/ranking_protocol.h, shared with the Inspect page).
  std::vector<uint8_t> base;
  if (scope.candidates)
  {
    base.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
    {
      base[static_cast<size_t>(i)] = (*scope.candidates)[static_cast<size_t>(i)] ? 0 : 1;
    }
  }
  // Full ranking runs as a pipeline when a second core is idle (not in a data-parallel rank,
  // whose peer has the other core): while this thread scores a batch (the network and the
  // catalogue product, on this thread only), a helper ranks the rows of the batch before, and
  // this thread joins in when its scoring is done. Rows are independent: each thread keeps its
  // own scratch (the items excluded for the row at hand, `base` plus the user's past, and its
  // targets), and every row's results land at its index, so the output is the one-thread one.
  const size_t workers = !sampled && !scope.shard && idleCores() > 1 ? 2 : 1;
  std::vector<RankingExclusion> excludedOf(workers,
                                           RankingExclusion(n, scope.candidates ? &base : nullptr));
  RandomRanking random;
  const int64_t batch = sampled ? 256 : scorer.batchSize();
  // Not a structured binding: C++17 lambdas (rankRow) cannot capture one (clang refuses).
  const std::pair<size_t, size_t> share = shareOf(targets.size(), scope.shard);
  const size_t lo = share.first;
  const size_t hi = share.second;
  std::vector<double> rowDiversity(hi - lo);    // per target: its list's diversity (NaN: none)
  std::vector<int64_t> rowCandidates(hi - lo);  // per target: candidates of a random ranking
  result.rows.resize(hi - lo);
  if (!sampled)
  {
    lists.resize(hi - lo);
  }
  // Worker w ranks target i of the batch whose scores begin at row `first`.
  auto rankRow = [&](size_t w, size_t first, const float* s, int64_t width, size_t i)
  {
    const RankingTarget& tg = targets[i];
    const float* rowScores = s + static_cast<int64_t>(i - first) * width;
    RankingExclusion& excluded = excludedOf[w];
    rowCandidates[i - lo] = excluded.mark(data, tg);
    UserMetricRow row = rankedRow(data, split, tg, rowScores, n, excluded.flags());
    std::vector<int32_t> top = topK(rowScores, n, k, excluded.flags());
    rowDiversity[i - lo] = intraListDiversity(top, itemCategory);
    lists[i - lo] = std::move(top);
    excluded.unmark(data, tg);
    result.rows[i - lo] = std::move(row);
  };
  // The scored batch waiting to be ranked, and the helper thread ranking it.
  struct Pending
  {
    std::function<void(size_t, size_t, const float*, int64_t, size_t)> rank;
    size_t first = 0;
    size_t end = 0;
    torch::Tensor scores;
    std::atomic<size_t> next{0};
    std::thread helper;
    std::exception_ptr failure;

    // Ranks rows of the batch until none is left (worker w's scratch).
    void rankLeft(size_t w)
    {
      const float* s = scores.data_ptr<float>();
      const int64_t width = scores.size(1);
      for (size_t i = next++; i < end; i = next++)
      {
        rank(w, first, s, width, i);
      }
    }
    void start(size_t from, size_t to, torch::Tensor batchScores, bool helped)
    {
      first = from;
      end = to;
      scores = std::move(batchScores);
      next = from;
      if (!helped)
      {
        rankLeft(0);
        return;
      }
      helper = std::thread(
          [this]
          {
            try
            {
              rankLeft(1);
            }
            catch (...)
            {
              failure = std::current_exception();
              next = end;  // the other worker stops too
            }
          });
    }
    void finish()
    {
      if (helper.joinable())
      {
        helper.join();
      }
      if (failure)
      {
        std::rethrow_exception(std::exchange(failure, nullptr));
      }
    }
    ~Pending()
    {
      if (helper.joinable())
      {
        next = end;
        helper.join();
      }
    }
  };
  Pending pending;
  pending.rank = rankRow;
  for (size_t start = lo; start < hi; start += static_cast<size_t>(batch))
  {
    size_t end = std::min(hi, start + static_cast<size_t>(batch));
    std::vector<QuerySpec> queries;
    for (size_t i = start; i < end; ++i)
    {
      queries.push_back(targetQuery(data, targets[i].query));
    }
    if (sampled)
    {
      // Each row: the user's m targets, then 100 x m sampled negatives (RecBole's uni100 with
      // several targets); slots a tiny catalogue or a very active user leaves empty are -1.
      RankingExclusion& excluded = excludedOf[0];
      int64_t width = 0;
      for (size_t i = start; i < end; ++i)
      {
        width = std::max<int64_t>(
            width, static_cast<int64_t>(targets[i].items.size()) * (1 + kSampledNegatives));
      }
      torch::Tensor candidates =
          torch::full({static_cast<int64_t>(queries.size()), width}, -1, torch::kInt64);
      auto acc = candidates.accessor<int64_t, 2>();
      for (size_t i = start; i < end; ++i)
      {
        const int64_t r = static_cast<int64_t>(i - start);
        const int64_t t = targets[i].query;
        const std::vector<int32_t>& items = targets[i].items;
        const auto m = static_cast<int64_t>(items.size());
        excluded.mark(data, targets[i]);
        DemoRng rng(seed * 1000003ULL + static_cast<uint64_t>(t) * 2 +
                    (part == SplitPart::Test ? 1 : 0));
        for (int64_t j = 0; j < m; ++j)
        {
          acc[r][j] = items[static_cast<size_t>(j)];
        }
        const int64_t wanted = m * kSampledNegatives;
        int64_t filled = 0;
        for (int64_t attempt = 0; attempt < 100 * wanted && filled < wanted; ++attempt)
        {
          const auto c = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
          // Never a negative of itself, nor one of the user's other targets.
          if (!excluded.excludes(c) &&
              std::find(items.begin(), items.end(), static_cast<int32_t>(c)) == items.end())
          {
            acc[r][m + filled++] = c;
          }
        }
        rowCandidates[i - lo] = m + filled;
        excluded.unmark(data, targets[i]);
      }
      torch::Tensor scores =
          scorer.scoreCandidates(queries, candidates.clamp_min(0)).to(torch::kFloat32).contiguous();
      const float* s = scores.data_ptr<float>();
      std::vector<uint8_t> empty(static_cast<size_t>(width));
      for (size_t i = start; i < end; ++i)
      {
        const int64_t r = static_cast<int64_t>(i - start);
        const float* rowScores = s + r * width;
        for (int64_t j = 0; j < width; ++j)
        {
          empty[static_cast<size_t>(j)] = acc[r][j] < 0 ? 1 : 0;
        }
        // The ranks as full ranking counts them, over this row's candidates only.
        UserMetricRow row = rankingRow(data, split, targets[i]);
        const auto m = static_cast<int64_t>(targets[i].items.size());
        row.rank = -1;
        for (int64_t j = 0; j < m; ++j)
        {
          const int64_t rank = targetRank(rowScores, width, j, empty.data());
          row.rank = row.rank < 0 ? rank : std::min(row.rank, rank);
          if (m > 1)
          {
            row.ranks.push_back(rank);
          }
        }
        row.prediction = rowScores[0];
        rowDiversity[i - lo] = std::numeric_limits<double>::quiet_NaN();
        result.rows[i - lo] = std::move(row);
      }
      continue;
    }
    torch::Tensor scores = scorer.scoreCatalogue(queries).to(torch::kFloat32).contiguous();
    if (pending.helper.joinable())
    {
      pending.rankLeft(0);
      pending.finish();
    }
    pending.start(start, end, std::move(scores), workers > 1);
  }
  if (pending.helper.joinable())
  {
    pending.rankLeft(0);
  }
  pending.finish();

  if (scope.shard)
  {
    gatherShares(*scope.shard, targets.size(), k, !sampled, result.rows, lists, rowDiversity,
                 rowCandidates);
  }
  // In target order, as one process would add them up.
  for (size_t i = 0; i < result.rows.size(); ++i)
  {
    if (!std::isnan(rowDiversity[i]))
    {
      diversity += rowDiversity[i];
      ++diversityLists;
    }
    if (scope.randomBaseline)
    {
      random.add(rowCandidates[i], k);
    }
  }
  std::string protocol = scope.protocol.empty() ? rankingProtocol(k, sampled) : scope.protocol;
  if (sampled && split.multiTarget())
  {
    static const std::string kOne = "target ranked against 100 sampled negatives";
    if (const size_t at = protocol.find(kOne); at != std::string::npos)
    {
      protocol.replace(at, kOne.size(),
                       "each user's targets ranked together against 100 sampled negatives per "
                       "target");
    }
  }
  protocol = withSplitName(protocol, split) + preparedNote(data);
  if (static_cast<int64_t>(targets.size()) < allTargets)
  {
    protocol += "; on a fixed seeded sample of " + std::to_string(targets.size()) + " of " +
                std::to_string(allTargets) + " users";
  }
  result.metrics = aggregateRows(result.rows, Task::Ranking, k, protocol);
  if (scope.randomBaseline)
  {
    result.random = random.metrics(k, protocol + "; expected metrics of a random ranking");
  }
  if (!sampled)
  {
    result.metrics.set(metricName("coverage", k), coverage(lists, n));
    result.metrics.set(metricName("diversity", k),
                       diversityLists ? diversity / static_cast<double>(diversityLists)
                                      : std::numeric_limits<double>::quiet_NaN());
  }
  return result;
}

EvalResult evaluatePointwise(const DatasetSnapshot& data, const Split& split, SplitPart part,
                             Task task, double threshold, ScoreProvider& scorer, Collective* shard)
{
  const std::vector<HeldOut> targets = ratedHeldOut(data, split, part);
  EvalResult result;
  const size_t batch = 1024;
  const auto [lo, hi] = shareOf(targets.size(), shard);
  for (size_t start = lo; start < hi; start += batch)
  {
    size_t end = std::min(hi, start + batch);
    std::vector<QuerySpec> queries;
    torch::Tensor cand = torch::empty({static_cast<int64_t>(end - start), 1}, torch::kInt64);
    for (size_t i = start; i < end; ++i)
    {
      QuerySpec q = targetQuery(data, targets[i].target);
      q.historyEnd = targets[i].blockStart;
      queries.push_back(q);
      cand[static_cast<int64_t>(i - start)][0] = data.item[static_cast<size_t>(targets[i].target)];
    }
    torch::Tensor scores = scorer.scoreCandidates(queries, cand).to(torch::kFloat64).contiguous();
    if (task == Task::Ctr)
    {
      scores = torch::sigmoid(scores);
    }
    const double* s = scores.data_ptr<double>();
    for (size_t i = start; i < end; ++i)
    {
      const int64_t t = targets[i].target;
      UserMetricRow row;
      row.user = data.user[static_cast<size_t>(t)];
      row.item = data.item[static_cast<size_t>(t)];
      row.trainInteractions = split.trainCount(data, row.user);
      row.prediction = s[i - start];
      double rating = data.rating[static_cast<size_t>(t)];
      row.label = task == Task::Ctr ? (rating >= threshold ? 1.0 : 0.0) : rating;
      result.rows.push_back(row);
    }
  }
  if (shard)
  {
    std::vector<std::vector<int32_t>> noLists;
    std::vector<double> noDiversity(result.rows.size(), 0.0);
    std::vector<int64_t> noCandidates(result.rows.size(), 0);
    gatherShares(*shard, targets.size(), 0, false, result.rows, noLists, noDiversity, noCandidates);
  }
  // One row per user (several held-out interactions become its points); the aggregates count
  // every interaction.
  result.rows = rowsPerUser(result.rows);
  result.metrics =
      aggregateRows(result.rows, task, 10,
                    withSplitName(pointwiseProtocol(task, threshold), split) + preparedNote(data));
  return result;
}

EvalResult evaluateSession(Session& session, SplitPart part, int64_t sampleUsers)
{
  ModelScorer scorer(session);
  const RunConfig& c = session.config;
  if (c.model.task == Task::Ranking)
  {
    RankingScope scope;
    std::vector<uint8_t> warm;
    if (session.numCold > 0)
    {
      warm = warmMask(session.coldItems);
      scope.candidates = &warm;
      scope.targets = &warm;
      scope.protocol = warmProtocol(c.train.evalK, c.train.sampledEval, session.numCold);
    }
    scope.sampleTargets = sampleUsers;
    scope.shard = session.collective;
    EvalResult result = evaluateRanking(session.data, session.split, session.features.itemCategory,
                                        part, c.train.evalK, c.train.sampledEval,
                                        static_cast<uint64_t>(c.train.seed), scorer, scope);
    const std::string note = trainingLossNote(c, session.data.numItems());
    if (!note.empty() && !result.metrics.protocol.empty())
    {
      result.metrics.protocol += "; " + note;
    }
    return result;
  }
  return evaluatePointwise(session.data, session.split, part, c.model.task, c.train.ctrThreshold,
                           scorer, session.collective);
}

EvalResult evaluateCold(Session& session, SplitPart part)
{
  const RunConfig& c = session.config;
  if (session.numCold == 0 || c.model.task != Task::Ranking)
  {
    return {};
  }
  ModelScorer scorer(session);
  RankingScope scope;
  scope.candidates = &session.coldItems;
  scope.targets = &session.coldItems;
  scope.protocol = coldProtocol(c.train.evalK, c.train.sampledEval, session.numCold);
  scope.randomBaseline = true;
  scope.shard = session.collective;
  return evaluateRanking(session.data, session.split, session.features.itemCategory, part,
                         c.train.evalK, c.train.sampledEval, static_cast<uint64_t>(c.train.seed),
                         scorer, scope);
}

}  // namespace m6
