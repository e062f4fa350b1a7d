// m6-cli prepare: a new dataset from an existing one through a preparation recipe
// (model/core/prepare.h, storage/prepare.h).
#include <cmath>
#include <sstream>

#include "app/cli/cli.h"
#include "storage/import_spec.h"
#include "storage/prepare.h"

namespace m6::cli
{

namespace
{

int64_t countOption(const Args& a, const std::string& name)
{
  const std::string v = a.value(name);
  try
  {
    size_t used = 0;
    const long long n = std::stoll(v, &used);
    if (used != v.size() || n < 0)
    {
      throw std::invalid_argument(v);
    }
    return n;
  }
  catch (const std::exception&)
  {
    throw CliError("--" + name + ": \"" + v + "\" is not a count (0 or more)");
  }
}

int64_t dateOption(const Args& a, const std::string& name)
{
  const std::string v = a.value(name);
  int64_t t = 0;
  if (!parseTimestamp(v, TimeFormat::Auto, &t))
  {
    throw CliError("--" + name + ": \"" + v +
                   "\" is not a date (2014-01-01, 2014-01-01T12:00:00Z or Unix seconds)");
  }
  return t;
}

PrepareRecipe recipeFrom(const Args& a)
{
  PrepareRecipe r;
  if (a.has("dedupe") && !parseDedupe(a.value("dedupe"), &r.dedupe))
  {
    throw CliError("--dedupe: \"" + a.value("dedupe") + "\" is not exact, keep-first or keep-last");
  }
  if (a.has("min-rating"))
  {
    const std::string v = a.value("min-rating");
    try
    {
      size_t used = 0;
      r.minRating = std::stod(v, &used);
      if (used != v.size() || !std::isfinite(r.minRating))
      {
        throw std::invalid_argument(v);
      }
    }
    catch (const std::exception&)
    {
      throw CliError("--min-rating: \"" + v + "\" is not a number");
    }
    r.hasMinRating = true;
  }
  if (a.has("from"))
  {
    r.hasFrom = true;
    r.from = dateOption(a, "from");
  }
  if (a.has("to"))
  {
    r.hasTo = true;
    r.to = dateOption(a, "to");
  }
  if (a.has("max-per-user"))
  {
    r.maxPerUser = countOption(a, "max-per-user");
  }
  if (a.has("k-core") && (a.has("min-user") || a.has("min-item")))
  {
    throw CliError("--k-core sets both thresholds: give it or --min-user / --min-item, not both");
  }
  if (a.has("k-core"))
  {
    r.minUser = r.minItem = countOption(a, "k-core");
  }
  if (a.has("min-user"))
  {
    r.minUser = countOption(a, "min-user");
  }
  if (a.has("min-item"))
  {
    r.minItem = countOption(a, "min-item");
  }
  return r;
}

int cmdPrepare(Context& ctx, const Args& a)
{
  const std::string source = a.positional()[0];
  const std::string out = a.value("out");
  if (out.empty())
  {
    throw CliError("prepare needs --out NAME for the new dataset");
  }
  const PrepareRecipe recipe = recipeFrom(a);
  auto r = prepareStoredDataset(ctx.workspace(), source, out, recipe, progressTo(ctx));
  ctx.endProgress();
  if (!r)
  {
    throw CliError("prepare failed: " + r.error());
  }
  Json j = Json::object();
  j["dataset"] = r->dataset.name;
  j["source"] = source;
  j["users"] = r->dataset.users;
  j["items"] = r->dataset.items;
  j["interactions"] = r->dataset.interactions;
  j["recipe"] = recipe.toJson();
  j["preparation"] = r->description;
  j["steps"] = prepareStepsToJson(r->steps);
  j["seconds"] = r->seconds;
  std::ostringstream h;
  h << "Prepared \"" << r->dataset.name << "\" from \"" << source << "\" (" << r->description
    << ")\n";
  h << "  " << padRight("step", 40) << padLeft("users", 12) << padLeft("items", 12)
    << padLeft("interactions", 14) << "\n";
  for (const auto& s : r->steps)
  {
    h << "  " << padRight(s.step, 40) << padLeft(formatCount(s.users), 12)
      << padLeft(formatCount(s.items), 12) << padLeft(formatCount(s.interactions), 14) << "\n";
  }
  ctx.finish(j, h.str());
  return 0;
}

}  // namespace

Command prepareCommand()
{
  return {{"prepare",
           "NAME",
           "Make a new dataset from NAME: remove repeats, filter by rating, time or k-core",
           "The steps run in this order, each on what the previous one kept: --dedupe, "
           "--min-rating, --from/--to, --max-per-user, then the k-core filter, iterated until "
           "every user and item has enough interactions. NAME stays as it is; the recipe and the "
           "counts after each step are stored with the new dataset and named in the protocol "
           "line of every run on it.",
           {{"out", "NAME2", "name of the new dataset (required, unique)"},
            {"dedupe", "MODE",
             "exact (identical rows), keep-first or keep-last (one row per user and item)"},
            {"min-rating", "X", "keep interactions rated X or more (unrated ones go)"},
            {"k-core", "K", "keep users and items with at least K interactions (iterated)"},
            {"min-user", "K", "users with at least K interactions (with --min-item: k-core)"},
            {"min-item", "K", "items with at least K interactions"},
            {"from", "DATE", "keep interactions at or after DATE (2014-01-01 or Unix seconds)"},
            {"to", "DATE", "keep interactions before DATE"},
            {"max-per-user", "N", "keep each user's N most recent interactions"}},
           1,
           1},
          cmdPrepare};
}

}  // namespace m6::cli
