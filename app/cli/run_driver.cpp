#include "app/cli/run_driver.h"

#include <csignal>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/core/config_fields.h"
#include "model/core/dataset_schema.h"
#include "model/engine.h"

namespace m6::cli
{

namespace
{

// Ctrl+C during training stops the run cleanly (best checkpoint kept) instead of killing it.
std::atomic<bool> gInterrupted{false};

extern "C" void onInterrupt(int)
{
  if (gInterrupted.exchange(true))
  {
    std::_Exit(130);  // a second Ctrl+C means "now"
  }
}

class InterruptScope
{
 public:
  InterruptScope()
  {
    gInterrupted = false;
    previous_ = std::signal(SIGINT, onInterrupt);
  }
  ~InterruptScope() { std::signal(SIGINT, previous_); }

 private:
  void (*previous_)(int) = SIG_DFL;
};

}  // namespace

RunConfig assembleConfig(const Args& a, const std::function<RunConfig()>& base)
{
  try
  {
    RunConfig config = base();
    for (const auto& s : a.values("set"))
    {
      applySetting(config, s);
    }
    return config;
  }
  catch (const CliError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    throw CliError(e.what());
  }
}

LoadedDataset loadDataset(Context& ctx, const std::string& name)
{
  auto info = ctx.workspace().dataset(name);
  if (!info)
  {
    throw CliError(info.error());
  }
  auto snap = ctx.workspace().loadSnapshot(info->id, [&](const StorageProgress& p) {
    ctx.progress("Loading " + name, p.done, p.total);
  });
  if (!snap)
  {
    throw CliError(snap.error());
  }
  ctx.endProgress();
  return {*info, std::move(*snap)};
}

RunConfig configFromArgs(const Args& a, const DatasetSnapshot& snapshot)
{
  if (a.has("preset") && a.has("config"))
  {
    throw CliError("give either --preset or --config, not both");
  }
  RunConfig config = assembleConfig(a, [&] {
    return a.has("config") ? fromJson(readJsonFile(a.value("config")))
                           : preset(a.value("preset", "balanced"));
  });
  DatasetSchema schema = DatasetSchema::fromSnapshot(snapshot);
  auto issues = validate(config, &schema);
  if (!issues.empty())
  {
    throw CliError("invalid configuration: " + formatIssues(issues));
  }
  return config;
}

RunRecord resolveRun(Context& ctx, const std::string& token)
{
  RunStore store(ctx.workspace());
  int64_t id = 0;
  auto parsed = std::from_chars(token.data(), token.data() + token.size(), id);
  if (parsed.ec == std::errc() && parsed.ptr == token.data() + token.size())
  {
    auto r = store.run(id);
    if (r)
    {
      return *r;
    }
  }
  auto all = store.runs();
  if (!all)
  {
    throw CliError(all.error());
  }
  std::vector<RunRecord> named;
  for (const auto& r : *all)
  {
    if (r.name == token)
    {
      named.push_back(r);
    }
  }
  if (named.size() == 1)
  {
    return named[0];
  }
  if (named.size() > 1)
  {
    throw CliError("several runs are named \"" + token + "\"; give the run id");
  }
  throw CliError("no run \"" + token + "\" (m6-cli runs lists them)");
}

RunConfig configOfRunOrFail(const RunRecord& run)
{
  try
  {
    return configOfRun(run);
  }
  catch (const std::exception& e)
  {
    throw CliError(e.what());
  }
}

std::string requireCheckpoint(const RunRecord& run)
{
  if (run.kind != "m6")
  {
    throw CliError("run " + std::to_string(run.id) + " is a " + run.kind +
                       " baseline and has no model checkpoint",
                   2);
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  for (const char* f : {"best.pt", "last.pt"})
  {
    if (fs::exists(fs::path(run.folder) / f, ec))
    {
      return run.folder;
    }
  }
  throw CliError("run " + std::to_string(run.id) + " has no checkpoint in " + run.folder +
                     " (it never finished an epoch, or the folder was removed)",
                 2);
}

RunDriver::RunDriver(Context& ctx, const LoadedDataset& data)
    : ctx_(ctx), data_(data), session_(ctx.workspace(), data.info, data.snapshot)
{
}

RunRecord RunDriver::trainNew(const RunConfig& config, const std::string& name,
                              std::optional<int64_t> parent)
{
  auto run = session_.createRun(config, name, parent);
  if (!run)
  {
    throw CliError(run.error());
  }
  return execute(*run, config, false);
}

RunRecord RunDriver::resume(const RunRecord& run)
{
  return execute(run, configOfRunOrFail(run), true);
}

TrainCallbacks RunDriver::printingHooks(const char* what)
{
  TrainCallbacks cb;
  cb.cancel = &gInterrupted;
  cb.onProgress = [this, what](const Progress& p) {
    ctx_.progress(std::string(what) + " " + std::to_string(p.epoch) + "/" +
                      std::to_string(p.epochs),
                  p.examplesDone, p.examplesTotal,
                  formatNumber(p.examplesPerSecond, "%.0f") + " ex/s, ETA " +
                      formatSeconds(p.etaSeconds));
  };
  // The engine logs a line per epoch (loss, validation metric, best) and its decisions.
  cb.onLog = [this](const std::string& line) {
    ctx_.endProgress();
    ctx_.err << line << "\n";
  };
  return cb;
}

RunRecord RunDriver::execute(RunRecord run, const RunConfig& config, bool resume)
{
  ctx_.err << (resume ? "Resuming" : "Training") << " run " << run.id << " (" << run.name
           << ") on " << data_.info.name << ": " << config.model.task << ", " << config.model.scorer
           << " scorer, " << config.train.epochs << " epochs\n";
  InterruptScope interrupts;
  auto result = session_.train(run, config, resume, printingHooks("epoch"));
  ctx_.endProgress();
  if (!result)
  {
    throw CliError(result.error());
  }
  return *result;
}

std::vector<RunRecord> RunDriver::baselines(const RunConfig& config)
{
  InterruptScope interrupts;
  auto result = session_.baselines(config, printingHooks("BPR epoch"));
  ctx_.endProgress();
  if (isCancelled(result))
  {
    throw CliError("baselines stopped before they finished");
  }
  if (!result)
  {
    throw CliError(result.error());
  }
  return *result;
}

int RunDriver::report(const RunRecord& r)
{
  Json j = Json::object();
  j["run"] = r.id;
  j["name"] = r.name;
  j["status"] = r.status;
  j["best_epoch"] = r.bestEpoch;
  j["valid"] = r.valid.valuesJson();
  j["test"] = r.test.valuesJson();
  j["protocol"] = r.test.protocol.empty() ? r.valid.protocol : r.test.protocol;
  j["examples_per_s"] = r.summary.value("examples_per_s", 0.0);
  j["seconds_per_epoch"] = r.summary.value("seconds_per_epoch", 0.0);
  j["parameters"] = r.summary.value("parameters", int64_t(0));
  if (const Json* b = r.summary.find("test_by_activity"))
  {
    j["test_by_activity"] = *b;
  }
  if (r.parentRun)
  {
    j["parent"] = *r.parentRun;
  }
  j["message"] = r.message;
  std::ostringstream h;
  h << "Run " << r.id << " (" << r.name << ") " << r.status;
  if (r.bestEpoch > 0)
  {
    h << ", best epoch " << r.bestEpoch;
  }
  h << "\n";
  if (!r.test.empty())
  {
    h << "protocol: " << r.test.protocol << "\n";
    std::vector<std::string> names;
    for (const auto& kv : r.test.values)
    {
      names.push_back(kv.first);
    }
    h << "  metric          valid       test\n";
    for (const auto& n : names)
    {
      std::string left = "  " + n;
      left.resize(18, ' ');
      std::string v = formatNumber(r.valid.get(n));
      v.resize(12, ' ');
      h << left << v << formatNumber(r.test.get(n)) << "\n";
    }
  }
  h << "throughput: " << formatNumber(r.summary.value("examples_per_s", 0.0), "%.0f") << " examples/s, "
    << formatNumber(r.summary.value("seconds_per_epoch", 0.0), "%.1f") << " s per epoch\n";
  ctx_.finish(j, h.str());
  // A stopped or diverged run is a recorded result, not a failure: the status says which.
  return 0;
}

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
  RunConfig config = assembleConfig(a, [&] {
    return a.has("run") ? configOfRunOrFail(resolveRun(ctx, a.value("run")))
                        : preset(a.value("preset", "balanced"));
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
  c.push_back({{"config-keys", "", "List every configuration setting with its default and range",
                "", {}, 0, 0},
               cmdConfigKeys});
  c.push_back({{"config-show", "", "Print a configuration as JSON (to edit and pass to --config)",
                "",
                {{"preset", "NAME", "quick | balanced | thorough (default balanced)"},
                 {"run", "RUN", "the configuration of a recorded run"},
                 {"set", "KEY=VALUE", "override one setting", true}},
                0, 0},
               cmdConfigShow});
  return c;
}

}  // namespace m6::cli
