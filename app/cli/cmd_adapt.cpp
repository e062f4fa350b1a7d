// adapt and compare: a new run from a parent run's weights on another task or dataset,
// and zero-shot vs adapted vs from-scratch at chosen shares of the target's training data.
#include <cstdio>
#include <sstream>

#include "app/cli/ranks.h"
#include "app/cli/run_driver.h"
#include "app/runner/adapt_compare.h"
#include "app/runner/run_config.h"
#include "model/core/preset_choice.h"

namespace m6::cli
{

namespace
{

AdaptOptions adaptOptionsFromArgs(const Args& a)
{
  AdaptOptions o;
  for (const auto& list : a.values("freeze"))
  {
    std::stringstream parts(list);
    std::string part;
    while (std::getline(parts, part, ','))
    {
      if (part == "encoders")
      {
        o.freezeEncoders = true;
      }
      else if (part == "history")
      {
        o.freezeHistory = true;
      }
      else if (part == "attention")
      {
        o.freezeAttention = true;
      }
      else if (!part.empty())
      {
        throw CliError("--freeze: unknown part \"" + part +
                       "\" (give encoders, history and/or attention, comma-separated)");
      }
    }
  }
  o.parameterEfficient = a.has("adapters");
  o.carriedLr = a.doubleValue("carried-lr", 0.0, 0.0, 10.0);
  o.newHead = a.has("new-head");
  o.zeroShot = !a.has("no-zero-shot");
  return o;
}

/// The target's configuration: --preset/--config when given, else the parent's (with adapters in
/// parameter-efficient mode); then --task, --adapter-width, --train-fraction and every --set.
RunConfig adaptConfigFromArgs(const Args& a, const RunConfig& parentConfig,
                              const AdaptOptions& options, const DatasetSnapshot& target)
{
  if (a.has("preset") && a.has("config"))
  {
    throw CliError("give either --preset or --config, not both");
  }
  const std::string presetName = resolvePresetName(a.value("preset"), target.numInteractions());
  RunConfig config =
      assembleConfig(a,
                     [&]
                     {
                       RunConfig c = a.has("config")   ? fromJson(readJsonFile(a.value("config")))
                                     : a.has("preset") ? preset(presetName)
                                                       : parentConfig;
                       if (options.parameterEfficient && c.model.adapterWidth == 0)
                       {
                         c = adaptedConfig(c, options);
                       }
                       if (a.has("task"))
                       {
                         applySetting(c, "model.task=" + a.value("task"));
                       }
                       if (a.has("adapter-width"))
                       {
                         applySetting(c, "model.adapter_width=" + a.value("adapter-width"));
                       }
                       if (a.has("train-fraction"))
                       {
                         applySetting(c, "train.train_fraction=" + a.value("train-fraction"));
                       }
                       return c;
                     });
  return requireValid(config, target);
}

RunRecord adaptableParent(Context& ctx, const std::string& token)
{
  RunRecord parent = resolveRun(ctx, token);
  if (const std::string why = adaptBlocker(parent); !why.empty())
  {
    throw CliError(why);
  }
  requireCheckpoint(parent);
  return parent;
}

int cmdAdapt(Context& ctx, const Args& a)
{
  if (!a.has("dataset"))
  {
    throw CliError("adapt needs --dataset NAME (the target dataset; it may be the parent's)");
  }
  const RankPlan plan = rankPlan(a);
  if (a.has("preview") && (plan.dist.active() || a.has("nproc")))
  {
    throw CliError("--preview trains nothing; --nproc and --rank do not apply", 2);
  }
  // A rank other than 0 needs the parent's record for its configuration only: rank 0 reads the
  // weights and sends them, so the checkpoint need not be on this machine.
  const bool follower = plan.dist.rank > 0;
  RunRecord parent =
      follower ? resolveRun(ctx, a.positional()[0]) : adaptableParent(ctx, a.positional()[0]);
  const RunConfig parentConfig = configOfRunOrFail(parent);
  LoadedDataset target = loadDataset(ctx, a.value("dataset"));
  const AdaptOptions options = adaptOptionsFromArgs(a);
  const RunConfig config =
      withRankThreads(adaptConfigFromArgs(a, parentConfig, options, target.snapshot), plan);
  if (follower)
  {
    return runFollowerRank(ctx, target, config, plan.dist);
  }
  RunDriver driver(ctx, target);
  if (a.has("preview"))
  {
    return driver.previewAdaptation(parent, config, options);
  }
  const std::string name = a.value("name", parent.name + " → " + target.info.name);
  LocalRanks ranks(ctx.workspacePath(), target.info.name, config, plan.spawned());
  return driver.report(
      withRanks(ranks, [&] { return driver.adaptNew(parent, config, options, name, plan.dist); }));
}

std::vector<double> fractionsFromArgs(const Args& a)
{
  std::vector<double> out;
  std::stringstream parts(a.value("fractions", "0.1,0.25,1"));
  std::string part;
  while (std::getline(parts, part, ','))
  {
    char* end = nullptr;
    const double f = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0' || !(f > 0.0 && f <= 1.0))
    {
      throw CliError("--fractions: \"" + part + "\" is not a share in (0, 1] (e.g. 0.1,0.25,1)");
    }
    out.push_back(f);
  }
  return out;
}

int cmdCompare(Context& ctx, const Args& a)
{
  if (!a.has("dataset"))
  {
    throw CliError("compare needs --dataset NAME (the target dataset)");
  }
  RunRecord parent = adaptableParent(ctx, a.positional()[0]);
  LoadedDataset target = loadDataset(ctx, a.value("dataset"));
  CompareRequest request;
  request.options = adaptOptionsFromArgs(a);
  request.config =
      adaptConfigFromArgs(a, configOfRunOrFail(parent), request.options, target.snapshot);
  request.fractions = fractionsFromArgs(a);
  request.namePrefix = a.value("name");
  RunDriver driver(ctx, target);
  const AdaptComparison result = driver.compare(parent, request);
  const std::string metric = "ndcg@" + std::to_string(request.config.train.evalK);
  const std::string hit = "hr@" + std::to_string(request.config.train.evalK);
  std::ostringstream h;
  h << "Adapting run " << parent.id << " (" << parent.name << ") to " << target.info.name << "\n"
    << "protocol: " << result.protocol << "\n";
  if (!result.find("zero-shot", 0))
  {
    h << "zero-shot: " << (result.zeroShotNote.empty() ? "not evaluated" : result.zeroShotNote)
      << "\n";
  }
  h << "  arm          share   " << padRight(metric + " (test)", 18) << padRight(hit, 10)
    << "examples   run\n";
  for (const auto& arm : result.arms)
  {
    h << "  "
      << padRight(arm.arm == "pop"   ? "most popular"
                  : arm.arm == "bpr" ? "BPR-MF"
                                     : arm.arm,
                  13)
      << padRight(arm.arm == "zero-shot" ? "-" : fractionLabel(arm.fraction), 8)
      << padRight(formatNumber(arm.test.get(metric)), 18)
      << padRight(formatNumber(arm.test.get(hit)), 10)
      << padRight(arm.arm == "zero-shot" ? "-" : formatCount(arm.trainExamples), 11)
      << (arm.runId ? std::to_string(arm.runId) : "-") << "\n";
  }
  ctx.finish(result.toJson(), h.str());
  return 0;
}

std::vector<OptionSpec> adaptOptions()
{
  return {{"dataset", "NAME", "the target dataset (required; may be the parent's)"},
          {"task", "TASK",
           "ranking | ctr | rating (default: the parent's); a new task gets a new head"},
          {"freeze", "PARTS", "freeze carried parts: encoders,history,attention", true},
          {"adapters", "",
           "parameter-efficient: freeze the whole parent, train a new head and "
           "bottleneck adapters only"},
          {"adapter-width", "N", "bottleneck width of the adapters (default 8)"},
          {"carried-lr", "LR", "learning rate of carried parameters (default: train.lr)"},
          {"new-head", "", "re-initialise the head even when the task is unchanged"},
          {"train-fraction", "X", "use this share of the target's training data (0-1]"},
          {"no-zero-shot", "", "skip evaluating the parent on the target before training"},
          {"preset", "NAME",
           "start from a preset instead of the parent's configuration (auto: by the target's "
           "size)"},
          {"config", "FILE.json", "start from a configuration file"},
          {"set", "KEY=VALUE", "override one setting (epochs, lr, ...)", true},
          {"name", "NAME", "a name for the run"}};
}

}  // namespace

std::vector<Command> adaptCommands()
{
  std::vector<Command> c;
  std::vector<OptionSpec> adaptOpts = adaptOptions();
  adaptOpts.push_back({"preview", "",
                       "print what would be carried, re-initialised, frozen and "
                       "added, without training"});
  for (const auto& o : rankOptions())
  {
    adaptOpts.push_back(o);
  }
  c.push_back({{"adapt", "PARENT",
                "Train a new run that starts from a parent run's weights (another task or dataset)",
                "Parameters are matched by name and shape; ids are carried by external id where "
                "both datasets share them, content-field values (genres, tags, title words) by "
                "value; the head is re-initialised when the task changes. The report says what "
                "was carried, re-initialised, frozen or added and the trainable share. Resume an "
                "interrupted adapted run with `m6-cli resume RUN`.\n\nData-parallel as `train`: "
                "--nproc N, or --rank R --world-size N --master HOST:PORT with the same adapt "
                "command on every rank. Rank 0 alone reads the parent's weights and sends them "
                "with its adaptation (freezing, options) to the others, which need the parent's "
                "record only for its settings (or give --config).",
                adaptOpts, 1, 1},
               cmdAdapt});
  std::vector<OptionSpec> compareOpts = adaptOptions();
  compareOpts.push_back(
      {"fractions", "LIST", "shares of the target's training data (default 0.1,0.25,1)"});
  c.push_back({{"compare", "PARENT",
                "Zero-shot vs adapted vs from scratch on a target dataset, per share of its data",
                "Every trained arm is recorded as a run (the adapted ones with PARENT as parent), "
                "on the same split, configuration and budget, so each can be inspected later.",
                compareOpts, 1, 1},
               cmdCompare});
  return c;
}

}  // namespace m6::cli
