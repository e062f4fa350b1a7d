// Over 500 lines: the one path every training command takes (config, run and checkpoint look-ups,
// train, resume, adapt, search and their printed progress); split, it would spread one flow over
// several files.

#include "app/cli/run_driver.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/core/config_fields.h"
#include "model/core/dataset_schema.h"
#include "model/core/preset_choice.h"
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

// "ndcg@10 0.1234, hr@10 0.2345, ..." (the first four values).
std::string metricsLine(const MetricSet& m)
{
  std::string out;
  for (size_t i = 0; i < m.values.size() && i < 4; ++i)
  {
    out += (i ? ", " : "") + m.values[i].first + " " + formatNumber(m.values[i].second);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

InterruptScope::InterruptScope()
{
  gInterrupted = false;
  previous_ = std::signal(SIGINT, onInterrupt);
}

InterruptScope::~InterruptScope()
{
  std::signal(SIGINT, previous_);
}

const std::atomic<bool>* InterruptScope::flag() const
{
  return &gInterrupted;
}

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
  auto snap = ctx.workspace().loadSnapshot(info->id, [&](const StorageProgress& p)
                                           { ctx.progress("Loading " + name, p.done, p.total); });
  if (!snap)
  {
    throw CliError(snap.error());
  }
  ctx.endProgress();
  return {*info, std::move(*snap)};
}

std::optional<int64_t> datasetFilter(Context& ctx, const Args& a)
{
  if (!a.has("dataset"))
  {
    return std::nullopt;
  }
  auto d = ctx.workspace().dataset(a.value("dataset"));
  if (!d)
  {
    throw CliError(d.error());
  }
  return d->id;
}

RunConfig presetFromArgs(Context& ctx, const Args& a, int64_t interactions)
{
  const std::string name = a.value("preset", kAutoPreset);
  const std::string picked = resolvePresetName(name, interactions);
  if (name == kAutoPreset)
  {
    ctx.err << "note: preset auto picked " << picked << " for " << formatCount(interactions)
            << " interactions (thorough up to " << formatCount(kThoroughUpToInteractions)
            << ", balanced above; --preset NAME chooses)\n";
  }
  return preset(picked);
}

RunConfig configFromArgs(Context& ctx, const Args& a, const DatasetSnapshot& snapshot)
{
  if (a.has("preset") && a.has("config"))
  {
    throw CliError("give either --preset or --config, not both");
  }
  RunConfig config =
      assembleConfig(a,
                     [&]
                     {
                       return a.has("config") ? fromJson(readJsonFile(a.value("config")))
                                              : presetFromArgs(ctx, a, snapshot.numInteractions());
                     });
  return requireValid(config, snapshot);
}

RunConfig requireValid(const RunConfig& config, const DatasetSnapshot& snapshot)
{
  DatasetSchema schema = DatasetSchema::fromSnapshot(snapshot);
  auto issues = validate(config, &schema);
  if (!issues.empty())
  {
    throw CliError("invalid configuration: " + formatIssues(issues));
  }
  return config;
}

namespace
{

// A record by id, else by its unique name: `byId(id)` and `all()` are the store's lookups;
// `what` names the kind ("run", "run group") in the messages, `lister` the command listing them.
template <typename ById, typename All>
auto resolveByIdOrName(const std::string& token, ById byId, All all, const std::string& what,
                       const std::string& lister)
{
  int64_t id = 0;
  auto parsed = std::from_chars(token.data(), token.data() + token.size(), id);
  if (parsed.ec == std::errc() && parsed.ptr == token.data() + token.size())
  {
    if (auto r = byId(id))
    {
      return *r;
    }
  }
  auto records = all();
  if (!records)
  {
    throw CliError(records.error());
  }
  std::decay_t<decltype(*records)> named;
  for (const auto& r : *records)
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
    throw CliError("several " + what + "s are named \"" + token + "\"; give the " +
                   what.substr(what.rfind(' ') + 1) + " id");
  }
  throw CliError("no " + what + " \"" + token + "\" (m6-cli " + lister + " lists them)");
}

}  // namespace

