// m6-cli demo-data: the synthetic demo dataset (either domain) written into the workspace.
#include <sstream>

#include "app/cli/cli.h"
#include "model/core/demo_data.h"
#include "storage/demo_dataset.h"

namespace m6::cli
{

namespace
{

int cmdDemoData(Context& ctx, const Args& a)
{
  DemoOptions o;
  o.name = a.value("name", "demo");
  o.seed = static_cast<uint64_t>(a.intValue("seed", 42, 0, INT64_MAX));
  o.users = a.intValue("users", o.users, 1, 10000000);
  o.items = a.intValue("items", o.items, 1, 10000000);
  o.interactions = a.intValue("interactions", o.interactions, 1, 200000000);
  o.domain = a.has("second-domain") ? 1 : 0;
  o.sharedUsers = a.has("shared-users");
  if (o.sharedUsers && o.domain == 0)
  {
    throw CliError("--shared-users goes with --second-domain");
  }
  auto written = writeDemoDataset(ctx.workspace(), o, progressTo(ctx));
  if (!written)
  {
    throw CliError(written.error());
  }
  const DatasetInfo& d = written->dataset;
  const double secs = written->report.seconds;
  Json j = Json::object();
  j["dataset"] = o.name;
  j["users"] = d.users;
  j["items"] = d.items;
  j["interactions"] = d.interactions;
  j["seed"] = static_cast<int64_t>(o.seed);
  j["domain"] = o.domain;
  j["seconds"] = secs;
  std::ostringstream h;
  h << "Created demo dataset \"" << o.name << "\": " << formatCount(d.users) << " users, "
    << formatCount(d.items) << " items, " << formatCount(d.interactions) << " interactions (seed "
    << o.seed << (o.domain ? ", second domain" : "") << ") in " << formatSeconds(secs) << "\n";
  ctx.finish(j, h.str());
  return 0;
}

}  // namespace

Command demoDataCommand()
{
  Command c = {
      {"demo-data",
       "",
       "Create the synthetic demo dataset with planted structure",
       "Users belong to taste clusters (their region and age follow the cluster), the "
       "hour of day shifts categories, and after an item of a trigger category the next "
       "item often comes from its paired category. The ground truth is stored with the "
       "dataset. Deterministic by seed. --second-domain makes a related catalogue to adapt a "
       "model trained on the first one to (m6-cli adapt).",
       {{"name", "NAME", "dataset name (default demo)"},
        {"seed", "N", "random seed (default 42)"},
        {"users", "N", "number of users (default 1000)"},
        {"items", "N", "number of items (default 1500)"},
        {"interactions", "N", "number of interactions (default 100000)"},
        {"second-domain", "",
         "the second domain: new items (ids b1..) sharing the first "
         "domain's categories, tags and tastes, for adaptation"},
        {"shared-users", "", "with --second-domain: the first domain's users (same ids)"}},
       0,
       0},
      cmdDemoData};
  return c;
}

}  // namespace m6::cli
