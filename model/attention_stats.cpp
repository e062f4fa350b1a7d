// Predictor::attentionStats(): attention across users.
#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "model/core/json.h"
#include "model/core/rng.h"
#include "model/features.h"
#include "model/predictor_impl.h"

namespace m6
{

namespace
{

constexpr int64_t kBatch = 128;

// The users to average over: the given ones, or every user with a test target; above the cap a
// deterministic sample (Fisher-Yates with the options' seed), in index order.
std::vector<int32_t> chooseUsers(const AttentionStatsOptions& o, const Split& split,
                                 const DatasetSnapshot& d)
{
  std::vector<int32_t> users = o.users;
  if (users.empty())
  {
    for (int32_t u = 0; u < d.numUsers(); ++u)
    {
      if (split.testIndex[static_cast<size_t>(u)] >= 0)
      {
        users.push_back(u);
      }
    }
  }
  if (o.maxUsers > 0 && users.size() > static_cast<size_t>(o.maxUsers))
  {
    DemoRng rng(o.seed);
    for (size_t i = users.size(); i > 1; --i)
    {
      std::swap(users[i - 1], users[rng.below(i)]);
    }
    users.resize(static_cast<size_t>(o.maxUsers));
    std::sort(users.begin(), users.end());
  }
  return users;
}

// Per item: 1 when its category is a planted trigger category. Empty when the dataset has no such
// ground truth (then `note` says why).
std::vector<uint8_t> triggerItems(const DatasetSnapshot& d, AttentionStats& stats)
{
  if (d.groundTruthJson.empty())
  {
    stats.note = "the dataset has no ground truth, so there are no planted triggers to compare";
    return {};
  }
  ItemCategoryField cat = itemCategoryField(d);
  std::set<int32_t> codes;
  try
  {
    Json truth = Json::parse(d.groundTruthJson);
    const Json* pairs = truth.find("trigger_pairs");
    if (!pairs || !pairs->isArray())
    {
      stats.note = "the ground truth names no trigger_pairs";
      return {};
    }
    for (const auto& p : pairs->asArray())
    {
      std::string name = p.value("trigger", "");
      auto it = std::find(cat.vocab.begin(), cat.vocab.end(), name);
      if (it != cat.vocab.end())
      {
        codes.insert(static_cast<int32_t>(it - cat.vocab.begin()));
        stats.triggerCategories.push_back(name);
      }
    }
  }
  catch (const std::exception& e)
  {
    stats.note = std::string("the ground truth is unreadable: ") + e.what();
    return {};
  }
  if (codes.empty())
  {
    stats.note =
        "no trigger category of the ground truth is a value of the item field '" + cat.name + "'";
    return {};
  }
  std::vector<uint8_t> out(static_cast<size_t>(d.numItems()), 0);
  for (size_t i = 0; i < out.size(); ++i)
  {
    out[i] = codes.count(cat.codes[i]) ? 1 : 0;
  }
  stats.hasTriggers = true;
  return out;
}

struct HeadSums
{
  double trigger = 0;
  double other = 0;
  int64_t users = 0;
};

}  // namespace

AttentionStats Predictor::attentionStats(const AttentionStatsOptions& options,
                                         const std::atomic<bool>* cancel)
{
  Impl& im = *impl_;
  Session& s = *im.session;
  const DatasetSnapshot& d = im.data();
  const ModelConfig& m = s.config.model;
  const int64_t L = m.historyLength;
  const int64_t T = L + 2;
  const int bins = std::max(1, options.entropyBins);
  const double maxEntropy = std::log(static_cast<double>(T));
  torch::NoGradGuard guard;
  s.net->eval();

  AttentionStats st;
  st.layers = m.attentionLayers;
  st.heads = m.heads;
  st.historyLength = static_cast<int>(L);
  st.query = s.net->dot() ? "dot: the user side attends (the same weights for every item)"
                          : "mlp: the test item attends (target attention)";
  for (int b = 0; b <= bins; ++b)
  {
    st.entropyBinEdges.push_back(maxEntropy * b / bins);
  }
  st.historyUsers.assign(static_cast<size_t>(L), 0);
  const size_t nh = static_cast<size_t>(st.layers * st.heads);
  st.perHead.resize(nh);
  for (size_t h = 0; h < nh; ++h)
  {
    st.perHead[h].layer = static_cast<int>(h) / st.heads;
    st.perHead[h].head = static_cast<int>(h) % st.heads;
    st.perHead[h].historyByRecency.assign(static_cast<size_t>(L), 0.0);
    st.perHead[h].entropyHistogram.assign(static_cast<size_t>(bins), 0);
  }
  std::vector<uint8_t> trigger = triggerItems(d, st);
  std::vector<HeadSums> headSums(nh);
  double triggerSum = 0;
  double otherSum = 0;

  std::vector<int32_t> users = chooseUsers(options, s.split, d);
  for (size_t start = 0; start < users.size(); start += kBatch)
  {
    if (cancel && cancel->load())
    {
      st.cancelled = true;
      break;
    }
    const size_t end = std::min(users.size(), start + kBatch);
    std::vector<QuerySpec> queries;
    std::vector<int64_t> testItems;
    for (size_t i = start; i < end; ++i)
    {
      const int32_t u = users[i];
      queries.push_back(im.query(u, {}));
      const int64_t t = s.split.testIndex[static_cast<size_t>(u)];
      testItems.push_back(t >= 0 ? d.item[static_cast<size_t>(t)] : 0);
    }
    const int64_t b = static_cast<int64_t>(queries.size());
    UserSide side = im.scorer->userSide(queries);
    std::vector<torch::Tensor> weights;
    if (s.net->dot())
    {
      s.net->userVector(side, &weights);
    }
    else
    {
      torch::Tensor cand = im.scorer->itemTokens().index_select(0, torch::tensor(testItems));
      s.net->scoreCandidates(side, cand.unsqueeze(1), &weights);
    }
    // [layer][B, H, T] as plain floats; the padding mask and history items of each row.
    std::vector<torch::Tensor> w;
    for (const auto& x : weights)
    {
      w.push_back(x.select(2, 0).to(torch::kFloat32).contiguous());
    }
    torch::Tensor blocked = side.blocked.select(1, 0).contiguous();  // [B, T]
    UserBatch ub = makeUserBatch(d, s.features, L, queries);
    auto pad = blocked.accessor<bool, 2>();
    auto hist = ub.histItems.accessor<int64_t, 2>();
    for (int64_t r = 0; r < b; ++r)
    {
      int64_t count = 0;
      for (int64_t j = 0; j < L; ++j)
      {
        if (!pad[r][2 + j])
        {
          ++count;
          ++st.historyUsers[static_cast<size_t>(L - 1 - j)];
        }
      }
      std::vector<double> tokenMean(static_cast<size_t>(T), 0.0);
      for (size_t h = 0; h < nh; ++h)
      {
        const int layer = static_cast<int>(h) / st.heads;
        const int head = static_cast<int>(h) % st.heads;
        const float* p =
            w[static_cast<size_t>(layer)].data_ptr<float>() + (r * st.heads + head) * T;
        HeadAttention& ha = st.perHead[h];
        ha.userShare += p[0];
        ha.contextShare += p[1];
        double entropy = 0;
        double tw = 0;
        double ow = 0;
        int64_t tn = 0;
        int64_t on = 0;
        for (int64_t k = 0; k < T; ++k)
        {
          if (k >= 2 && pad[r][k])
          {
            continue;
          }
          if (p[k] > 0)
          {
            entropy -= p[k] * std::log(static_cast<double>(p[k]));
          }
          tokenMean[static_cast<size_t>(k)] += p[k] / static_cast<double>(nh);
          if (k >= 2)
          {
            ha.historyShare += p[k];
            ha.historyByRecency[static_cast<size_t>(L - 1 - (k - 2))] += p[k];
            if (!trigger.empty())
            {
              bool isTrigger = trigger[static_cast<size_t>(hist[r][k - 2])] != 0;
              (isTrigger ? tw : ow) += p[k];
              ++(isTrigger ? tn : on);
            }
          }
        }
        ha.meanEntropy += entropy;
        ha.meanNormalisedEntropy += entropy / std::log(static_cast<double>(2 + count));
        int bin = static_cast<int>(entropy / maxEntropy * bins);
        ++ha.entropyHistogram[static_cast<size_t>(std::clamp(bin, 0, bins - 1))];
        if (tn > 0 && on > 0)
        {
          headSums[h].trigger += tw / static_cast<double>(tn);
          headSums[h].other += ow / static_cast<double>(on);
          ++headSums[h].users;
        }
      }
      if (!trigger.empty())
      {
        double tw = 0;
        double ow = 0;
        int64_t tn = 0;
        int64_t on = 0;
        for (int64_t k = 2; k < T; ++k)
        {
          if (!pad[r][k])
          {
            bool isTrigger = trigger[static_cast<size_t>(hist[r][k - 2])] != 0;
            (isTrigger ? tw : ow) += tokenMean[static_cast<size_t>(k)];
            ++(isTrigger ? tn : on);
          }
        }
        if (tn > 0 && on > 0)
        {
          triggerSum += tw / static_cast<double>(tn);
          otherSum += ow / static_cast<double>(on);
          ++st.triggerUsers;
        }
      }
      ++st.users;
    }
  }

  const double n = st.users > 0 ? static_cast<double>(st.users) : 1.0;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (size_t h = 0; h < nh; ++h)
  {
    HeadAttention& ha = st.perHead[h];
    ha.userShare /= n;
    ha.contextShare /= n;
    ha.historyShare /= n;
    for (auto& v : ha.historyByRecency)
    {
      v /= n;
    }
    ha.meanEntropy /= n;
    ha.meanNormalisedEntropy /= n;
    ha.triggerWeight = headSums[h].users ? headSums[h].trigger / headSums[h].users : nan;
    ha.otherWeight = headSums[h].users ? headSums[h].other / headSums[h].users : nan;
  }
  st.triggerWeight = st.triggerUsers ? triggerSum / st.triggerUsers : nan;
  st.otherWeight = st.triggerUsers ? otherSum / st.triggerUsers : nan;
  if (st.hasTriggers && st.triggerUsers == 0)
  {
    st.note = "no user has both trigger-category and other items in their history";
  }
  return st;
}

}  // namespace m6
