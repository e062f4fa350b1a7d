#include "storage/prepare.h"

#include <chrono>
#include <stdexcept>

namespace m6
{

Result<PrepareOutcome> prepareStoredDataset(Workspace& ws, const std::string& source,
                                            const std::string& outName, const PrepareRecipe& recipe,
                                            const ProgressFn& progress,
                                            const std::atomic<bool>* cancel)
{
  const auto t0 = std::chrono::steady_clock::now();
  if (recipe.empty())
  {
    return makeError(
        "the recipe has no step: choose a dedupe, a rating threshold, a time "
        "window, a cap per user or a k-core");
  }
  if (auto ok = ws.checkDatasetName(outName); !ok)
  {
    return errorOf(ok);
  }
  auto info = ws.dataset(source);
  if (!info)
  {
    return errorOf(info);
  }
  auto snapshot = ws.loadSnapshot(info->id, progress, cancel);
  if (!snapshot)
  {
    return errorOf(snapshot);
  }
  if (progress)
  {
    StorageProgress p;
    p.phase = "Preparing";
    progress(p);
  }
  PreparedDataset prepared;
  try
  {
    prepared = prepareDataset(*snapshot, recipe, cancel);
  }
  catch (const std::invalid_argument& e)
  {
    return makeError(e.what());
  }
  catch (const std::bad_alloc&)
  {
    return makeError("not enough memory to prepare " + source);
  }
  if (cancel && cancel->load())
  {
    return cancelledError();
  }
  if (prepared.snapshot.numInteractions() == 0)
  {
    return makeError("the recipe keeps no interaction of " + source + " (" + recipe.describe() +
                     "): nothing to write");
  }
  PrepareOutcome out;
  out.steps = prepared.steps;
  out.description = snapshot->preparation.empty()
                        ? recipe.describe()
                        : snapshot->preparation + "; then " + recipe.describe();
  DatasetSnapshot& ds = prepared.snapshot;
  ds.name = outName;
  DatasetOrigin origin;
  origin.sourceFormat = "prepared";
  origin.sourcePath = source;
  origin.note = "prepared from " + source + ": " + recipe.describe();
  Json prep = Json::object();
  prep["parent"] = source;
  prep["parent_format"] = info->sourceFormat;
  prep["recipe"] = recipe.toJson();
  prep["description"] = out.description;
  prep["steps"] = prepareStepsToJson(out.steps);
  origin.preparation = prep;
  auto id = ws.writeDataset(ds, origin, nullptr, progress, cancel);
  if (!id)
  {
    return errorOf(id);
  }
  auto written = ws.datasetById(*id);
  if (!written)
  {
    return errorOf(written);
  }
  out.dataset = *written;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace m6
