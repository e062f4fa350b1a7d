#include "model/session.h"

#include <cmath>

#include "model/rng.h"

namespace m6
{

namespace
{

NetSpec makeSpec(const DatasetSnapshot& data, const RunConfig& config, const Split& split,
                 const FeatureTables& features)
{
  NetSpec spec;
  spec.model = config.model;
  spec.numUsers = data.numUsers();
  spec.numItems = data.numItems();
  spec.userColumns = features.users.specs();
  spec.itemColumns = features.items.specs();
  spec.contextColumns = features.context.specs();
  spec.hasTimestamps = features.hasTimestamps;
  spec.ratingOffset = meanTrainRating(data, split);
  return spec;
}

Json columnsJson(const std::vector<ColumnSpec>& columns)
{
  Json a = Json::array();
  for (const auto& c : columns)
  {
    Json o = Json::object();
    o["name"] = c.name;
    o["module"] = c.moduleName;
    o["kind"] = c.kind == ColumnKind::Categorical ? "categorical"
                : c.kind == ColumnKind::Bag       ? "bag"
                                                  : "numeric";
    o["rows"] = c.cardinality;
    a.push_back(o);
  }
  return a;
}

// The feature tables, with the popularity prior of this split when the config asks for it.
FeatureTables sessionFeatures(const DatasetSnapshot& data, const RunConfig& config,
                              const Split& split)
{
  FeatureTables ft = buildFeatures(data, config.model);
  if (config.model.popularityPrior)
  {
    addPopularityPrior(ft.items, data, split, coldItemMask(data, config.train.coldItemShare));
  }
  return ft;
}

int64_t countOf(const std::vector<uint8_t>& mask)
{
  int64_t n = 0;
  for (uint8_t m : mask)
  {
    n += m ? 1 : 0;
  }
  return n;
}

}  // namespace

double meanTrainRating(const DatasetSnapshot& data, const Split& split)
{
  if (!data.hasRatings())
  {
    return 0.0;
  }
  double sum = 0;
  int64_t n = 0;
  for (size_t i = 0; i < data.rating.size(); ++i)
  {
    if (split.part[i] == SplitPart::Train && !std::isnan(data.rating[i]))
    {
      sum += data.rating[i];
      ++n;
    }
  }
  return n ? sum / static_cast<double>(n) : 0.0;
}

void zeroIdRows(EntityEncoder& encoder, const std::vector<uint8_t>& rows)
{
  torch::nn::Embedding id = encoder->idEmbedding();
  if (!id)
  {
    return;
  }
  torch::NoGradGuard guard;
  for (size_t i = 0; i < rows.size(); ++i)
  {
    if (rows[i])
    {
      id->weight[static_cast<int64_t>(i)].zero_();
    }
  }
}

Session::Session(const DatasetSnapshot& d, const RunConfig& c, Use use)
    : Session(splitView(d, c.train), d, c, use)
{
}

Session::Session(SplitView view, const DatasetSnapshot& d, const RunConfig& c, Use use)
    : reordered_(std::move(view.reordered)),
      data(reordered_ ? *reordered_ : d),
      config(c),
      schema(DatasetSchema::fromSnapshot(data)),
      split(std::move(view.split)),
      features(sessionFeatures(data, c, split)),
      catalogueBags(use == Use::Training ? bagMeans(features.items) : std::vector<BagMeans>()),
      coldItems(coldItemMask(data, c.train.coldItemShare)),
      numCold(countOf(coldItems))
{
  const uint64_t seed = static_cast<uint64_t>(config.train.seed);
  if (use == Use::Training)
  {
    std::lock_guard<std::mutex> lock(globalRngMutex());
    torch::manual_seed(seed);
    net = M6Net(makeSpec(data, config, split, features));
  }
  else
  {
    IsolatedSeed isolated(seed);
    net = M6Net(makeSpec(data, config, split, features));
  }
  allItems = torch::arange(data.numItems(), torch::kInt64);
  if (numCold > 0)
  {
    EntityEncoder items = net->itemEncoder();
    zeroIdRows(items, coldItems);
  }
}

torch::Tensor Session::encodeCatalogue()
{
  return net->encodeItems(allItems, features.items.all(),
                          catalogueBags.empty() ? nullptr : &catalogueBags);
}

torch::Tensor Session::encodeItems(const torch::Tensor& ids)
{
  return net->encodeItems(ids, features.items.gather(ids));
}

UserSide Session::userSide(const UserBatch& b, const torch::Tensor& itemTokens,
                           const torch::Tensor& historyRows)
{
  return net->userSide(b.users, b.userColumns, b.contextColumns, itemTokens, historyRows, b.histPad,
                       b.histGaps);
}

Json Session::architecture() const
{
  Json a = Json::object();
  Json cfg = toJson(config);
  a["model"] = cfg["model"];
  a["users"] = data.numUsers();
  a["items"] = data.numItems();
  a["user_columns"] = columnsJson(features.users.specs());
  a["item_columns"] = columnsJson(features.items.specs());
  a["context_columns"] = columnsJson(features.context.specs());
  a["timestamps"] = features.hasTimestamps;
  return a;
}

int64_t Session::parameterCount() const
{
  int64_t n = 0;
  for (const auto& p : net->parameters())
  {
    n += p.numel();
  }
  return n;
}

}  // namespace m6
