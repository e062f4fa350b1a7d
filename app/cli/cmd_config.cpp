// m6-cli config-keys and config-show: the configuration's settings and a config as JSON.
#include <sstream>

#include "app/cli/run_driver.h"
#include "model/core/config_fields.h"
#include "model/core/preset_choice.h"

namespace m6::cli
{

namespace
{

int cmdConfigKeys(Context& ctx, const Args&)
{
  Json arr = Json::array();
  std::ostringstream h;
  std::string group;
  for (const auto& f : configFields())
  {
    Json x = Json::object();
    x["key"] = f.key;
    x["group"] = f.group;
    x["type"] = configFieldTypeName(f.type);
    x["default"] = f.defaultValue;
    x["help"] = f.tooltip;
    if (!f.choices.empty())
    {
      Json c = Json::array();
      for (const auto& s : f.choices)
      {
        c.push_back(s);
      }
      x["choices"] = c;
    }
    arr.push_back(x);
    if (f.group != group)
    {
      group = f.group;
      h << "\n" << group << "\n";
    }
    std::string left = "  " + f.key + " = " + f.defaultValue.dump();
    if (left.size() < 44)
    {
      left.resize(44, ' ');
    }
    else
    {
      left += "  ";
    }
    h << left << f.tooltip << "\n";
  }
  Json j = Json::object();
  j["keys"] = arr;
  ctx.finish(j, h.str());
  return 0;
}

int cmdConfigShow(Context& ctx, const Args& a)
{
  RunConfig config = assembleConfig(
      a,
      [&]
      {
        if (a.has("run"))
        {
          return configOfRunOrFail(resolveRun(ctx, a.value("run")));
        }
        if (a.has("dataset"))
        {
          auto d = ctx.workspace().dataset(a.value("dataset"));
          if (!d)
          {
            throw CliError(d.error());
          }
          return presetFromArgs(ctx, a, d->interactions);
        }
        if (a.value("preset") == kAutoPreset)
        {
          throw CliError("preset auto picks by the dataset's size: add --dataset NAME");
        }
        return preset(a.value("preset", "balanced"));
      });
  auto issues = validate(config, nullptr);
  if (!issues.empty())
  {
    throw CliError("invalid configuration: " + formatIssues(issues));
  }
  Json j = toJson(config);
  ctx.finish(j, j.dump(2));
  return 0;
}

}  // namespace

std::vector<Command> configCommands()
{
  std::vector<Command> c;
  c.push_back({{"config-keys",
                "",
                "List every configuration setting with its default and range",
                "",
                {},
                0,
                0},
               cmdConfigKeys});
  c.push_back({{"config-show",
                "",
                "Print a configuration as JSON (to edit and pass to --config)",
                "",
                {{"preset", "NAME",
                  "auto | quick | balanced | thorough | sasrec-like (default: auto with "
                  "--dataset, else balanced)"},
                 {"dataset", "NAME", "the dataset preset auto picks for"},
                 {"run", "RUN", "the configuration of a recorded run"},
                 {"set", "KEY=VALUE", "override one setting", true}},
                0,
                0},
               cmdConfigShow});
  return c;
}

}  // namespace m6::cli