RunRecord resolveRun(Context& ctx, const std::string& token)
{
  RunStore store(ctx.workspace());
  return resolveByIdOrName(
      token, [&](int64_t id) { return store.run(id); }, [&] { return store.runs(); }, "run",
      "runs");
}

RunGroupRecord resolveGroup(Context& ctx, const std::string& token)
{
  GroupStore store(ctx.workspace());
  return resolveByIdOrName(
      token, [&](int64_t id) { return store.group(id); }, [&] { return store.groups(); },
      "run group", "groups");
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
  if (run.kind != RunKind::M6)
  {
    throw CliError("run " + std::to_string(run.id) + " is a " + wordOf(run.kind) +
                       " baseline and has no model checkpoint",
                   2);
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(fs::path(run.folder) / "best.pt", ec))
  {
    return run.folder;
  }
  if (fs::exists(fs::path(run.folder) / "last.pt", ec))
  {
    // last.pt is where training stopped, not the model the run reports: never a silent stand-in.
    throw CliError("run " + std::to_string(run.id) + " has no best checkpoint (best.pt) in " +
                       run.folder +
                       ": no epoch was validated, or the file was removed. Its last.pt is a "
                       "resume point: m6-cli resume " +
                       std::to_string(run.id) + " continues the run",
                   2);
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
                              std::optional<int64_t> parent, const Distributed& distributed)
{
  auto run = session_.createRun(config, name, parent);
  if (!run)
  {
    throw CliError(run.error());
  }
  return execute(*run, config, false, distributed);
}

RunRecord RunDriver::resume(const RunRecord& run, const Distributed& distributed, int threads)
{
  RunConfig config = configOfRunOrFail(run);
  if (threads > 0)
  {
    config.train.threads = threads;  // resume does not compare it
  }
  return execute(run, config, true, distributed);
}

TrainCallbacks RunDriver::printingHooks(const char* what)
{
  TrainCallbacks cb;
  cb.cancel = &gInterrupted;  // set by an InterruptScope of the caller
  cb.onProgress = [this, what](const Progress& p)
  {
    if (!p.phase.empty())
    {
      ctx_.progress(p.phase, p.examplesDone, p.examplesTotal, "");
      return;
    }
    ctx_.progress(
        std::string(what) + " " + std::to_string(p.epoch) + "/" + std::to_string(p.epochs),
        p.examplesDone, p.examplesTotal,
        formatNumber(p.examplesPerSecond, "%.0f") + " ex/s, ETA " + formatSeconds(p.etaSeconds));
  };
  // The engine logs a line per epoch (loss, validation metric, best) and its decisions.
  cb.onLog = [this](const std::string& line)
  {
    ctx_.endProgress();
    ctx_.err << line << "\n";
  };
  return cb;
}

RunRecord RunDriver::execute(const RunRecord& run, const RunConfig& config, bool resume,
                             const Distributed& distributed)
{
  ctx_.err << (resume ? "Resuming" : "Training") << " run " << run.id << " (" << run.name << ") on "
           << data_.info.name << ": " << wordOf(config.model.task) << ", "
           << wordOf(config.model.scorer) << " scorer, " << config.train.epochs << " epochs";
  if (distributed.active())
  {
    ctx_.err << ", data-parallel over " << distributed.worldSize << " ranks at " << distributed.host
             << ":" << distributed.port;
  }
  ctx_.err << "\n";
  InterruptScope interrupts;
  auto result = session_.train(run, config, resume, printingHooks("epoch"), distributed);
  ctx_.endProgress();
  if (!result)
  {
    throw CliError(result.error());
  }
  return *result;
}

GroupSummary RunDriver::runGroup(int64_t groupId, std::optional<int64_t> only)
{
  RunStore runs(ctx_.workspace());
  GroupStore groups(ctx_.workspace());
  try
  {
    return runGroupMembers(
        runs, groups, session_, groupId,
        [this](const RunRecord& run, const RunConfig& config, bool resume) {
          return execute(run, resume ? config : requireValid(config, data_.snapshot), resume, {});
        },
        [this, groupId](const RunRecord&, int64_t seed, size_t index, size_t count)
        {
          ctx_.err << "Group " << groupId << ": seed " << seed << ", " << (index + 1) << " of "
                   << count << "\n";
        },
        only);
  }
  catch (const CliError&)
  {
    throw;
  }
  catch (const std::runtime_error& e)
  {
    throw CliError(e.what());
  }
}

RunRecord RunDriver::adaptNew(const RunRecord& parent, const RunConfig& config,
                              const AdaptOptions& options, const std::string& name,
                              const Distributed& distributed)
{
  auto run = session_.createRun(config, name, parent.id);
  if (!run)
  {
    throw CliError(run.error());
  }
  ctx_.err << "Adapting run " << parent.id << " (" << parent.name << ") to " << data_.info.name
           << " as run " << run->id << ": " << wordOf(config.model.task) << ", "
           << config.train.epochs << " epochs\n";
  InterruptScope interrupts;
  auto result = session_.adapt(*run, config, parent, options, printingHooks("epoch"), distributed);
  ctx_.endProgress();
  if (!result)
  {
    throw CliError(result.error());
  }
  return *result;
}

int RunDriver::previewAdaptation(const RunRecord& parent, const RunConfig& config,
                                 const AdaptOptions& options)
{
  AdaptReport report;
  try
  {
    std::optional<LoadedDataset> parentData;
    if (parent.datasetId != data_.info.id)
    {
      parentData = loadDataset(ctx_, parent.datasetName);
    }
    report = m6::previewAdaptation(data_.snapshot, config, parent.folder,
                                   parentData ? parentData->snapshot : data_.snapshot,
                                   configOfRunOrFail(parent), options);
  }
  catch (const CliError&)
  {
    throw;
  }
  catch (const std::exception& e)
  {
    throw CliError(e.what());
  }
  std::string text;
  Json j = adaptationSummary(report, &text);
  Json params = Json::array();
  std::ostringstream h;
  h << "Adapting run " << parent.id << " (" << parent.name << ") to " << data_.info.name
    << " would do this (nothing trained):\n";
  for (const auto& p : report.parameters)
  {
    Json x = Json::object();
    x["name"] = p.name;
    x["status"] = p.status;
    x["frozen"] = p.frozen;
    x["count"] = p.count;
    x["reason"] = p.reason;
    params.push_back(x);
    h << "  " << padRight(p.name, 44) << padRight(p.status, 16)
      << padRight(p.frozen ? "frozen" : "", 8) << p.reason << "\n";
  }
  j["parameters"] = params;
  ctx_.finish(j, h.str() + text);
  return 0;
}

AdaptComparison RunDriver::compare(const RunRecord& parent, const CompareRequest& request)
{
  InterruptScope interrupts;
  auto result = compareAdaptation(session_, parent, request, printingHooks("epoch"),
                                  [this](const std::string& arm)
                                  {
                                    ctx_.endProgress();
                                    ctx_.err << "== " << arm << "\n";
                                  });
  ctx_.endProgress();
  if (isCancelled(result))
  {
    throw CliError("compare stopped before it finished (the runs made so far are recorded)");
  }
  if (!result)
  {
    throw CliError(result.error());
  }
  return *result;
}

std::vector<RunRecord> RunDriver::baselines(
    const RunConfig& config, const std::vector<std::string>& only,
    std::vector<std::pair<std::string, std::string>>* skipped)
{
  InterruptScope interrupts;
  auto result = session_.baselines(config, printingHooks("BPR epoch"), only);
  if (skipped)
  {
    *skipped = session_.skipped();
  }
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

SearchRecord RunDriver::createSearch(const SearchRequest& request)
{
  SearchRunner runner(ctx_.workspace(), session_, data_.info, data_.snapshot);
  auto created = runner.create(request);
  if (!created)
  {
    throw CliError(created.error());
  }
  return *created;
}

SearchResult RunDriver::runSearch(const SearchRecord& search, const SearchRunOptions& options)
{
  SearchRunner runner(ctx_.workspace(), session_, data_.info, data_.snapshot);
  InterruptScope interrupts;
  auto result = runner.run(
      search, printingHooks("epoch"), options,
      [this](const SearchTrialResult& t, bool started)
      {
        ctx_.endProgress();
        const std::string label = trialLabel(t.values);
        if (started)
        {
          ctx_.err << "== trial " << t.trial + 1 << " (run " << t.run->id << "): " << label << "\n";
        }
        else if (!t.run)
        {
          ctx_.err << "== trial " << t.trial + 1 << " " << t.decision << "\n";
        }
        else
        {
          ctx_.err << "== trial " << t.trial + 1 << " (run " << t.run->id << ") "
                   << wordOf(t.run->status) << ", " << formatNumber(t.value)
                   << (t.decision.empty() ? "" : "; " + t.decision) << "\n";
        }
      });
  ctx_.endProgress();
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
  j["status"] = wordOf(r.status);
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
  j["train_examples"] = r.summary.value("train_examples", int64_t(0));
  const Json* distributed = r.summary.find("distributed");
  j["world_size"] = distributed ? distributed->value("world_size", 1) : 1;
  if (distributed)
  {
    j["distributed"] = *distributed;
  }
  std::string adaptText;
  if (const Json* report = r.summary.find("adaptation"))
  {
    j["adaptation"] = adaptationSummary(AdaptReport::fromJson(*report), &adaptText);
  }
  if (const Json* z = r.summary.find("zero_shot"))
  {
    const ZeroShotResult zs = ZeroShotResult::fromJson(*z);
    Json zj = Json::object();
    zj["available"] = zs.available;
    zj["note"] = zs.note;
    zj["test"] = zs.test.valuesJson();
    zj["valid"] = zs.valid.valuesJson();
    j["zero_shot"] = zj;
    if (zs.available || !zs.note.empty())
    {
      adaptText += "zero-shot (the parent before fine-tuning): " +
                   (zs.available ? metricsLine(zs.test) : zs.note) + "\n";
    }
  }
  std::string coldText;
  if (const Json* cold = r.summary.find("cold"))
  {
    const MetricSet test = MetricSet::fromJson(cold->at("test"));
    const MetricSet random = MetricSet::fromJson(cold->at("random"));
    Json cj = Json::object();
    if (cold->contains("items"))
    {
      cj["items"] = cold->value("items", int64_t(0));
    }
    cj["test"] = test.valuesJson();
    cj["random"] = random.valuesJson();
    cj["protocol"] = test.protocol;
    const std::string note = cold->value("note", "");
    if (!note.empty())
    {
      cj["note"] = note;
    }
    j["cold"] = cj;
    // Baselines record no count: they never rank cold items by content, and the note says how.
    coldText = "cold items" +
               (cold->contains("items") ? " (" + formatCount(cold->value("items", int64_t(0))) +
                                              ", never trained on, ranked by content)"
                                        : std::string()) +
               ": " + metricsLine(test) + "; random: " + metricsLine(random) +
               (note.empty() ? "" : " (" + note + ")") + "\n  protocol: " + test.protocol + "\n";
  }
  std::ostringstream h;
  h << "Run " << r.id << " (" << r.name << ") " << wordOf(r.status);
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
  h << "throughput: " << formatNumber(r.summary.value("examples_per_s", 0.0), "%.0f")
    << " examples/s, " << formatNumber(r.summary.value("seconds_per_epoch", 0.0), "%.1f")
    << " s per epoch\n";
  h << coldText << adaptText;
  ctx_.finish(j, h.str());
  // A stopped run is a recorded result (resume continues it). A diverged one is a failure for a
  // script: its JSON is printed like any run's, then the error line and a non-zero exit code.
  if (r.status == RunStatus::Diverged)
  {
    ctx_.err << "error: " << (r.message.empty() ? std::string("training diverged") : r.message)
             << "\n";
    return 3;
  }
  return 0;
}

}  // namespace m6::cli
